import Foundation
import PareCore

/// All the tensors of a checkpoint, one safetensors file or a sharded set, addressed by name.
///
/// A sharded checkpoint (`model.safetensors.index.json` with a `weight_map` from tensor name to
/// shard file) loads as one store, and so does a GGUF file (`init(gguf:)`). Tensors are decoded
/// lazily from the memory-mapped files.
public struct WeightStore: Sendable {
  /// Every tensor's entry, in file order (shard by shard, then by byte offset).
  public let entries: [SafetensorsEntry]
  /// The files (internal so that SafetensorsFile+SHA256.swift can hash them).
  let files: [SafetensorsFile]
  private let location: [String: (file: Int, entry: Int)]
  /// The GGUF file behind the store, when it is one (then `files` is empty).
  public let gguf: GGUFFile?

  /// A store over the files, refusing a name that appears in more than one of them.
  public init(files: [SafetensorsFile]) throws(SafetensorsError) {
    var entries: [SafetensorsEntry] = []
    var location: [String: (file: Int, entry: Int)] = [:]
    for (f, file) in files.enumerated() {
      for (e, entry) in file.header.entries.enumerated() {
        if let first = location[entry.name] {
          throw SafetensorsError(file: file.path, tensor: entry.name, .inTwoShards(other: files[first.file].path))
        }
        location[entry.name] = (f, e)
        entries.append(entry)
      }
    }
    self.files = files
    self.entries = entries
    self.location = location
    gguf = nil
  }

  /// A store over one GGUF file. Its entries show each tensor as the rest of Pare sees it: the
  /// file's name, ggml's `ne` reversed as the shape (a matrix is [rows, columns]), dtype F16 or
  /// BF16 for those types and F32 for every other (quantized tensors decode to Float32), and the
  /// tensor's bytes in the data section as `byteRange`, so sizes are what the file stores.
  public init(gguf: GGUFFile) {
    files = []
    self.gguf = gguf
    entries = gguf.tensors.map { info in
      let dtype: DType = switch info.type {
      case .f16: .f16
      case .bf16: .bf16
      default: .f32
      }
      return SafetensorsEntry(name: info.name, dtype: dtype, shape: info.shape, byteRange: info.byteRange)
    }
    location = Dictionary(entries.enumerated().map { ($1.name, (file: 0, entry: $0)) }, uniquingKeysWith: { first, _ in first })
  }

  /// The ggml type of GGUF tensor `name`; nil for a safetensors store or an unknown name.
  public func ggmlType(of name: String) -> GGMLType? {
    guard let gguf, let at = location[name] else { return nil }
    return gguf.tensors[at.entry].type
  }

  /// Opens a single `.safetensors` file.
  public init(file path: String) throws(SafetensorsError) {
    try self.init(files: [SafetensorsFile(path: path)])
  }

  /// Opens a sharded checkpoint from its index file; every name in `weight_map` must be in the
  /// shard it points to, and every shard tensor must be listed.
  public init(index path: String) throws(SafetensorsError) {
    func fail(_ reason: String) -> SafetensorsError { SafetensorsError(file: path, .badIndex(reason)) }
    let data: Data
    do { data = try InputFile.contents(of: path) } catch { throw SafetensorsError(file: path, .unreadable(error.reason)) }
    struct Index: Decodable { let weight_map: [String: String] }
    guard let index = try? JSONDecoder().decode(Index.self, from: data) else {
      throw fail("expected a JSON object with a \"weight_map\" of tensor name to shard file")
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    let shardNames = Set(index.weight_map.values).sorted()
    for shard in shardNames where shard.contains("/") || shard.hasPrefix(".") {
      throw fail("shard '\(shard)' must be a file name in the same directory")
    }
    var files: [SafetensorsFile] = []
    for shard in shardNames {
      files.append(try SafetensorsFile(path: directory.appendingPathComponent(shard).path))
    }
    try self.init(files: files)
    for (name, shard) in index.weight_map.sorted(by: { $0.key < $1.key }) {
      guard let at = location[name] else { throw SafetensorsError(file: path, tensor: name, .badIndex("listed in weight_map but in no shard")) }
      if URL(fileURLWithPath: files[at.file].path).lastPathComponent != shard {
        throw SafetensorsError(file: path, tensor: name, .badIndex("weight_map says \(shard) but it is in another shard"))
      }
    }
    if let unlisted = entries.first(where: { index.weight_map[$0.name] == nil }) {
      throw SafetensorsError(file: path, tensor: unlisted.name, .badIndex("in a shard but not in weight_map"))
    }
  }

  /// The entry for `name`, or nil.
  public func entry(named name: String) -> SafetensorsEntry? {
    guard gguf == nil else { return location[name].map { entries[$0.entry] } }
    return location[name].map { files[$0.file].header.entries[$0.entry] }
  }

  /// The tensor `name` decoded to Float32.
  public func tensor(named name: String) throws(SafetensorsError) -> Tensor {
    guard let at = location[name] else {
      throw SafetensorsError(file: paths.first ?? "weights", tensor: name, .notFound)
    }
    if let gguf {
      do { return try gguf.decode(gguf.tensors[at.entry]) } catch {
        throw SafetensorsError(file: gguf.path, tensor: GGUFError.printable(name), .notDecodable(error.message))
      }
    }
    return try files[at.file].tensor(named: name)
  }

  /// The file holding `name` (for error messages), or nil.
  public func path(of name: String) -> String? {
    if let gguf { return location[name] == nil ? nil : gguf.path }
    return location[name].map { files[$0.file].path }
  }

  /// Calls `body` with the bytes of tensor `name` in its entry's dtype: the on-disk bytes, but
  /// for a quantized GGUF tensor its dequantized Float32 values (so a reader going by the
  /// entry's dtype and shape stays correct).
  public func withRawBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    guard let at = location[name] else { throw SafetensorsError(file: paths.first ?? "weights", tensor: name, .notFound) }
    if let gguf {
      let info = gguf.tensors[at.entry]
      switch info.type {
      case .f32, .f16, .bf16: return try gguf.withBytes(of: info, body)
      default: return try tensor(named: name).scalars.withUnsafeBytes { try body($0) }
      }
    }
    return try files[at.file].withRawBytes(of: files[at.file].header.entries[at.entry], body)
  }

  /// The metadata of the first file (a single-file checkpoint's `__metadata__`).
  public var metadata: [String: String] { files.first?.header.metadata ?? [:] }

  /// Paths of the underlying files.
  public var paths: [String] { gguf.map { [$0.path] } ?? files.map(\.path) }
}
