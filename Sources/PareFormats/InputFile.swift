import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every file a user names is opened here, and only a regular file is read: a FIFO in place of
/// model.safetensors, a shard, --data, --text or tokenizer.json would block `open` forever (it
/// waits for a writer), and a device such as /dev/zero would be read without end.
public enum InputFile {
  /// A descriptor reading `path`, which must be a regular file; the caller closes it. Opened
  /// non-blocking (so a FIFO's `open` returns at once; reads of a regular file never block
  /// anyway) and checked with `fstat` on the descriptor itself, so nothing can be swapped in
  /// between the check and the read.
  public static func openRegular(_ path: String) throws(InputFileError) -> Int32 {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw .system() }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      let error = InputFileError.system()
      close(fd)
      throw error
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw InputFileError(reason: "not a regular file")
    }
    return fd
  }

  /// The bytes of the regular file `path`; refused past `limit` bytes (a JSON or text input is
  /// never that large; the limit keeps a hostile one from exhausting memory).
  public static func contents(of path: String, limit: Int = 1 << 30) throws(InputFileError) -> Data {
    let fd = try openRegular(path)
    defer { close(fd) }
    var bytes = Data()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count >= 0 else { throw .system() }
      if count == 0 { return bytes }
      guard bytes.count + count <= limit else { throw InputFileError(reason: "larger than \(limit) bytes") }
      bytes.append(contentsOf: chunk[0..<count])
    }
  }
}

/// Why a file could not be read, in words for a one-line message after the file's name.
public struct InputFileError: Error, Equatable, CustomStringConvertible {
  public let reason: String

  public init(reason: String) { self.reason = reason }

  /// The system's reason for the last failed call (errno).
  static func system() -> InputFileError { InputFileError(reason: String(cString: strerror(errno))) }

  public var description: String { reason }
}
