import Foundation
import PareCompression
import PareTestSupport
import Testing
@testable import PareWorkbench

/// Metrics that describe themselves: changes shown and judged by direction and style, a search
/// minimising the right figure, and `--json` naming which way is better.
struct MetricKindTests {
  let perplexity = MetricKind(name: "perplexity", direction: .lowerIsBetter, changeStyle: .relativePercent,
                              negligibleLoss: 0.1, largeLoss: 2)

  @Test func changesAreShownAsTheirStyleSaysAndLossesFollowTheDirection() {
    let accuracy = SequentialClassifier.metric
    #expect(abs(accuracy.shownChange(0.942, from: 0.945) - -0.3) < 1e-9 && accuracy.changeSuffix == " pts")
    #expect(abs(accuracy.loss(0.942, from: 0.945) - 0.3) < 1e-9)
    #expect(abs(perplexity.shownChange(10.5, from: 10) - 5) < 1e-9 && perplexity.changeSuffix == "%")
    #expect(abs(perplexity.loss(10.5, from: 10) - 5) < 1e-9 && perplexity.loss(9.5, from: 10) < 0)
    #expect(abs(divergenceMetricKind.shownChange(0.03, from: 0.01) - 0.02) < 1e-12 && divergenceMetricKind.changeSuffix == " nats")
    #expect(perplexity.isBetter(9, than: 10) && !accuracy.isBetter(0.9, than: 0.95))
    #expect(abs(accuracy.drop(0.93, from: 0.945) - 0.015) < 1e-12 && abs(divergenceMetricKind.drop(0.3, from: 0.1) - 0.2) < 1e-12)
  }

  @Test func severityAndBarsUseTheKindsThresholds() {
    #expect(perplexity.severity(ofLoss: perplexity.loss(10.005, from: 10)) == .none)
    #expect(perplexity.severity(ofLoss: perplexity.loss(10.1, from: 10)) == .small)
    #expect(perplexity.severity(ofLoss: perplexity.loss(11, from: 10)) == .large)
    #expect(perplexity.severity(ofLoss: .nan) == .large)
    // A point of accuracy is a sixth of the bar as before (log10(2) / 2), all of it the full bar.
    #expect(abs(SequentialClassifier.metric.barHeight(ofLoss: 1) - log10(2) / 2) < 1e-12)
    #expect(abs(SequentialClassifier.metric.barHeight(ofLoss: 99) - 1) < 1e-12)
    #expect(divergenceMetricKind.barHeight(ofLoss: -1) == 0)
  }

  @Test func aSearchMinimisesTheKindsCost() {
    // Accuracy: the mean KL beside it.
    #expect(accuracyMetric(0.8, baseline: 1, meanKL: 0.1).isBetter(than: accuracyMetric(0.9, baseline: 1, meanKL: 0.5)))
    // A lower-is-better metric with no cost figure: the metric itself, lower first.
    let low = PlanMetric(kind: divergenceMetricKind, value: 0.1, baseline: 0)
    let high = PlanMetric(kind: divergenceMetricKind, value: 0.2, baseline: 0)
    #expect(low.isBetter(than: high) && !high.isBetter(than: low))
  }

  @Test func theKnapsackPredictsALossFromARise() throws {
    let tensors = [SensitivityTensor(name: "w", shape: [4, 8], bytes: 128)]
    let candidates = try Candidate.parseList("int2,int8")
    let cells = zip(candidates, [0.5, 0.01]).map { candidate, value in
      SensitivityCell(tensor: "w", candidate: candidate, spec: candidate.spec(forShape: [4, 8]), bytes: 8, value: value,
                      agreement: nil, meanKL: nil)
    }
    let table = SensitivityTable(metric: divergenceMetricKind, baseline: 0, tensors: tensors, candidates: candidates, cells: cells)
    let search = PlanSearch(table: table, weights: try tinyModel().weights, evaluator: FakeEvaluator(), compression: CompressionCache())
    #expect(search.predictedLoss(cells[0]) == 0.5 && search.predictedLoss(cells[1]) == 0.01)
  }

  @Test func theEvaluationReportNamesTheDirectionAndUnit() throws {
    let applied = try AppliedPlan(plan: Plan(), weights: tinyModel().weights, cache: CompressionCache())
    let measured = PlanMetric(kind: divergenceMetricKind, value: 0.02, baseline: 0, samples: 16, secondary: [
      SecondaryValue(key: "same_top", label: "top", value: 0.97, style: .percent, isComparison: true),
      SecondaryValue(key: "perplexity", label: nil, value: 12.5, style: .significant, isComparison: false),
    ])
    let baseline = PlanMetric(kind: divergenceMetricKind, value: 0, baseline: 0, samples: 16, secondary: [
      SecondaryValue(key: "perplexity", label: nil, value: 12.0, style: .significant, isComparison: false),
    ])
    func json(comparing: Bool) throws -> [String: Any] {
      let data = try JSONEncoder().encode(EvaluationReport(planned: measured, baseline: baseline, applied: applied, comparing: comparing))
      return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
    let compared = try json(comparing: true)
    #expect(compared["metric"] as? String == "divergence" && compared["direction"] as? String == "lower")
    #expect(compared["unit"] as? String == "nats" && compared["samples"] as? Int == 16)
    #expect(compared["same_top"] as? Double == 0.97 && compared["perplexity"] as? Double == 12.5)
    #expect(compared["baseline_perplexity"] as? Double == 12.0)
    let alone = try json(comparing: false)
    #expect(alone["same_top"] == nil && alone["perplexity"] as? Double == 12.5 && alone["baseline_perplexity"] == nil)
  }
}
