import PareCore

/// An open safetensors file: the validated header plus a memory map of the data.
///
/// Opening reads only the header; `tensor(named:)` decodes one tensor on request.
public final class SafetensorsFile: Sendable {
  /// The path the file was opened from (used in every error message).
  public let path: String
  /// The validated header.
  public let header: SafetensorsHeader
  /// The whole file, mapped (internal so that SafetensorsFile+SHA256.swift can hash it).
  let mapping: MappedFile
  private let dataStart: Int
  private let index: [String: Int]

  /// Opens and validates `path`; throws a `SafetensorsError` naming the file and the problem.
  public init(path: String) throws(SafetensorsError) {
    self.path = path
    mapping = try MappedFile(path: path)
    let bytes = mapping.bytes
    guard bytes.count >= 8 else { throw SafetensorsError(file: path, .truncated(fileSize: bytes.count)) }
    let length = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    guard length <= UInt64(SafetensorsHeader.maximumLength) else {
      throw SafetensorsError(file: path, .headerTooLarge(length))
    }
    guard length <= UInt64(bytes.count - 8) else {
      throw SafetensorsError(file: path, .headerBeyondFile(headerLength: length, fileSize: bytes.count))
    }
    dataStart = 8 + Int(length)
    header = try SafetensorsHeader.parse(
      Array(bytes[8..<dataStart]), dataLength: bytes.count - dataStart, file: path)
    index = Dictionary(uniqueKeysWithValues: header.entries.enumerated().map { ($1.name, $0) })
  }

  /// The entry for `name`, or nil when the file has no such tensor.
  public func entry(named name: String) -> SafetensorsEntry? {
    index[name].map { header.entries[$0] }
  }

  /// The tensor `name` decoded to Float32. The mapped bytes are released afterwards: the caller
  /// holds the decoded copy.
  public func tensor(named name: String) throws(SafetensorsError) -> Tensor {
    guard let entry = entry(named: name) else { throw SafetensorsError(file: path, tensor: name, .notFound) }
    let range = fileRange(of: entry)
    mapping.prefetch(range)
    defer { mapping.release(range) }
    return withRawBytes(of: entry) { raw in
      // Cannot fail: the header's validation guarantees the byte count matches dtype and shape.
      (try? Tensor(decoding: raw, dtype: entry.dtype, shape: entry.shape)) ?? Tensor(zeros: entry.shape)
    }
  }

  /// The tensor `name` left in its stored dtype, read from the mapped file as it is decoded (see
  /// `EncodedTensor`); the file stays mapped while the result lives. Its pages are read in now,
  /// in one call: evaluation data is read whole, every time.
  public func encodedTensor(named name: String) throws(SafetensorsError) -> EncodedTensor {
    guard let entry = entry(named: name) else { throw SafetensorsError(file: path, tensor: name, .notFound) }
    let range = fileRange(of: entry)
    mapping.prefetch(range)
    do {
      return try EncodedTensor(dtype: entry.dtype, shape: entry.shape, bytes: EntryBytes(file: self, range: range))
    } catch {
      // Not reached: the header's validation already matched the byte count to dtype and shape.
      throw SafetensorsError(file: path, tensor: name, .sizeMismatch(
        expected: Tensor.elementCount(entry.shape) * entry.dtype.byteSize, actual: range.count))
    }
  }

  /// Calls `body` with the on-disk bytes of `entry` (little-endian, valid while `body` runs).
  public func withRawBytes<R>(of entry: SafetensorsEntry, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(UnsafeRawBufferPointer(rebasing: mapping.bytes[fileRange(of: entry)]))
  }

  /// Where `entry`'s bytes lie in the file.
  private func fileRange(of entry: SafetensorsEntry) -> Range<Int> {
    (dataStart + entry.byteRange.lowerBound)..<(dataStart + entry.byteRange.upperBound)
  }
}

/// One tensor's bytes inside a mapped safetensors file, which it keeps open.
private struct EntryBytes: EncodedBytes {
  let file: SafetensorsFile
  let range: Range<Int>

  func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(UnsafeRawBufferPointer(rebasing: file.mapping.bytes[range]))
  }
}
