/// Builds a GGUF v3 file (ggml docs/gguf.md): metadata in the order it was set, then tensor
/// infos, then each tensor's bytes at an offset aligned to `general.alignment` (32 unless the
/// metadata says otherwise), and writes it atomically.
///
/// The tensors' bytes are kept as the caller made them (ggml blocks, F32, F16, ...) and written
/// one chunk each, so a model is never concatenated into one buffer.
public struct GGUFWriter: Sendable {
  /// One tensor to write: its name, ggml dimensions (ne[0], the row length, first) and bytes.
  struct Entry: Sendable {
    let name: String
    let dimensions: [Int]
    let type: GGMLType
    let data: [UInt8]
  }

  /// The longest tensor name ggml loads (`GGML_MAX_NAME` is 64 bytes with the terminating NUL).
  public static let maximumNameBytes = 63

  private(set) var keys: [String] = []
  private(set) var values: [String: GGUFValue] = [:]
  private(set) var entries: [Entry] = []
  private var names: Set<String> = []

  /// A writer starting from `metadata` (e.g. the input model's, to be amended), keys in its order.
  public init(metadata: GGUFMetadata = GGUFMetadata(keys: [], values: [:])) {
    for key in metadata.keys { if let value = metadata[key] { set(key, value) } }
  }

  /// Sets `key` to `value`: a new key goes last, an existing one keeps its place.
  public mutating func set(_ key: String, _ value: GGUFValue) {
    if values.updateValue(value, forKey: key) == nil { keys.append(key) }
  }

  /// Removes `key` when present.
  public mutating func remove(_ key: String) {
    guard values.removeValue(forKey: key) != nil else { return }
    keys.removeAll { $0 == key }
  }

  /// The metadata as it will be written.
  public var metadata: GGUFMetadata { GGUFMetadata(keys: keys, values: values) }

  /// Adds a tensor of Pare's `shape` (outermost first, as `GGUFTensorInfo.shape`) whose bytes are
  /// `data`, laid out as ggml stores `type`: rows of `shape.last` elements.
  public mutating func addTensor(_ name: String, shape: [Int], type: GGMLType, data: [UInt8]) throws(GGUFWriterError) {
    let subject = "tensor '\(GGUFError.printable(name))'"
    guard name.utf8.count <= Self.maximumNameBytes else {
      throw GGUFWriterError("\(subject): its name has \(name.utf8.count) bytes (ggml loads at most \(Self.maximumNameBytes))")
    }
    guard names.insert(name).inserted else { throw GGUFWriterError("\(subject) is added twice") }
    guard (1...4).contains(shape.count), shape.allSatisfy({ $0 > 0 }) else {
      throw GGUFWriterError("\(subject): shape \(shape) is not 1 to 4 positive dimensions")
    }
    let dimensions = Array(shape.reversed())
    let elements = shape.reduce(1, *)
    guard let expected = type.byteCount(elements: elements, rowLength: dimensions[0]) else {
      throw GGUFWriterError("\(subject): rows of \(dimensions[0]) are not a multiple of \(type.name)'s block of \(type.blockSize)")
    }
    guard data.count == expected else {
      throw GGUFWriterError("\(subject): \(data.count) bytes given, \(type.name) of shape \(shape) takes \(expected)")
    }
    entries.append(Entry(name: name, dimensions: dimensions, type: type, data: data))
  }

  /// The alignment of tensor data: `general.alignment` when set, else GGUF's default 32.
  var alignment: Int {
    guard let a = values["general.alignment"]?.integer, a > 0, a & (a - 1) == 0 else { return 32 }
    return a
  }

