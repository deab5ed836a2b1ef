import Foundation
import PareCore
import PareFormats
import Testing

/// Every dtype SafetensorsWriter can produce, spelled out so that a dtype silently dropped from
/// `DType.isWritable` fails `writableListIsComplete` instead of shrinking the round-trip tests.
private let writableDTypes: [DType] = [.f64, .f32, .f16, .bf16, .i64, .i32, .i16, .i8, .u64, .u32, .u16, .u8, .bool]

/// Six values of `dtype` that Float32 and the dtype both hold exactly, including each integer
/// type's extremes where Float32 can represent them.
private func exactValues(_ dtype: DType) -> [Float] {
  switch dtype {
  case .f64, .f32, .f16, .bf16, .f8E4M3, .f8E5M2: [0, -1.5, 2.25, 0.5, -3, 1024]
  case .i64, .i32: [0, -1, 2, -16_777_216, 16_777_216, 127]
  case .i16: [0, -1, 2, -32768, 32767, 127]
  case .i8: [0, -1, 2, -128, 127, 100]
  case .u64, .u32: [0, 1, 2, 16_777_216, 65535, 255]
  case .u16: [0, 1, 2, 65535, 1000, 255]
  case .u8: [0, 1, 2, 255, 128, 100]
  case .bool: [0, 1, 1, 0, 0, 1]
  }
}

/// The little-endian bytes of `values` as `dtype`, built with the standard library's own types
/// so the check does not share code with `Tensor.encoded(as:)`.
private func littleEndianBytes(_ values: [Float], as dtype: DType) -> [UInt8] {
  func bytes<T: FixedWidthInteger>(_ convert: (Float) -> T) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: convert($0).littleEndian) { Array($0) } }
  }
  switch dtype {
  case .f64: return bytes { Double($0).bitPattern }
  case .f32: return bytes { $0.bitPattern }
  case .f16: return bytes { Float16($0).bitPattern }
  case .bf16: return bytes { UInt16($0.bitPattern >> 16) }
  case .i64: return bytes { Int64($0) }
  case .i32: return bytes { Int32($0) }
  case .i16: return bytes { Int16($0) }
  case .i8: return bytes { Int8($0) }
  case .u64: return bytes { UInt64($0) }
  case .u32: return bytes { UInt32($0) }
  case .u16: return bytes { UInt16($0) }
  case .u8, .bool: return bytes { UInt8($0) }
  case .f8E4M3, .f8E5M2: return []
  }
}

@Suite struct SafetensorsRoundTripTests {
  @Test func writableListIsComplete() {
    #expect(Set(writableDTypes) == Set(DType.allCases.filter(\.isWritable)))
  }

  @Test(arguments: writableDTypes)
  func roundTripsEveryWritableDType(_ dtype: DType) throws {
    try withTemporaryDirectory { dir in
      let values = exactValues(dtype)
      var writer = SafetensorsWriter()
      try writer.add("t", Tensor(shape: [2, 3], scalars: values), as: dtype)
      writer.metadata = ["dtype": dtype.rawValue]
      let path = dir.path("t.safetensors")
      try writer.write(to: path)

      let file = try SafetensorsFile(path: path)
      let entry = try #require(file.entry(named: "t"))
      #expect(entry.dtype == dtype)
      #expect(entry.shape == [2, 3])
      #expect(entry.byteRange == 0..<(6 * dtype.byteSize))
      #expect(file.header.metadata == ["dtype": dtype.rawValue])
      #expect(file.withRawBytes(of: entry) { Array($0) } == littleEndianBytes(values, as: dtype))
      let tensor = try file.tensor(named: "t")
      #expect(tensor.shape == [2, 3])
      #expect(tensor.scalars == values)
    }
  }

