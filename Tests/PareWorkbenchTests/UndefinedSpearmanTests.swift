import Foundation
import PareCompression
import PareCore
import PareEngine
import PareFormats
import Testing
@testable import PareWorkbench

/// Spearman's rho of one scored pair, or of constant scores, is undefined: `pare eval` says so in
/// its text and writes null in `--json`, never 0.
struct UndefinedSpearmanTests {
  static let tinyBert = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("PareEngineTests/Fixtures/tiny-bert").path

  func undefinedMetric() throws -> PlanMetric {
    let e = try Tensor(shape: [2, 2], scalars: [1, 0, 0.6, 0.8])
    let metrics = EmbeddingMetrics(embeddings: e, baseline: e, pairs: [SentenceDataset.Pair(first: 0, second: 1, gold: 4)])
    return PlanMetric(kind: SentenceEncoder.metric, SentenceEncoder.measurement(metrics), baseline: 1)
  }

  @Test func theTextSaysUndefined() throws {
    let encoder = try #require(try OpenedModel(path: Self.tinyBert).family)
    let metric = try undefinedMetric()
    let lines = encoder.reportLines(metric, baseline: metric, comparing: true)
    #expect(lines.contains("spearman  undefined with the gold scores (original undefined)"))
  }

  @Test func theJSONSaysNull() throws {
    let model = try OpenedModel(path: Self.tinyBert)
    let applied = try AppliedPlan(plan: Plan(), weights: model.directory.weights, cache: CompressionCache())
    let metric = try undefinedMetric()
    let data = try JSONEncoder().encode(EvaluationReport(planned: metric, baseline: metric, applied: applied, comparing: true))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["spearman"] is NSNull && json["baseline_spearman"] is NSNull)
  }
}
