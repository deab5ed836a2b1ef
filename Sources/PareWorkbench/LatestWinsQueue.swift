import Dispatch
import Synchronization

/// Runs background jobs one at a time, "latest wins" (DESIGN.md §2): submitting a job supersedes
/// every earlier one. A superseded job that has not started never runs; a running one sees
/// `isCancelled` turn true (and should stop at its next check); whatever a superseded job posts
/// is dropped. The UI thread takes the results of the latest job with `take()` on its tick.
///
/// One queue serves each kind of background work (a session's compression and evaluation, a
/// tensor's detail, the sensitivity sweep and search), so work that shares a non-re-entrant
/// evaluator never runs twice at once.
public final class LatestWinsQueue<Result: Sendable>: Sendable {
  /// What a running job sees: whether it is still wanted, and where its results go.
  public struct Job: Sendable {
    /// The job's number (increasing with every submission).
    public let generation: Int
    fileprivate let owner: LatestWinsQueue

    /// Whether a newer job was submitted (or the queue stopped) since this one was.
    public var isCancelled: @Sendable () -> Bool { { [owner, generation] in owner.isStale(generation) } }

    /// Hands `result` to the UI thread, unless this job is superseded.
    public func post(_ result: Result) { owner.post(result, from: generation) }
  }

  private struct State {
    var generation = 0
    var stopped = false
    /// Jobs submitted and not yet returned.
    var outstanding = 0
    var results: [(generation: Int, result: Result)] = []
  }

  private let queue: DispatchQueue
  private let state = Mutex(State())

  /// A queue running its jobs on a serial dispatch queue named `label`.
  public init(label: String) { queue = DispatchQueue(label: label, qos: .userInitiated) }

  /// Runs `work` after the jobs before it, superseding them all. Returns the job's number.
  @discardableResult
  public func submit(_ work: @escaping @Sendable (Job) -> Void) -> Int {
    let generation = state.withLock { state in
      state.generation += 1
      state.outstanding += 1
      return state.generation
    }
    let job = Job(generation: generation, owner: self)
    queue.async { [self] in
      defer { state.withLock { $0.outstanding -= 1 } }
      if !isStale(generation) { work(job) }
    }
    return generation
  }

  /// Supersedes every job without starting a new one (its result is known already).
  public func supersede() { state.withLock { $0.generation += 1 } }

  /// Supersedes every job for good: nothing more runs or is reported (for quitting).
  public func stop() { state.withLock { $0.stopped = true } }

  /// The results the latest job posted since the last call, in order.
  public func take() -> [Result] {
    state.withLock { state in
      defer { state.results.removeAll() }
      return state.results.filter { $0.generation == state.generation }.map(\.result)
    }
  }

  /// Whether no job is waiting or running and every result was taken.
  public var isIdle: Bool { state.withLock { $0.outstanding == 0 && $0.results.isEmpty } }

  private func isStale(_ generation: Int) -> Bool { state.withLock { $0.stopped || $0.generation != generation } }

  private func post(_ result: Result, from generation: Int) {
    state.withLock { state in
      if !state.stopped && state.generation == generation { state.results.append((generation, result)) }
    }
  }
}
