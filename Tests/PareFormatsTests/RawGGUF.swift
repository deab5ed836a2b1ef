/// GGUF file images assembled field by field, for tests that need files gguf-py would never write
/// (each validation rule) or would take too long to write (a 7B model's header).
struct RawGGUF {
  var version: UInt32 = 3
  /// Key/value records, already encoded (`keyValue`).
  var keyValues: [[UInt8]] = []
  /// Tensor infos, already encoded (`tensorInfo`).
  var tensorInfos: [[UInt8]] = []
  /// Overrides the counts written in the header (to lie about them).
  var tensorCount: UInt64?
  var keyCount: UInt64?
  var alignment = 32

  static func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  static func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  static func string(_ s: String) -> [UInt8] { u64(UInt64(s.utf8.count)) + Array(s.utf8) }

  /// A key with value type `type` and its encoded value.
  static func keyValue(_ key: String, type: UInt32, _ value: [UInt8]) -> [UInt8] { string(key) + u32(type) + value }
  static func keyValue(_ key: String, _ value: String) -> [UInt8] { keyValue(key, type: 8, string(value)) }
  static func keyValue(_ key: String, u32 value: UInt32) -> [UInt8] { keyValue(key, type: 4, u32(value)) }
  static func keyValue(_ key: String, f32 value: Float) -> [UInt8] { keyValue(key, type: 6, u32(value.bitPattern)) }

  /// An array value of item type `type` (`items` already encoded).
  static func array(type: UInt32, count: Int, _ items: [UInt8]) -> [UInt8] { u32(type) + u64(UInt64(count)) + items }

  static func tensorInfo(_ name: String, _ dims: [UInt64], type: UInt32, offset: UInt64) -> [UInt8] {
    string(name) + u32(UInt32(dims.count)) + dims.flatMap(u64) + u32(type) + u64(offset)
  }

  /// The header, padded to the alignment (the data section starts right after).
  var header: [UInt8] {
    var bytes = Array("GGUF".utf8) + Self.u32(version)
    bytes += Self.u64(tensorCount ?? UInt64(tensorInfos.count)) + Self.u64(keyCount ?? UInt64(keyValues.count))
    bytes += keyValues.flatMap { $0 } + tensorInfos.flatMap { $0 }
    bytes += [UInt8](repeating: 0, count: (alignment - bytes.count % alignment) % alignment)
    return bytes
  }

  /// The whole file: header and `data`.
  func image(data: [UInt8] = []) -> [UInt8] { header + data }
}
