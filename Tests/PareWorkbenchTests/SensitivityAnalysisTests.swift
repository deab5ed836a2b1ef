import Foundation
import Synchronization
import Testing
@testable import PareCompression
@testable import PareEngine
@testable import PareFormats
@testable import PareWorkbench

/// Passes evaluations to `inner`, recording the plans in order.
final class RecordingEvaluator: LayerOrderedEvaluator {
  let inner: any LayerOrderedEvaluator
  private let log = Mutex<[Plan]>([])

  init(_ inner: any LayerOrderedEvaluator) { self.inner = inner }

  var plans: [Plan] { log.withLock { $0 } }

  func evaluate(_ plan: Plan, isCancelled: @escaping @Sendable () -> Bool) throws -> PlanMetric {
    log.withLock { $0.append(plan) }
    return try inner.evaluate(plan, isCancelled: isCancelled)
  }

  var metric: MetricKind { inner.metric }
  var baseline: PlanMetric { inner.baseline }

  func layerPosition(ofTensor tensor: String) -> Int? { inner.layerPosition(ofTensor: tensor) }

  func sibling(compression: CompressionCache) -> any LayerOrderedEvaluator {
    RecordingEvaluator(inner.sibling(compression: compression))
  }
}

/// A temporary folder removed when the value goes away.
final class ScratchDirectory {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("pare-sensitivity-\(UUID().uuidString)").path
  deinit { try? FileManager.default.removeItem(atPath: path) }
  var environment: [String: String] { ["PARE_CACHE_DIR": path] }
}

/// The sweep on the bundled lenet-300-100.
@Suite(.serialized)
struct SensitivityAnalysisTests {
  let candidates = try! Candidate.parseList("int2,int8,rank/8,prune90")

  func analysis(cache: SensitivityCache? = nil) throws -> (ModelDirectory, RecordingEvaluator, SensitivityAnalysis) {
    let (model, evaluator) = try NetworkEvaluatorTests().fixture()
    let recorder = RecordingEvaluator(evaluator)
    return (model, recorder, SensitivityAnalysis(weights: model.weights, evaluator: recorder,
                                                 compression: CompressionCache(), cache: cache))
  }

  /// lenet's rows (784, 300, 100 values) are no multiple of q8_0's 32: the candidate has no cells,
  /// and the sweep measures the others.
  @Test func aCandidateIsLeftOutWhereItsBlocksDoNotFit() throws {
    let (_, recorder, sweep) = try analysis()
    let list = try Candidate.parseList("int8,q8_0")
    let table = try sweep.run(candidates: list)
    #expect(table.cells.count == 3)
    #expect(table.cells.allSatisfy { $0.candidate == list[0] })
    #expect(recorder.plans.count == 3)
  }

  @Test func everyMatrixAndCandidateIsMeasuredAndBiasesAreLeftOut() throws {
    let (_, _, sweep) = try analysis()
    let table = try sweep.run(candidates: candidates)
    #expect(table.tensors.map(\.name) == ["fc1.weight", "fc2.weight", "fc3.weight"])
    #expect(table.cells.count == 12)
    #expect(table.metric == SequentialClassifier.metric && table.baseline == 0.945)
    let int8 = try #require(table.cell("fc1.weight", candidates[1]))
    #expect(int8.bytes == 300 * 784 + 300 * 2)  // 8 bits a value, one f16 scale a row
    #expect(int8.spec == CompressionSpec(quantize: QuantizeSpec(bits: 8)))
    #expect((int8.meanKL ?? 1) < 1e-3 && (int8.agreement ?? 0) > 0.99)
  }

