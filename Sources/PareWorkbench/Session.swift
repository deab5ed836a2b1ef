import PareCompression
import PareCore
import PareFormats
import Synchronization

/// An editing session on one model: the current plan with its undo/redo history, the sizes and
/// weight errors of the current plan (at once), and its metric (from a background evaluation).
///
/// Used from one thread (the UI's). Metrics are cached per plan, so undo and redo show earlier
/// numbers immediately; evaluation results arrive through `receiveResults()`.
public final class Session {
  /// The model being edited.
  public let model: ModelDirectory
  /// Every plan so far and the current one.
  public private(set) var history: PlanHistory
  /// Increases with every change of the current plan; evaluation results carry it.
  public private(set) var revision = 0
  /// The current plan applied: per-tensor compression, sizes, errors.
  public private(set) var applied: AppliedPlan
  /// The most recent evaluation failure, if the last evaluation failed.
  public private(set) var evaluationFailure: EvaluationFailure?

  private let compression: CompressionCache
  private var metrics: [Plan: PlanMetric] = [:]
  private var shownMetric: PlanMetric?
  private let scheduler: EvaluationScheduler?
  private let inbox = Inbox()

  /// A session on `model` starting from `initialPlan` (validated against the model), measuring
  /// plans with `evaluator` when there is one (browse-only models have none).
  public init(model: ModelDirectory, initialPlan: Plan = Plan(), evaluator: (any PlanEvaluator)?,
              compression: CompressionCache = CompressionCache()) throws {
    try initialPlan.validate(against: model.weights, file: "plan")
    self.model = model
    self.compression = compression
    history = PlanHistory(initialPlan)
    applied = try AppliedPlan(plan: initialPlan, weights: model.weights, cache: compression)
    let inbox = self.inbox
    scheduler = evaluator.map { evaluator in
      EvaluationScheduler(evaluator: evaluator) { outcome in inbox.post(outcome) }
    }
    scheduler?.request(initialPlan, revision: revision)
  }

  /// The plan in effect.
  public var plan: Plan { history.current }

  /// The current plan's metric when known; while it is being measured, the last metric shown
  /// (with `isEvaluating` true) so the UI can grey it out.
  public var metric: PlanMetric? { metrics[plan] ?? shownMetric }

  /// Whether the current plan's metric is still being measured.
  public var isEvaluating: Bool { scheduler != nil && metrics[plan] == nil && evaluationFailure == nil }

  /// Makes `plan` the current plan (one undoable step). Throws, changing nothing, when a spec does
  /// not fit its tensor.
  public func apply(_ plan: Plan) throws {
    try plan.validate(against: model.weights, file: "plan")
    let applied = try AppliedPlan(plan: plan, weights: model.weights, cache: compression)
    guard history.record(plan) else { return }
    self.applied = applied
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

  /// Takes in finished evaluations; returns whether the current plan's metric changed.
  @discardableResult
  public func receiveResults() -> Bool {
    let outcomes = inbox.take()
    var changed = false
    for outcome in outcomes {
      switch outcome.result {
      case let .success(metric):
        metrics[outcome.plan] = metric
        if outcome.plan == plan { shownMetric = metric; evaluationFailure = nil; changed = true }
      case let .failure(failure):
        if outcome.revision == revision { evaluationFailure = failure; changed = true }
      }
    }
    return changed
  }

  private func move(_ moved: Bool) -> Bool {
    guard moved else { return false }
    // Cannot fail: every plan in the history was applied successfully before.
    applied = (try? AppliedPlan(plan: plan, weights: model.weights, cache: compression)) ?? applied
    planChanged()
    return true
  }

  private func planChanged() {
    revision += 1
    evaluationFailure = nil
    if let known = metrics[plan] {
      shownMetric = known
      scheduler?.supersede(with: revision)
    } else {
      scheduler?.request(plan, revision: revision)
    }
  }
}

/// Evaluation outcomes handed from the background thread to the session's thread.
private final class Inbox: Sendable {
  private let outcomes = Mutex<[EvaluationScheduler.Outcome]>([])

  func post(_ outcome: EvaluationScheduler.Outcome) { outcomes.withLock { $0.append(outcome) } }

  func take() -> [EvaluationScheduler.Outcome] {
    outcomes.withLock { box in
      defer { box.removeAll() }
      return box
    }
  }
}