  /// The file as chunks: the header (padded to the alignment), then each tensor's bytes and
  /// padding.
  public func encoded() -> [[UInt8]] {
    var header = GGUFEncoder()
    header.append(contentsOf: Array("GGUF".utf8))
    header.integer(UInt32(3))
    header.integer(UInt64(entries.count))
    header.integer(UInt64(keys.count))
    for key in keys {
      header.string(key)
      if let value = values[key] { header.value(value) }
    }
    let alignment = self.alignment
    var offset = 0
    var offsets: [Int] = []
    for entry in entries {
      header.string(entry.name)
      header.integer(UInt32(entry.dimensions.count))
      for d in entry.dimensions { header.integer(UInt64(d)) }
      header.integer(entry.type.rawValue)
      header.integer(UInt64(offset))
      offsets.append(offset)
      offset += Self.padded(entry.data.count, to: alignment)
    }
    header.pad(to: alignment)
    var chunks = [header.bytes]
    for entry in entries {
      chunks.append(entry.data)
      let padding = Self.padded(entry.data.count, to: alignment) - entry.data.count
      if padding > 0 { chunks.append([UInt8](repeating: 0, count: padding)) }
    }
    return chunks
  }

  /// Writes the file to `path` atomically (a temporary file renamed over it).
  public func write(to path: String) throws(FileWriteError) {
    try AtomicFile.write(encoded(), to: path)
  }

  static func padded(_ count: Int, to alignment: Int) -> Int { (count + alignment - 1) / alignment * alignment }
}

/// A tensor cannot be written to GGUF as given; the message names it.
public struct GGUFWriterError: Error, Equatable, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

/// Little-endian GGUF encoding of integers, strings and typed values.
struct GGUFEncoder {
  var bytes: [UInt8] = []

  mutating func append(contentsOf other: [UInt8]) { bytes.append(contentsOf: other) }

  mutating func integer<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func string(_ text: String) {
    integer(UInt64(text.utf8.count))
    bytes.append(contentsOf: text.utf8)
  }

  mutating func pad(to alignment: Int) {
    bytes.append(contentsOf: repeatElement(0, count: GGUFWriter.padded(bytes.count, to: alignment) - bytes.count))
  }

  /// A value with its type id first.
  mutating func value(_ value: GGUFValue) {
    integer(Self.typeID(of: value))
    payload(value)
  }

  private mutating func payload(_ value: GGUFValue) {
    switch value {
    case let .uint8(v): integer(v)
    case let .int8(v): integer(v)
    case let .uint16(v): integer(v)
    case let .int16(v): integer(v)
    case let .uint32(v): integer(v)
    case let .int32(v): integer(v)
    case let .uint64(v): integer(v)
    case let .int64(v): integer(v)
    case let .float32(v): integer(v.bitPattern)
    case let .float64(v): integer(v.bitPattern)
    case let .bool(v): integer(UInt8(v ? 1 : 0))
    case let .string(v): string(v)
    case let .array(items): array(items)
    }
  }

  private mutating func array(_ items: GGUFArray) {
    integer(Self.itemTypeID(of: items))
    integer(UInt64(items.count))
    switch items {
    case let .uint8(a): bytes.append(contentsOf: a)
    case let .int8(a): for v in a { integer(v) }
    case let .uint16(a): for v in a { integer(v) }
    case let .int16(a): for v in a { integer(v) }
    case let .uint32(a): for v in a { integer(v) }
    case let .int32(a): for v in a { integer(v) }
    case let .uint64(a): for v in a { integer(v) }
    case let .int64(a): for v in a { integer(v) }
    case let .float32(a): for v in a { integer(v.bitPattern) }
    case let .float64(a): for v in a { integer(v.bitPattern) }
    case let .bool(a): for v in a { integer(UInt8(v ? 1 : 0)) }
    case let .string(a): for v in a { string(v) }
    case let .array(a): for nested in a { array(nested) }
    }
  }

  /// GGUF's value type ids (gguf.md), by the names `GGUFValue.typeName` and
  /// `GGUFArray.elementTypeName` give them: 0 uint8 ... 12 float64.
  static let typeIDs: [String: UInt32] = [
    "uint8": 0, "int8": 1, "uint16": 2, "int16": 3, "uint32": 4, "int32": 5, "float32": 6, "bool": 7,
    "string": 8, "array": 9, "uint64": 10, "int64": 11, "float64": 12,
  ]

  static func typeID(of value: GGUFValue) -> UInt32 {
    if case .array = value { return 9 }
    return typeIDs[value.typeName] ?? 9
  }

  static func itemTypeID(of items: GGUFArray) -> UInt32 { typeIDs[items.elementTypeName] ?? 9 }
}
