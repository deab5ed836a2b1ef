import Foundation
import Synchronization
@testable import PareCompression
@testable import PareWorkbench

/// An evaluator the test controls: each evaluation runs `batches` steps and waits before each
/// step until the test releases it, checking cancellation between steps like the real engine.
/// The metric is the int bits of tensor "w" (0 when unplanned), so results are recognisable.
final class FakeEvaluator: PlanEvaluator {
  private struct State {
    var started: [Plan] = []
    var finished: [Plan] = []
    var cancelled: [Plan] = []
    var releasedSteps = 0
  }

  let batches: Int
  private let state = Mutex(State())

  init(batches: Int = 3) { self.batches = batches }

  /// The int bits of tensor "w", higher is better.
  static let bits = MetricKind(name: "bits", direction: .higherIsBetter, changeStyle: .absolute, negligibleLoss: 0, largeLoss: 1)
  var metric: MetricKind { Self.bits }
  var baseline: PlanMetric { PlanMetric(kind: Self.bits, value: 0, baseline: 0) }

  func evaluate(_ plan: Plan, isCancelled: @escaping @Sendable () -> Bool) throws -> PlanMetric {
    state.withLock { $0.started.append(plan) }
    for _ in 0..<batches {
      // Wait for the test to release a step (or for cancellation).
      while state.withLock({ $0.releasedSteps }) == 0 {
        if isCancelled() { break }
        Thread.sleep(forTimeInterval: 0.001)
      }
      if isCancelled() {
        state.withLock { $0.cancelled.append(plan) }
        throw CancellationError()
      }
      state.withLock { $0.releasedSteps -= 1 }
    }
    state.withLock { $0.finished.append(plan) }
    return PlanMetric(kind: Self.bits, value: Double(plan.tensors["w"]?.quantize?.bits ?? 0), baseline: 0)
  }

  /// Lets `steps` batch steps proceed.
  func release(_ steps: Int) { state.withLock { $0.releasedSteps += steps } }

  var started: [Plan] { state.withLock { $0.started } }
  var finished: [Plan] { state.withLock { $0.finished } }
  var cancelled: [Plan] { state.withLock { $0.cancelled } }
}
