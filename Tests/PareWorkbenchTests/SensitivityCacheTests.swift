import Foundation
import Synchronization
import PareTestSupport
import Testing
@testable import PareCompression
@testable import PareCore
@testable import PareFormats
@testable import PareWorkbench

/// Counts evaluations; the metric is 1 minus a tenth of the int bits planned (0.9 for int1, …).
final class CountingEvaluator: PlanEvaluator {
  private let count = Mutex(0)
  var evaluations: Int { count.withLock { $0 } }
  var metric: MetricKind { SequentialClassifier.metric }
  var baseline: PlanMetric { accuracyMetric(1, baseline: 1) }

  func evaluate(_ plan: Plan, isCancelled: @escaping @Sendable () -> Bool) throws -> PlanMetric {
    count.withLock { $0 += 1 }
    let bits = plan.tensors.values.compactMap { $0.quantize?.bits }.reduce(0, +)
    return accuracyMetric(1 - Double(bits) / 100, baseline: 1)
  }
}

/// Cached cells are found again only for the same weights, data and metric.
@Suite(.serialized)
struct SensitivityCacheTests {
  let candidates = try! Candidate.parseList("int4,int8")

  func cell(_ tensor: String, _ candidate: Candidate, value: Double) -> SensitivityCell {
    SensitivityCell(tensor: tensor, candidate: candidate, spec: candidate.spec(forShape: [4, 8]), bytes: 24,
                    value: value, agreement: nil, meanKL: 0.5)
  }

  @Test func aCacheIsKeyedByModelDataAndMetric() throws {
    let scratch = ScratchDirectory()
    let cache = SensitivityCache(modelFingerprint: "aaaa", dataSHA256: "bbbb", metric: "accuracy", environment: scratch.environment)
    let cells = [cell("w", candidates[0], value: 0.5), cell("v", candidates[0], value: 0.25)]
    try cache.save(candidates[0], cells: cells)
    #expect(cache.load(candidates[0], tensors: ["v", "w"]) == [cells[1], cells[0]])
    #expect(cache.load(candidates[0], tensors: ["w", "u"]) == nil)  // a tensor it never measured
    #expect(cache.load(candidates[1], tensors: ["w"]) == nil)
    for other in [SensitivityCache(modelFingerprint: "aaab", dataSHA256: "bbbb", metric: "accuracy", environment: scratch.environment),
                  SensitivityCache(modelFingerprint: "aaaa", dataSHA256: "bbbc", metric: "accuracy", environment: scratch.environment),
                  SensitivityCache(modelFingerprint: "aaaa", dataSHA256: "bbbb", metric: "fidelity", environment: scratch.environment)] {
      #expect(other.directory != cache.directory)
      #expect(other.load(candidates[0], tensors: ["w"]) == nil)
    }
  }

  /// A model whose outputs are NaN (a weight left NaN, #17) measures NaN figures: they are saved
  /// (no raw EncodingError, no "results not cached") and load back as the same values.
  @Test func nonFiniteFiguresAreSavedAndLoadedBack() throws {
    let scratch = ScratchDirectory()
    let cache = SensitivityCache(modelFingerprint: "aaaa", dataSHA256: "bbbb", metric: "accuracy", environment: scratch.environment)
    let cell = SensitivityCell(tensor: "w", candidate: candidates[0], spec: candidates[0].spec(forShape: [4, 8]), bytes: 24,
                               value: .infinity, agreement: -.infinity, meanKL: .nan)
    try cache.save(candidates[0], cells: [cell])
    let loaded = try #require(cache.load(candidates[0], tensors: ["w"])?.first)
    #expect(loaded.value == .infinity && loaded.agreement == -.infinity && loaded.meanKL?.isNaN == true)
  }

  /// A FIFO in place of a cache file (no writer: reading would block forever) is a miss.
  @Test func aCacheFileThatIsNotARegularFileIsAMiss() throws {
    let scratch = ScratchDirectory()
    let cache = SensitivityCache(modelFingerprint: "aaaa", dataSHA256: "bbbb", metric: "accuracy", environment: scratch.environment)
    try cache.save(candidates[0], cells: [cell("w", candidates[0], value: 0.5)])
    try FileManager.default.removeItem(atPath: cache.path(of: candidates[0]))
    #expect(mkfifo(cache.path(of: candidates[0]), 0o600) == 0)
    #expect(cache.load(candidates[0], tensors: ["w"]) == nil)
  }

  @Test func theCacheFolderFollowsTheEnvironment() {
    #expect(SensitivityCache.root(environment: ["PARE_CACHE_DIR": "/x", "XDG_CACHE_HOME": "/y", "HOME": "/h"]) == "/x")
    #expect(SensitivityCache.root(environment: ["XDG_CACHE_HOME": "/y", "HOME": "/h"]) == "/y/pare")
    #expect(SensitivityCache.root(environment: ["XDG_CACHE_HOME": "", "HOME": "/h"]) == "/h/.cache/pare")
    let cache = SensitivityCache(modelFingerprint: String(repeating: "a", count: 64), dataSHA256: String(repeating: "b", count: 64),
                                 metric: "accuracy", environment: ["PARE_CACHE_DIR": "/x"])
    #expect(cache.directory == "/x/sensitivity/aaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-accuracy")
    #expect(cache.path(of: try! Candidate.parse("rank/8+int4")) == cache.directory + "/rank_8+int4.json")
    #expect(cache.path(of: try! Candidate.parse("2:4")) == cache.directory + "/2-4.json")
  }

  /// End to end: a second sweep of the same model and data measures nothing; changing the
  /// weights file or the data file makes it measure everything again.
  @Test func changingTheModelOrTheDataInvalidatesTheCache() throws {
    let scratch = ScratchDirectory()
    let dataFile = "\(scratch.path)-data.txt"
    defer { try? FileManager.default.removeItem(atPath: dataFile) }
    func sweep(_ model: ModelDirectory) throws -> Int {
      let data = try DataReference(EvaluationData(path: dataFile), items: "samples")
      let evaluator = CountingEvaluator()
      let cache = SensitivityCache(modelFingerprint: model.weights.fingerprint(), dataSHA256: data.sha256, metric: "accuracy",
                                   environment: scratch.environment)
      _ = try SensitivityAnalysis(weights: model.weights, evaluator: evaluator, compression: CompressionCache(), cache: cache)
        .run(candidates: candidates)
      return evaluator.evaluations  // the baseline comes with the evaluator
    }
    try "one\n".write(toFile: dataFile, atomically: true, encoding: .utf8)
    let model = try tinyModel()
    #expect(try sweep(model) == 2)
    #expect(try sweep(model) == 0)
    // Same shapes and names, other values: other weights.
    var writer = SafetensorsWriter()
    try writer.add("w", try Tensor(shape: [4, 8], scalars: (0..<32).map { Float($0) / 5 - 3 }))
    try writer.write(to: model.path)
    let edited = try ModelDirectory.open(model.path)
    #expect(try sweep(edited) == 2)
    #expect(try sweep(edited) == 0)
    try "two\n".write(toFile: dataFile, atomically: true, encoding: .utf8)
    #expect(try sweep(edited) == 2)
  }
}
