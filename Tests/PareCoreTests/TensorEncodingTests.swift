import PareTestSupport
import Testing
@testable import PareCore

struct TensorEncodingTests {
  /// Values every writable dtype holds exactly (BOOL: 0 and 1 only).
  static let exact: [Float] = [0, 1, 2, 3, 100, 7, 0, 1]

  @Test(arguments: DType.allCases.filter(\.isWritable))
  func roundTrip(dtype: DType) throws {
    let values = dtype == .bool ? Self.exact.map { $0 == 0 ? 0 : 1 } : Self.exact
    let tensor = try Tensor(shape: [2, 4], scalars: values)
    let bytes = try tensor.encoded(as: dtype)
    #expect(bytes.count == 8 * dtype.byteSize)
    let decoded = try bytes.withUnsafeBytes { try Tensor(decoding: $0, dtype: dtype, shape: [2, 4]) }
    #expect(decoded == tensor)
  }

  @Test func littleEndianLayout() throws {
    let t = try Tensor(shape: [2], scalars: [1, -2])
    #expect(try t.encoded(as: .f16) == [0x00, 0x3C, 0x00, 0xC0])
    #expect(try t.encoded(as: .i16) == [0x01, 0x00, 0xFE, 0xFF])
    #expect(try t.encoded(as: .bf16) == [0x80, 0x3F, 0x00, 0xC0])
  }

  @Test func integersRoundHalfToEvenAndSaturate() throws {
    let t = try Tensor(shape: [5], scalars: [2.5, 3.5, -2.5, 300, -300])
    #expect(try t.encoded(as: .i8).map { Int8(bitPattern: $0) } == [2, 4, -2, 127, -128])
    #expect(try t.encoded(as: .u8) == [2, 4, 0, 255, 0])
  }

  @Test func fp8IsReadOnly() {
    #expect(throws: TensorEncodingError.notWritable(.f8E4M3)) { try Tensor(zeros: [1]).encoded(as: .f8E4M3) }
  }

  @Test func decodingChecksByteCount() {
    let bytes: [UInt8] = [0, 0, 0]
    #expect(throws: TensorError.self) {
      try bytes.withUnsafeBytes { try Tensor(decoding: $0, dtype: .f32, shape: [1]) }
    }
  }

  @Test func shapeValidation() throws {
    #expect(throws: TensorError.shapeMismatch(shape: [2, 2], count: 3)) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
    #expect(try Tensor(shape: [], scalars: [5]).matrixShape == (1, 1))
    #expect(Tensor(zeros: [4, 3, 2]).matrixShape == (4, 6))
    #expect(Tensor(zeros: [7]).matrixShape == (1, 7))
  }
}

/// FP16 and BF16 bytes are written and read eight lanes at a time: the same bytes and values as
/// the scalar conversions, for odd counts and from unaligned memory.
struct HalfWidthEncodingTests {
  @Test(arguments: [DType.f16, .bf16], [1, 7, 8, 13, 1001])
  func matchesScalarConversions(dtype: DType, count: Int) throws {
    var rng = SeededGenerator(seed: UInt64(count))
    let values = rng.awkwardValues(count) + [.nan, -.infinity]
    let bytes = try Tensor(shape: [values.count], scalars: values).encoded(as: dtype)
    let expected = values.flatMap { x -> [UInt8] in
      let bits = dtype == .f16 ? FloatConversion.f16Bits(x) : FloatConversion.bf16Bits(x)
      return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
    }
    #expect(bytes == expected)
    let unaligned = [0] + bytes
    let decoded = try unaligned.withUnsafeBytes { raw in
      try Tensor(decoding: UnsafeRawBufferPointer(rebasing: raw[1...]), dtype: dtype, shape: [values.count])
    }
    let widened = (0..<values.count).map { i -> Float in
      let bits = UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8
      return dtype == .f16 ? FloatConversion.float(f16Bits: bits) : FloatConversion.float(bf16Bits: bits)
    }
    #expect(decoded.scalars.map(\.bitPattern) == widened.map(\.bitPattern))
  }
}
