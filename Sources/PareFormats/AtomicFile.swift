#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either the old file or the complete new one, never a part.
///
/// The bytes go to a temporary file in the same directory, are flushed to disk, and the file is
/// then renamed over the destination. On any failure the temporary file is removed.
public enum AtomicFile {
  /// Writes the concatenation of `chunks` to `path`.
  public static func write(_ chunks: [[UInt8]], to path: String) throws(FileWriteError) {
    let temporary = path + ".pare-tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw FileWriteError(path: path, reason: MappedFile.systemError()) }
    var failure: String?
    outer: for chunk in chunks {
      var offset = 0
      while offset < chunk.count {
        let written = chunk.withUnsafeBytes { posixWrite(fd, $0, from: offset) }
        if written < 0 {
          if errno == EINTR { continue }
          failure = MappedFile.systemError()
          break outer
        }
        offset += written
      }
    }
    if failure == nil && fsync(fd) != 0 { failure = MappedFile.systemError() }
    if close(fd) != 0 && failure == nil { failure = MappedFile.systemError() }
    if failure == nil && rename(temporary, path) != 0 { failure = MappedFile.systemError() }
    if let failure {
      unlink(temporary)
      throw FileWriteError(path: path, reason: failure)
    }
  }

  /// Writes `text` as UTF-8 to `path`.
  public static func write(_ text: String, to path: String) throws(FileWriteError) {
    try write([Array(text.utf8)], to: path)
  }
}

/// A file could not be written; nothing was left at the destination.
public struct FileWriteError: Error, Equatable, CustomStringConvertible {
  /// The destination path.
  public let path: String
  /// The system's reason, e.g. "Permission denied" or "No space left on device".
  public let reason: String

  public var description: String { "cannot write \(path): \(reason)" }
}

/// `write(2)` of `buffer[offset...]` (at file scope, where `write` is the C function).
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, from offset: Int) -> Int {
  guard let base = buffer.baseAddress else { return 0 }
  return write(fd, base + offset, buffer.count - offset)
}
