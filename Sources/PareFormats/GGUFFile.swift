import PareCore

/// One tensor's entry in a GGUF header.
public struct GGUFTensorInfo: Sendable, Equatable {
  /// The name as the file has it ("blk.0.attn_q.weight").
  public let name: String
  /// ggml's `ne`: the extent of each axis, fastest-varying first (ne[0] is a row's length).
  public let dimensions: [Int]
  /// How the elements are stored.
  public let type: GGMLType
  /// Where its bytes start, from the start of the data section (a multiple of the alignment).
  public let offset: Int
  /// How many bytes it takes.
  public let byteCount: Int

  /// Row-major shape as PyTorch writes it: `dimensions` reversed ([rows, columns] for a matrix).
  public var shape: [Int] { dimensions.reversed() }
  /// Number of elements.
  public var elementCount: Int { dimensions.reduce(1, *) }
  /// Its bytes within the data section.
  public var byteRange: Range<Int> { offset..<(offset + byteCount) }
}

/// An open GGUF file (versions 2 and 3): the validated header, with the tensor data memory-mapped
/// and decoded on request.
///
/// Opening reads only the header (metadata and tensor infos): a 7B model lists its tensors
/// without touching its gigabytes of data. Every rule of DESIGN.md §8 has a GGUF form here:
/// counts and lengths the file cannot hold, unknown value or ggml types, nesting, duplicate
/// keys and tensor names, the alignment, shapes against block sizes, offsets and overlaps.
public final class GGUFFile: Sendable {
  /// The path it was opened from (named in every error).
  public let path: String
  /// The format version: 2 or 3.
  public let version: Int
  /// Every metadata key and value.
  public let metadata: GGUFMetadata
  /// The tensors in the order the header lists them.
  public let tensors: [GGUFTensorInfo]
  /// `general.alignment`, or 32.
  public let alignment: Int
  /// Where the data section starts in the file.
  public let dataOffset: Int
  /// The whole file, mapped.
  let mapping: MappedFile
  private let index: [String: Int]

  /// Arrays nested deeper than this are refused: the specification sets no limit, and nothing
  /// real nests at all, so the limit only keeps a hostile file from recursing without end.
  public static let maximumNesting = 8

