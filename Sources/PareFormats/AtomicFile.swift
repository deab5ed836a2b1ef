#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a file so that readers see either the old file or the complete new one, never a part.
///
/// The bytes go to a temporary file in the same directory, are flushed to disk, and the file is
/// then renamed over the destination. On any failure the temporary file is removed.
///
/// The temporary is created exclusively under a random name (`mkstemp`: `O_CREAT | O_EXCL`), so
/// a symbolic link planted at a predictable name is never followed and two writers never share
/// one. Its name carries the writer's process id (`NAME.pare-tmp-PID-XXXXXX`), so those a killed
/// process left behind are recognised and removed by the next write into the directory.
public enum AtomicFile {
  /// Writes the concatenation of `chunks` to `path`.
  public static func write(_ chunks: [[UInt8]], to path: String) throws(FileWriteError) {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    StaleTemporaries.remove(in: directory)
    var template = Array((path + StaleTemporaries.fileMarker + "\(getpid())-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw FileWriteError(path: path, reason: MappedFile.systemError()) }
    let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var failure: String?
    // mkstemp creates the file 0600; a written model is as readable as any file the user creates.
    if fchmod(fd, 0o666 & ~StaleTemporaries.creationMask) != 0 { failure = MappedFile.systemError() }
    outer: for chunk in chunks where failure == nil {
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

  public init(path: String, reason: String) { (self.path, self.reason) = (path, reason) }

  public var description: String { "cannot write \(path): \(reason)" }
}

/// `write(2)` of `buffer[offset...]` (at file scope, where `write` is the C function).
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, from offset: Int) -> Int {
  guard let base = buffer.baseAddress else { return 0 }
  return write(fd, base + offset, buffer.count - offset)
}
