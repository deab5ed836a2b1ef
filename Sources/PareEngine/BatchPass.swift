import PareCore
import Synchronization

/// One forward pass over numbered batches, run one batch per core at a time
/// (`LinearAlgebra.concurrently`): hands out the batches, collects what each kept for the
/// activation cache, and stops at the first error or cancellation.
struct BatchPass {
  /// Per batch, the inputs it kept of the layers whose cached inputs the pass refreshes.
  private var inputs: [[Int: Tensor]]
  /// The next batch to hand out.
  private var next = 0
  /// Why the pass stopped early (`CancellationError`, or a batch's error); no batch is handed out
  /// after that.
  private var failure: (any Error)?

  private init(batches: Int) { inputs = Array(repeating: [:], count: batches) }

  /// Runs `batch(b)` for every b in 0..<batches, on as many threads as OpenBLAS has, and returns
  /// what each returned (the inputs it kept, by layer), in batch order. `isCancelled` is asked
  /// before each batch, never from two threads at once; when it says yes, or a batch throws, no
  /// further batch starts and this throws `CancellationError` or that error.
  static func run(
    batches: Int, isCancelled: () -> Bool, _ batch: @Sendable (Int) throws -> [Int: Tensor]
  ) throws -> [[Int: Tensor]] {
    let pass = Mutex(BatchPass(batches: batches))
    // Only ever called under `pass`'s lock.
    nonisolated(unsafe) let isCancelled = isCancelled
    LinearAlgebra.concurrently(workers: min(batches, LinearAlgebra.threadCount)) { _ in
      while let b = pass.withLock({ $0.nextBatch(isCancelled: isCancelled) }) {
        do {
          let kept = try batch(b)
          pass.withLock { $0.inputs[b] = kept }
        } catch {
          pass.withLock { if $0.failure == nil { $0.failure = error } }
        }
      }
    }
    return try pass.withLock { pass in
      if let failure = pass.failure { throw failure }
      return pass.inputs
    }
  }

  /// The next batch to run, or nil when all are handed out or the pass stopped.
  private mutating func nextBatch(isCancelled: () -> Bool) -> Int? {
    guard failure == nil, next < inputs.count else { return nil }
    if isCancelled() {
      failure = CancellationError()
      return nil
    }
    next += 1
    return next - 1
  }
}
