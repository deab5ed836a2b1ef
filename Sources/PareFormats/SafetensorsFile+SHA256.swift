import Crypto
import Foundation

// Kept apart from SafetensorsFile.swift so that the reader itself depends only on PareCore and
// libc: Fuzz/run.sh compiles it standalone, without SwiftPM or swift-crypto.
extension SafetensorsFile {
  /// SHA-256 of the whole file, lowercase hex: identifies the exact weights a plan was made for.
  public func sha256() -> String {
    hexDigest(SHA256.hash(data: mapping.bytes))
  }
}

/// A digest as lowercase hex.
func hexDigest(_ digest: SHA256.Digest) -> String {
  digest.map { String(format: "%02x", $0) }.joined()
}
