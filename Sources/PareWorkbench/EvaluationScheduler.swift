import Dispatch
import PareCompression
import Synchronization

/// Runs plan evaluations off the UI thread, "latest wins" (DESIGN.md §2).
///
/// Each request carries the revision it was made for. A newer request cancels the running
/// evaluation (the evaluator checks between batches) and replaces any waiting one, so at most one
/// job runs and one waits. Results for a revision that is no longer the latest are dropped.
public final class EvaluationScheduler: Sendable {
  /// What an evaluation produced, for the revision it was started for.
  public struct Outcome: Sendable {
    /// The revision the job was started for.
    public let revision: Int
    /// The plan evaluated.
    public let plan: Plan
    /// The metric, or the error's one-line description.
    public let result: Result<PlanMetric, EvaluationFailure>
  }

  private struct Job: Sendable {
    let plan: Plan
    let revision: Int
  }

  private struct State {
    var latest = -1
    var running = false
    var pending: Job?
  }

  private let evaluator: any PlanEvaluator
  private let deliver: @Sendable (Outcome) -> Void
  private let state = Mutex(State())
  private let queue = DispatchQueue(label: "pare.evaluation", qos: .userInitiated)

  /// A scheduler running `evaluator`, handing each current result to `deliver` (called on the
  /// background thread).
  public init(evaluator: any PlanEvaluator, deliver: @escaping @Sendable (Outcome) -> Void) {
    self.evaluator = evaluator
    self.deliver = deliver
  }

  /// Evaluates `plan` for `revision`, cancelling whatever is running for an older revision.
  public func request(_ plan: Plan, revision: Int) {
    let job = Job(plan: plan, revision: revision)
    let startNow = state.withLock { s -> Bool in
      s.latest = revision
      if s.running {
        s.pending = job
        return false
      }
      s.running = true
      return true
    }
    if startNow { queue.async { self.run(job) } }
  }

  /// Marks `revision` as the latest without evaluating anything (its metric is already known):
  /// a running evaluation is cancelled and a waiting one dropped.
  public func supersede(with revision: Int) {
    state.withLock { s in
      s.latest = revision
      s.pending = nil
    }
  }

  private func run(_ first: Job) {
    var job: Job? = first
    while let current = job {
      let isCancelled: @Sendable () -> Bool = { [self] in state.withLock { $0.latest != current.revision } }
      var outcome: Result<PlanMetric, EvaluationFailure>?
      do {
        outcome = .success(try evaluator.evaluate(current.plan, isCancelled: isCancelled))
      } catch is CancellationError {
        outcome = nil
      } catch {
        outcome = .failure(EvaluationFailure(message: "\(error)"))
      }
      if let outcome, !isCancelled() {
        deliver(Outcome(revision: current.revision, plan: current.plan, result: outcome))
      }
      job = state.withLock { s -> Job? in
        if let next = s.pending {
          s.pending = nil
          return next
        }
        s.running = false
        return nil
      }
    }
  }
}

/// An evaluation failed (not cancelled); the message is one line for the status bar.
public struct EvaluationFailure: Error, Equatable, Sendable, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
