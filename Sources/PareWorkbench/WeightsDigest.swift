import Dispatch
import PareFormats
import Synchronization

/// The SHA-256 of a model's weights, computed once, off the calling thread: what the explorer
/// records in an exported plan and compares with a `--plan`'s recorded hash. Hashing a 14 GB
/// checkpoint takes seconds, so the explorer never waits for it before its first screen; it
/// starts hashing when a plan is first edited or a recorded hash must be compared, and an
/// export made before it finishes waits for the rest.
public final class WeightsDigest: Sendable {
  private let weights: WeightStore
  private let started = Mutex(false)
  private let result = Mutex<String?>(nil)
  /// Runs the hashing; `value` waits on it with an empty `sync`.
  private let queue = DispatchQueue(label: "pare.weights-digest", qos: .utility)

  /// A digest of `weights`, not started.
  public init(weights: WeightStore) { self.weights = weights }

  /// Starts hashing in the background (once; later calls do nothing).
  public func start() {
    guard started.withLock({ started in defer { started = true }; return !started }) else { return }
    queue.async { [self] in
      let digest = weights.sha256()
      result.withLock { $0 = digest }
    }
  }

  /// The digest if it is computed, else nil (without starting it).
  public var ifReady: String? { result.withLock { $0 } }

  /// The digest, starting it if needed and waiting for it.
  public var value: String {
    start()
    queue.sync {}
    return result.withLock { $0 } ?? weights.sha256()
  }
}
