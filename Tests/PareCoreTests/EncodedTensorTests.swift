import Testing
@testable import PareCore

struct EncodedTensorTests {
  /// Six little-endian I16 values, [2, 3]: 1, -2, 300, 0, -32768, 7.
  static let i16Bytes: [UInt8] = [0x01, 0x00, 0xFE, 0xFF, 0x2C, 0x01, 0x00, 0x00, 0x00, 0x80, 0x07, 0x00]

  @Test func decodesAnyRangeOfElementsByHand() throws {
    let encoded = try EncodedTensor(dtype: .i16, shape: [2, 3], bytes: Self.i16Bytes)
    #expect(encoded.count == 6)
    #expect(encoded.decoded() == (try Tensor(shape: [2, 3], scalars: [1, -2, 300, 0, -32768, 7])))
    var middle = [Float](repeating: .nan, count: 3)
    middle.withUnsafeMutableBufferPointer { encoded.decode(elements: 2..<5, into: $0) }
    #expect(middle == [300, 0, -32768])
  }

  /// A slice decoded from the encoded bytes equals the same slice of the whole tensor decoded at
  /// once through `Tensor(decoding:)`, for every dtype, at unaligned offsets.
  @Test(arguments: DType.allCases.filter(\.isWritable))
  func slicesMatchWholeDecoding(dtype: DType) throws {
    let values: [Float] = dtype == .bool ? [0, 1, 1, 0, 1, 0, 0] : [0, 1, 2, 3, 100, 7, 5]
    let bytes = try Tensor(shape: [7], scalars: values).encoded(as: dtype)
    let whole = try bytes.withUnsafeBytes { try Tensor(decoding: $0, dtype: dtype, shape: [7]) }
    let encoded = try EncodedTensor(dtype: dtype, shape: [7], bytes: bytes)
    for range in [0..<7, 1..<4, 3..<3, 6..<7] {
      var part = [Float](repeating: .nan, count: range.count)
      part.withUnsafeMutableBufferPointer { encoded.decode(elements: range, into: $0) }
      #expect(part == Array(whole.scalars[range]), "\(dtype) \(range)")
    }
  }

  @Test func refusesBytesThatDoNotFitTheShape() {
    #expect(throws: TensorError.shapeMismatch(shape: [2, 3], count: 5)) {
      try EncodedTensor(dtype: .i16, shape: [2, 3], bytes: Array(Self.i16Bytes.dropLast(2)))
    }
    #expect(throws: TensorError.self) { try EncodedTensor(dtype: .u8, shape: [-1], bytes: []) }
  }
}