  /// Opens and validates `path`; throws a `GGUFError` naming the file and the problem.
  public init(path: String) throws(GGUFError) {
    self.path = path
    do { mapping = try MappedFile(path: path) } catch {
      if case let .unreadable(reason) = error.problem { throw GGUFError(file: path, "cannot read: \(reason)") }
      throw GGUFError(file: path, "\(error.problem)")
    }
    let header = try Self.parse(mapping.bytes, file: path)
    (version, metadata, tensors, alignment, dataOffset) =
      (header.version, header.metadata, header.tensors, header.alignment, header.dataOffset)
    index = Dictionary(header.tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// The tensor `name`'s entry, or nil.
  public func tensor(named name: String) -> GGUFTensorInfo? { index[name].map { tensors[$0] } }

  /// `general.architecture` ("llama", "gemma3"), or nil.
  public var architecture: String? { metadata.string("general.architecture") }

  /// The bytes of `tensor` as stored (valid while `body` runs).
  public func withBytes<R>(of tensor: GGUFTensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(UnsafeRawBufferPointer(rebasing: mapping.bytes[fileRange(of: tensor)]))
  }

  /// Where `tensor`'s bytes lie in the file.
  public func fileRange(of tensor: GGUFTensorInfo) -> Range<Int> {
    (dataOffset + tensor.offset)..<(dataOffset + tensor.offset + tensor.byteCount)
  }

  /// `tensor` dequantized to Float32 in its row-major `shape`, bit for bit as ggml's
  /// `dequantize_row_*`; throws for a type Pare cannot decode, naming the tensor and type. The
  /// mapped pages are released afterwards: the caller holds the decoded copy.
  public func decode(_ tensor: GGUFTensorInfo) throws(GGUFError) -> Tensor {
    guard tensor.type.isDecodable else {
      throw GGUFError(file: path, subject: "tensor '\(GGUFError.printable(tensor.name))'",
                      "is \(tensor.type.name), which Pare cannot decode (it decodes \(GGMLType.decodableList))")
    }
    let range = fileRange(of: tensor)
    mapping.prefetch(range)
    defer { mapping.release(range) }
    return withBytes(of: tensor) { raw in
      Tensor(unsafeUninitializedShape: tensor.shape) { output in
        GGMLDequantize.decode(raw, type: tensor.type, into: output)
      }
    }
  }

  /// The tensor `name` decoded to Float32 (see `decode`).
  public func decode(named name: String) throws(GGUFError) -> Tensor {
    guard let info = tensor(named: name) else {
      throw GGUFError(file: path, subject: "tensor '\(GGUFError.printable(name))'", "no such tensor")
    }
    return try decode(info)
  }

  // MARK: - Parsing

  struct Header {
    var version: Int, metadata: GGUFMetadata, tensors: [GGUFTensorInfo], alignment: Int, dataOffset: Int
  }

  /// Parses and validates the header in `bytes` (the whole file).
  static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(GGUFError) -> Header {
    var cursor = GGUFCursor(bytes: bytes, file: file)
    guard bytes.count >= 4, Array(bytes[0..<4]) == Array("GGUF".utf8) else {
      throw cursor.fail("not a GGUF file (it does not start with \"GGUF\")")
    }
    cursor.offset = 4
    let version = try cursor.read(UInt32.self, "the version")
    guard version == 2 || version == 3 else {
      throw cursor.fail("GGUF version \(version) is not supported (Pare reads versions 2 and 3)")
    }
    // Smallest tensor info: empty name (8), n_dims (4), one dim (8), type (4), offset (8).
    let tensorCount = try cursor.count("tensor count", minimumBytes: 32)
    // Smallest key/value: empty key (8), type (4), one byte.
    let keyCount = try cursor.count("metadata key count", minimumBytes: 13)

    var keys: [String] = []
    var values: [String: GGUFValue] = [:]
    keys.reserveCapacity(keyCount)
    for k in 0..<keyCount {
      cursor.subject = nil
      let key = try cursor.strictString("metadata key #\(k)")
      cursor.subject = "key \"\(GGUFError.printable(key))\""
      guard values[key] == nil else { throw cursor.fail("appears twice in the metadata") }
      let type = try cursor.read(UInt32.self, "its value type")
      values[key] = try value(type: type, cursor: &cursor, depth: 0)
      keys.append(key)
    }
    let metadata = GGUFMetadata(keys: keys, values: values)

    var alignment = 32
    if let value = values["general.alignment"] {
      cursor.subject = "key \"general.alignment\""
      guard let a = value.integer, a > 0, a & (a - 1) == 0, a <= 1 << 30 else {
        throw cursor.fail("\(value.typeName) \(Self.show(value)) is not a power of two")
      }
      alignment = a
    }

    var tensors: [GGUFTensorInfo] = []
    tensors.reserveCapacity(tensorCount)
    var seen = Set<String>()
    for t in 0..<tensorCount {
      cursor.subject = nil
      let name = try cursor.strictString("the name of tensor #\(t)")
      cursor.subject = "tensor '\(GGUFError.printable(name))'"
      guard seen.insert(name).inserted else { throw cursor.fail("appears twice in the header") }
      let rank = try cursor.read(UInt32.self, "its number of dimensions")
      guard (1...4).contains(rank) else { throw cursor.fail("has \(rank) dimensions (ggml allows 1 to 4)") }
      var dimensions: [Int] = []
      var elements = 1
      for _ in 0..<rank {
        let d = try cursor.read(UInt64.self, "its dimensions")
        guard d > 0, d <= UInt64(Int.max) else { throw cursor.fail("has a dimension of \(Int64(bitPattern: d)) (must be positive)") }
        dimensions.append(Int(d))
        let (product, overflow) = elements.multipliedReportingOverflow(by: Int(d))
        guard !overflow else { throw cursor.fail("shape \(dimensions) has more elements than fit in 64 bits") }
        elements = product
      }
      let rawType = try cursor.read(UInt32.self, "its ggml type")
      guard let type = GGMLType(rawValue: rawType) else {
        throw cursor.fail("has unknown ggml type id \(rawType)")
      }
      guard dimensions[0] % type.blockSize == 0 else {
        throw cursor.fail("row length \(dimensions[0]) is not a multiple of \(type.name)'s block size \(type.blockSize)")
      }
      guard let byteCount = type.byteCount(elements: elements, rowLength: dimensions[0]) else {
        throw cursor.fail("shape \(dimensions) of \(type.name) takes more bytes than fit in 64 bits")
      }
      let rawOffset = try cursor.read(UInt64.self, "its data offset")
      guard rawOffset <= UInt64(Int.max / 2) else { throw cursor.fail("data offset \(rawOffset) is past the end of the file") }
      let offset = Int(rawOffset)
      guard offset % alignment == 0 else {
        throw cursor.fail("data offset \(offset) is not a multiple of the alignment \(alignment)")
      }
      tensors.append(GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: offset, byteCount: byteCount))
    }
    cursor.subject = nil

    let headerEnd = cursor.offset
    let dataOffset = (headerEnd + alignment - 1) / alignment * alignment
    let dataLength = max(0, bytes.count - dataOffset)
    for tensor in tensors where tensor.offset > dataLength || tensor.byteCount > dataLength - tensor.offset {
      throw GGUFError(file: file, subject: "tensor '\(GGUFError.printable(tensor.name))'",
                      "data [\(dataOffset + tensor.offset), \(dataOffset + tensor.offset + tensor.byteCount)) runs past the end of the \(bytes.count)-byte file")
    }
    let ordered = tensors.sorted { ($0.offset, $0.byteCount, $0.name) < ($1.offset, $1.byteCount, $1.name) }
    for (previous, next) in zip(ordered, ordered.dropFirst()) where next.offset < previous.offset + previous.byteCount {
      throw GGUFError(file: file, subject: "tensor '\(GGUFError.printable(next.name))'",
                      "data overlaps tensor '\(GGUFError.printable(previous.name))'")
    }
    return Header(version: Int(version), metadata: metadata, tensors: tensors, alignment: alignment, dataOffset: dataOffset)
  }

  /// A short rendering of a value for messages.
  static func show(_ value: GGUFValue) -> String {
    switch value {
    case let .string(s): "\"\(GGUFError.printable(String(s.prefix(40))))\""
    case .array: "[...]"
    default: value.double.map { $0.rounded() == $0 && abs($0) < 1e18 ? String(Int64($0)) : "\($0)" } ?? "\(value)"
    }
  }

  /// A value of GGUF type id `type`.
  private static func value(type: UInt32, cursor: inout GGUFCursor, depth: Int) throws(GGUFError) -> GGUFValue {
    switch type {
    case 0: .uint8(try cursor.read(UInt8.self, "its value"))
    case 1: .int8(try cursor.read(Int8.self, "its value"))
    case 2: .uint16(try cursor.read(UInt16.self, "its value"))
    case 3: .int16(try cursor.read(Int16.self, "its value"))
    case 4: .uint32(try cursor.read(UInt32.self, "its value"))
    case 5: .int32(try cursor.read(Int32.self, "its value"))
    case 6: .float32(Float(bitPattern: try cursor.read(UInt32.self, "its value")))
    case 7: .bool(try cursor.read(UInt8.self, "its value") != 0)
    case 8: .string(try cursor.string("its string"))
    case 9: .array(try array(cursor: &cursor, depth: depth + 1))
    case 10: .uint64(try cursor.read(UInt64.self, "its value"))
    case 11: .int64(try cursor.read(Int64.self, "its value"))
    case 12: .float64(Double(bitPattern: try cursor.read(UInt64.self, "its value")))
    default: throw cursor.fail("unknown value type \(type) (GGUF defines 0 to 12)")
    }
  }

  /// Bytes the smallest item of GGUF type id `type` takes, nil for an unknown type.
  private static func minimumSize(of type: UInt32) -> Int? {
    switch type {
    case 0, 1, 7: 1
    case 2, 3: 2
    case 4, 5, 6: 4
    case 8, 10, 11, 12: 8
    case 9: 12
    default: nil
    }
  }

  /// An array value (its item type and count were not read yet), at nesting level `depth`.
  private static func array(cursor: inout GGUFCursor, depth: Int) throws(GGUFError) -> GGUFArray {
    guard depth <= maximumNesting else { throw cursor.fail("arrays nested more than \(maximumNesting) deep") }
    let type = try cursor.read(UInt32.self, "its array item type")
    guard let size = minimumSize(of: type) else { throw cursor.fail("unknown array item type \(type) (GGUF defines 0 to 12)") }
    let count = try cursor.count("array length", minimumBytes: size)
    switch type {
    case 0: return .uint8(cursor.items(UInt8.self, count: count))
    case 1: return .int8(cursor.items(Int8.self, count: count))
    case 2: return .uint16(cursor.items(UInt16.self, count: count))
    case 3: return .int16(cursor.items(Int16.self, count: count))
    case 4: return .uint32(cursor.items(UInt32.self, count: count))
    case 5: return .int32(cursor.items(Int32.self, count: count))
    case 6: return .float32(cursor.items(UInt32.self, count: count).map { Float(bitPattern: $0) })
    case 7: return .bool(cursor.items(UInt8.self, count: count).map { $0 != 0 })
    case 10: return .uint64(cursor.items(UInt64.self, count: count))
    case 11: return .int64(cursor.items(Int64.self, count: count))
    case 12: return .float64(cursor.items(UInt64.self, count: count).map { Double(bitPattern: $0) })
    case 8:
      var strings: [String] = []
      strings.reserveCapacity(count)
      for i in 0..<count { strings.append(try cursor.string("string #\(i) of its array")) }
      return .string(strings)
    default:
      var arrays: [GGUFArray] = []
      for _ in 0..<count {
        arrays.append(try array(cursor: &cursor, depth: depth + 1))
      }
      return .array(arrays)
    }
  }
}
