import PareCore
import Synchronization

/// Compressed tensors memoized by (tensor name, spec), shared across threads.
///
/// Undo, redo and re-evaluation keep asking for the same few (tensor, spec) pairs; compressing
/// each once makes those steps instant.
public final class CompressionCache: Sendable {
  private struct Key: Hashable {
    let name: String
    let spec: CompressionSpec
  }

  private let entries = Mutex<[Key: CompressedTensor]>([:])

  public init() {}

  /// The cached result for `name` under `spec`, computing and storing it with `make` on a miss.
  public func tensor(_ name: String, spec: CompressionSpec, make: () throws -> CompressedTensor) rethrows -> CompressedTensor {
    let key = Key(name: name, spec: spec)
    if let hit = entries.withLock({ $0[key] }) { return hit }
    let made = try make()
    entries.withLock { $0[key] = made }
    return made
  }

  /// Number of cached tensors.
  public var count: Int { entries.withLock { $0.count } }
}
