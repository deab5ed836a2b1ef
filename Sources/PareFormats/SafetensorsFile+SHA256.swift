import Crypto
import Foundation

// Kept apart from SafetensorsFile.swift and WeightStore.swift so that the reader and the store
// depend only on PareCore and libc: Fuzz/run.sh compiles them standalone, without SwiftPM or
// swift-crypto.
extension SafetensorsFile {
  /// SHA-256 of the whole file, lowercase hex: identifies the exact weights a plan was made for.
  /// Hashed in 8 MB chunks whose pages are released as it goes, so hashing a large model does
  /// not leave it all resident.
  public func sha256() -> String {
    var hasher = SHA256()
    let chunk = 8 << 20
    for start in stride(from: 0, to: mapping.bytes.count, by: chunk) {
      let range = start..<min(start + chunk, mapping.bytes.count)
      hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: mapping.bytes[range]))
      mapping.release(range)
    }
    return hexDigest(hasher.finalize())
  }
}

extension WeightStore {
  /// SHA-256 (hex) of the weights: the single file's, or for a sharded checkpoint the digest of
  /// the shards' digests in order.
  public func sha256() -> String {
    guard files.count != 1 else { return files[0].sha256() }
    return hexDigest(SHA256.hash(data: Data(files.map { $0.sha256() }.joined().utf8)))
  }
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
