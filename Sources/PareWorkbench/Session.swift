import PareCompression
import PareCore
import PareFormats

/// An editing session on one model: the current plan with its undo/redo history, and, from one
/// background job per change, the plan applied (sizes, weight errors) and its metric.
///
/// Used from one thread (the UI's), which never waits: a change records the plan at once,
/// cancels the job for the previous plan, and starts one that compresses the plan's tensors and
/// then measures it. Results arrive through `receiveResults()`. Metrics are cached per plan, so
/// undo and redo show earlier numbers immediately.
public final class Session {
  /// Applies a plan to the model's weights (compresses its tensors); runs in the background.
  public typealias Compress = @Sendable (Plan) throws -> AppliedPlan

  /// What the background job reports for the revision it was started for.
  enum JobResult: Sendable {
    case applied(AppliedPlan)
    case measured(Plan, PlanMetric)
    case failed(revision: Int, EvaluationFailure)
  }

  /// The model being edited.
  public let model: ModelDirectory
  /// Every plan so far and the current one.
  public private(set) var history: PlanHistory
  /// Increases with every change of the current plan.
  public private(set) var revision = 0
  /// The latest plan applied: the current one unless `isApplying`.
  public private(set) var applied: AppliedPlan
  /// The most recent failure, if the last compression or evaluation failed.
  public private(set) var evaluationFailure: EvaluationFailure?

  private let compress: Compress
  private let evaluator: (any PlanEvaluator)?
  private var metrics: [Plan: PlanMetric] = [:]
  private var shownMetric: PlanMetric?
  private let jobs = LatestWinsQueue<JobResult>(label: "pare.session")

  /// A session on `model` starting from `initialPlan` (validated against the model), measuring
  /// plans with `evaluator` when there is one (browse-only models have none). Plans are applied
  /// with `compress`, by default through `compression`.
  public init(model: ModelDirectory, initialPlan: Plan = Plan(), evaluator: (any PlanEvaluator)?,
              compression: CompressionCache = CompressionCache(), compress: Compress? = nil) throws {
    try initialPlan.validate(against: model.weights, file: "plan")
    self.model = model
    self.evaluator = evaluator
    let weights = model.weights
    self.compress = compress ?? { plan in try AppliedPlan(plan: plan, weights: weights, cache: compression) }
    history = PlanHistory(initialPlan)
    // The session starts applied (the CLI's --plan is compressed once, before the UI opens).
    applied = try self.compress(initialPlan)
    startJob(applying: false)
  }

  /// The plan in effect.
  public var plan: Plan { history.current }

  /// The current plan's metric when known; while it is being measured, the last metric shown
  /// (with `isEvaluating` true) so the UI can grey it out.
  public var metric: PlanMetric? { metrics[plan] ?? shownMetric }

  /// Whether the current plan's metric is still being measured.
  public var isEvaluating: Bool { evaluator != nil && metrics[plan] == nil && evaluationFailure == nil }

  /// Whether the current plan's tensors are still being compressed (`applied` is an older plan's).
  public var isApplying: Bool { applied.plan != plan && evaluationFailure == nil }

  /// The current plan applied, compressed here and now if the background job has not finished
  /// (for exports, which must describe exactly the current plan).
  public func appliedNow() throws -> AppliedPlan { isApplying ? try compress(plan) : applied }

  /// Whether no background job is waiting, running, or holding results not yet received.
  public var isIdle: Bool { jobs.isIdle }

  /// Makes `plan` the current plan (one undoable step). Throws, changing nothing, when a spec does
  /// not fit its tensor.
  public func apply(_ plan: Plan) throws {
    try plan.validate(against: model.weights, file: "plan")
    guard history.record(plan) else { return }
    planChanged()
  }

  /// Sets (or with nil, clears) the spec of one tensor.
  public func setSpec(_ spec: CompressionSpec?, for tensor: String) throws {
    var next = plan
    next.tensors[tensor] = (spec?.isEmpty ?? true) ? nil : spec
    try apply(next)
  }

  /// Steps back one plan; false when there is nothing to undo.
  @discardableResult
  public func undo() -> Bool { move(history.undo()) }

  /// Steps forward one plan; false when there is nothing to redo.
  @discardableResult
  public func redo() -> Bool { move(history.redo()) }

  /// Takes in the background job's results (the applied plan, then its metric); returns whether
  /// the current plan's metric or failure changed.
  @discardableResult
  public func receiveResults() -> Bool {
    var changed = false
    for result in jobs.take() {
      switch result {
      case let .applied(applied):
        self.applied = applied
      case let .measured(plan, metric):
        metrics[plan] = metric
        if plan == self.plan { shownMetric = metric; changed = true }
      case let .failed(revision, failure):
        if revision == self.revision { evaluationFailure = failure; changed = true }
      }
    }
    return changed
  }

  private func move(_ moved: Bool) -> Bool {
    if moved { planChanged() }
    return moved
  }

  private func planChanged() {
    revision += 1
    evaluationFailure = nil
    if let known = metrics[plan] { shownMetric = known }
    startJob(applying: true)
  }

  /// Supersedes the previous plan's job (before anything is compressed) and starts the current
  /// plan's: compress (when `applying`), then measure unless the metric is known.
  private func startJob(applying: Bool) {
    let (plan, revision, compress) = (plan, revision, compress)
    let evaluator = metrics[plan] == nil ? evaluator : nil
    jobs.submit { job in
      do {
        if applying {
          let applied = try compress(plan)
          guard !job.isCancelled() else { return }
          job.post(.applied(applied))
        }
        guard let evaluator else { return }
        job.post(.measured(plan, try evaluator.evaluate(plan, isCancelled: job.isCancelled)))
      } catch is CancellationError {
      } catch {
        job.post(.failed(revision: revision, EvaluationFailure(message: "\(error)")))
      }
    }
  }
}