  @Test func byteRangesFollowInsertionOrderNotNameOrder() throws {
    try withTemporaryDirectory { dir in
      var writer = SafetensorsWriter()
      // Added in reverse alphabetical order: the JSON header is sorted by name, the data is not.
      for (index, dtype) in writableDTypes.reversed().enumerated() {
        try writer.add("t\(99 - index)-\(dtype.rawValue)", Tensor(shape: [6], scalars: exactValues(dtype)), as: dtype)
      }
      let path = dir.path("all.safetensors")
      try writer.write(to: path)

      let file = try SafetensorsFile(path: path)
      #expect(file.header.entries.map(\.dtype) == writableDTypes.reversed())
      var offset = 0
      for entry in file.header.entries {
        #expect(entry.byteRange == offset..<(offset + 6 * entry.dtype.byteSize), "\(entry.name)")
        #expect(try file.tensor(named: entry.name).scalars == exactValues(entry.dtype), "\(entry.name)")
        offset = entry.byteRange.upperBound
      }
      let bytes = try #require(dir.contents(of: "all.safetensors"))
      let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
      #expect(headerLength % 8 == 0, "the writer pads the header so the data is 8-byte aligned")
      #expect(bytes.count == 8 + headerLength + offset)
    }
  }

  @Test func metadataRoundTripsAndIsOmittedWhenEmpty() throws {
    try withTemporaryDirectory { dir in
      var writer = SafetensorsWriter()
      try writer.add("w", Tensor(shape: [1], scalars: [1]))
      let plain = dir.path("plain.safetensors")
      try writer.write(to: plain)
      writer.metadata = ["format": "pt", "note": "quotes \" and ünïcödé \n newline"]
      let annotated = dir.path("annotated.safetensors")
      try writer.write(to: annotated)

      #expect(try SafetensorsFile(path: plain).header.metadata.isEmpty)
      #expect(!String(decoding: try #require(dir.contents(of: "plain.safetensors")), as: UTF8.self).contains("__metadata__"))
      #expect(try SafetensorsFile(path: annotated).header.metadata == writer.metadata)
    }
  }

  @Test func zeroElementTensorAndScalar() throws {
    try withTemporaryDirectory { dir in
      var writer = SafetensorsWriter()
      try writer.add("empty", Tensor(shape: [0, 3], scalars: []))
      try writer.add("scalar", Tensor(shape: [], scalars: [3.5]), as: .f16)
      try writer.add("after", Tensor(shape: [2], scalars: [-1, 1]), as: .i8)
      let path = dir.path("edge.safetensors")
      try writer.write(to: path)

      let file = try SafetensorsFile(path: path)
      let empty = try #require(file.entry(named: "empty"))
      #expect(empty.shape == [0, 3])
      #expect(empty.elementCount == 0)
      #expect(empty.byteRange == 0..<0)
      #expect(try file.tensor(named: "empty") == Tensor(shape: [0, 3], scalars: []))

      let scalar = try #require(file.entry(named: "scalar"))
      #expect(scalar.shape == [])
      #expect(scalar.elementCount == 1)
      #expect(scalar.byteRange == 0..<2)
      #expect(try file.tensor(named: "scalar") == Tensor(shape: [], scalars: [3.5]))

      #expect(file.entry(named: "after")?.byteRange == 2..<4)
      #expect(try file.tensor(named: "after").scalars == [-1, 1])
    }
  }

  @Test func emptyFileHasNoTensors() throws {
    try withTemporaryDirectory { dir in
      let path = dir.path("none.safetensors")
      try SafetensorsWriter().write(to: path)
      let file = try SafetensorsFile(path: path)
      #expect(file.header.entries.isEmpty)
      #expect(file.header.metadata.isEmpty)
    }
  }

  @Test func unknownTensorIsNotFound() throws {
    try withTemporaryDirectory { dir in
      var writer = SafetensorsWriter()
      try writer.add("w", Tensor(shape: [1], scalars: [1]))
      let path = dir.path("w.safetensors")
      try writer.write(to: path)

      let file = try SafetensorsFile(path: path)
      #expect(file.entry(named: "nope") == nil)
      let error = try #require(throws: SafetensorsError.self) { try file.tensor(named: "nope") }
      #expect(error == SafetensorsError(file: path, tensor: "nope", .notFound))
      #expect(error.description.contains(path) && error.description.contains("'nope'"))
    }
  }

  @Test func writerRefusesBytesThatDoNotMatchTheShape() {
    var writer = SafetensorsWriter()
    #expect(throws: TensorError.self) { try writer.add("w", dtype: .f32, shape: [2], bytes: [0, 0, 0, 0]) }
    #expect(throws: TensorEncodingError.notWritable(.f8E4M3)) {
      try writer.add("w", Tensor(shape: [1], scalars: [1]), as: .f8E4M3)
    }
  }
}