  /// Measurements go from the last layer's tensor backwards, so each plan differs from the one
  /// before it first at its own tensor's layer: the evaluator restarts there. (Only a
  /// candidate's first measurement restarts earlier, at the previous candidate's first tensor.)
  @Test func eachMeasurementRestartsAtItsOwnTensor() throws {
    let (model, recorder, sweep) = try analysis()
    let table = try sweep.run(candidates: candidates)
    let layer = { (name: String) in recorder.layerPosition(ofTensor: name) }
    let plans = recorder.plans  // the baseline comes with the evaluator: no evaluation of the empty plan
    var previous = Plan()
    var restarts: [Int] = []
    for plan in plans {
      let tensor = try #require(plan.tensors.keys.first)
      let start = try #require(previous.firstChangedLayer(to: plan, layer: layer))
      if start == layer(tensor) { restarts.append(start) }
      previous = plan
    }
    #expect(plans.map { $0.tensors.keys.first } == Array(repeating: ["fc3.weight", "fc2.weight", "fc1.weight"], count: 4).flatMap { $0 })
    #expect(restarts.count == plans.count - (candidates.count - 1))
    // And the restarted measurements equal fresh ones.
    let (_, fresh) = try NetworkEvaluatorTests().fixture()
    for cell in table.cells where cell.candidate == candidates[0] {
      #expect(try fresh.evaluate(Plan(tensors: [cell.tensor: cell.spec])) { false }.value == cell.value)
    }
    _ = model
  }

  /// A cache that cannot be written (its folder is a file here; a full disk alike) is reported
  /// once and the finished measurements are returned all the same.
  @Test func aCacheThatCannotBeWrittenDoesNotLoseTheSweep() throws {
    let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("pare-cache-\(UUID().uuidString)").path
    try Data().write(to: URL(fileURLWithPath: blocker))
    defer { try? FileManager.default.removeItem(atPath: blocker) }
    let (model, _, _) = try analysis()
    let cache = SensitivityCache(modelFingerprint: model.weights.fingerprint(), dataSHA256: "data", metric: "accuracy",
                                 environment: ["PARE_CACHE_DIR": blocker])
    let (_, _, sweep) = try analysis(cache: cache)
    var problems: [String] = []
    let table = try sweep.run(candidates: candidates, cacheFailed: { problems.append("\($0)") })
    #expect(table.cells.count == table.tensors.count * candidates.count)
    #expect(problems == ["cannot write \(blocker): it is a file, not a folder"])
  }

  @Test func aSecondSweepReadsTheCache() throws {
    let scratch = ScratchDirectory()
    let (model, _, _) = try analysis()
    let cache = SensitivityCache(modelFingerprint: model.weights.fingerprint(), dataSHA256: "data", metric: "accuracy",
                                 environment: scratch.environment)
    let (_, _, first) = try analysis(cache: cache)
    let measured = try first.run(candidates: candidates)
    let (_, recorder, second) = try analysis(cache: cache)
    var progress: [SensitivityProgress] = []
    let cached = try second.run(candidates: candidates) { progress.append($0) }
    #expect(progress.isEmpty && recorder.plans.isEmpty)
    #expect(cached.cells == measured.cells)
  }

  /// Cancelled mid-sweep: the cache holds the candidates finished before, each complete, and no
  /// temporary file.
  @Test func cancellingLeavesOnlyCompleteCacheFiles() throws {
    let scratch = ScratchDirectory()
    let (model, _, _) = try analysis()
    let cache = SensitivityCache(modelFingerprint: model.weights.fingerprint(), dataSHA256: "data", metric: "accuracy",
                                 environment: scratch.environment)
    let (_, _, sweep) = try analysis(cache: cache)
    let done = Mutex(0)
    #expect(throws: CancellationError.self) {
      try sweep.run(candidates: candidates, progress: { step in done.withLock { $0 = step.completed } },
                    isCancelled: { done.withLock { $0 } >= 7 })
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: cache.directory).sorted()
    #expect(files == ["int2.json", "int8.json"])
    let names = ["fc1.weight", "fc2.weight", "fc3.weight"]
    #expect(cache.load(candidates[0], tensors: names)?.count == 3)
    #expect(cache.load(candidates[2], tensors: names) == nil)
  }
}
