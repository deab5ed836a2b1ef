import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Kept apart from SafetensorsFile.swift and WeightStore.swift so that the reader and the store
// depend only on PareCore and libc: Fuzz/run.sh compiles them standalone, without SwiftPM or
// swift-crypto.
extension MappedFile {
  /// SHA-256 of the whole file, lowercase hex. Hashed in 8 MB chunks whose pages are released as
  /// it goes, so hashing a large model does not leave it all resident.
  func sha256() -> String {
    var hasher = SHA256()
    let chunk = 8 << 20
    for start in stride(from: 0, to: bytes.count, by: chunk) {
      let range = start..<min(start + chunk, bytes.count)
      hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[range]))
      release(range)
    }
    return hexDigest(hasher.finalize())
  }
}

extension SafetensorsFile {
  /// SHA-256 of the whole file, lowercase hex: identifies the exact weights a plan was made for.
  public func sha256() -> String { mapping.sha256() }
}

extension WeightStore {
  /// SHA-256 (hex) of the weights: the single file's (a GGUF's whole file), or for a sharded
  /// checkpoint the digest of the shards' digests in order.
  public func sha256() -> String {
    if let gguf { return gguf.mapping.sha256() }
    guard files.count != 1 else { return files[0].sha256() }
    return hexDigest(SHA256.hash(data: Data(files.map { $0.sha256() }.joined().utf8)))
  }
}

extension WeightStore {
  /// A key for the weights that reads no tensor data: SHA-256 (hex) over each file's absolute
  /// path, size, modification time (to the nanosecond) and leading bytes (see
  /// `weightsFingerprint(paths:)`). It keys the explorer's saved sessions and the sensitivity
  /// cache, which must be found before the first screen: hashing every byte of a 14 GB
  /// checkpoint takes seconds. Plans record the content hash, `sha256()`, instead.
  public func fingerprint() -> String { weightsFingerprint(paths: paths) }
}

/// The bytes read from the start of each weights file for its fingerprint when its first 8
/// bytes do not give a safetensors header length within reach: the start of a GGUF file holds
/// its metadata.
let fingerprintLeadingBytes = 1 << 20

/// SHA-256 (hex) over, for each of `paths` in order: its absolute path, size and modification
/// time, and its header: the first 8 + N bytes when the first 8 read as a little-endian length N
/// of at most 100 MB that fits the file (a safetensors header), else the first MiB. Reads
/// nothing past the headers, so it takes the same time on any model size. A file that cannot be
/// read contributes its error: the fingerprint is a key, never a check (opening the model
/// reports such files).
///
/// Two checkpoints with equal fingerprints hold equal headers in files of equal sizes, at the
/// same path, last written at the same nanosecond: an edit in place that keeps all of these (a
/// tool restoring the modification time) is the one change it misses.
public func weightsFingerprint(paths: [String]) -> String {
  var hasher = SHA256()
  for path in paths {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    hasher.update(data: Data("\(absolute)\n".utf8))
    hasher.update(data: Data(fileHeaderSignature(path).utf8))
  }
  return hexDigest(hasher.finalize())
}

/// "size mtime\n" followed by the file's header bytes, or "unreadable: why\n".
private func fileHeaderSignature(_ path: String) -> String {
  let fd: Int32
  do { fd = try InputFile.openRegular(path) } catch { return "unreadable: \(error.reason)\n" }
  defer { close(fd) }
  var info = stat()
  guard fstat(fd, &info) == 0 else { return "unreadable: fstat failed\n" }
  let size = Int(info.st_size)
  #if canImport(Darwin)
  let mtime = "\(info.st_mtimespec.tv_sec).\(info.st_mtimespec.tv_nsec)"
  #else
  let mtime = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
  #endif
  func bytes(at offset: Int, count: Int) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: max(0, count))
    var done = 0
    while done < buffer.count {
      let got = buffer.withUnsafeMutableBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return pread(fd, base + done, raw.count - done, off_t(offset + done))
      }
      if got < 0 && errno == EINTR { continue }
      guard got > 0 else { break }
      done += got
    }
    return Array(buffer[0..<done])
  }
  let prefix = bytes(at: 0, count: min(size, 8))
  var length = fingerprintLeadingBytes
  if prefix.count == 8 {
    let declared = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    if declared <= 100_000_000 && declared <= UInt64(size - 8) { length = 8 + Int(declared) }
  }
  let header = bytes(at: 0, count: min(size, length))
  return "\(size) \(mtime)\n" + hexDigest(SHA256.hash(data: header)) + "\n"
}

/// SHA-256 of `data` as lowercase hex: how Pare identifies weights, evaluation data and
/// session files.
public func sha256Hex(of data: some DataProtocol) -> String {
  hexDigest(SHA256.hash(data: data))
}

/// A digest as lowercase hex.
func hexDigest(_ digest: SHA256.Digest) -> String {
  digest.map { String(format: "%02x", $0) }.joined()
}
