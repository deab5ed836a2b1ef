import PareCompression
import PareTestSupport
import PareWorkbench
import Testing
@testable import PareTUI

/// A lower-is-better metric (a divergence in nats, shown as an absolute change) through the
/// header, the status line's frontier and the sensitivity map: a rise is a loss everywhere.
struct LowerIsBetterViewTests {
  func divergence(_ value: Double, baseline: Double = 0) -> PlanMetric {
    PlanMetric(kind: divergenceMetricKind, value: value, baseline: baseline)
  }

  func lines(_ state: ExplorerState) -> [String] {
    render(state).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  @Test func theHeaderShowsARiseAsALossInTheMetricsUnits() {
    var state = Fixtures.lenet(width: 120, height: 30)
    state.metric = divergence(0.05)
    #expect(lines(state)[0].hasSuffix("divergence 0.05000 +0.05000 nats"))
    let header = View(state: state)
    #expect(header.theme.change(divergenceMetricKind, loss: state.metric!.loss) == header.theme.fair)
    state.metric = divergence(0.25)
    #expect(View(state: state).theme.change(divergenceMetricKind, loss: state.metric!.loss) == header.theme.poor)
    state.metric = divergence(0, baseline: 0.01)
    #expect(lines(state)[0].hasSuffix("divergence 0 -0.01000 nats"))
    #expect(View(state: state).theme.change(divergenceMetricKind, loss: state.metric!.loss) == header.theme.good)
  }

  @Test func theFrontierIsTheLowestValueNoLarger() {
    var state = Fixtures.lenet(width: 120, height: 30)
    state.metric = divergence(0.03)
    state.search.frontier = [
      FrontierPoint(compressedBytes: 99_910, ratio: 10.67, value: 0.02),
      FrontierPoint(compressedBytes: 66_140, ratio: 16.12, value: 0.01),
      FrontierPoint(compressedBytes: 66_000, ratio: 16.13, value: 0.05),
    ]
    let comparison = try! #require(state.frontierComparison)
    #expect(comparison.point.value == 0.01)
    #expect(lines(state)[state.height - 2].contains("frontier at 16.1x: 0.0100 (you: +0.0200 nats)"))
  }

  @Test func theMapColoursARiseAsALossAndSaysItsUnits() {
    var state = Fixtures.lenet(width: 160, height: 40, view: .sensitivity)
    let tensors = [SensitivityTensor(name: "fc1.weight", shape: [300, 784], bytes: 940_800)]
    let candidates = try! Candidate.parseList("int2,int8")
    let cells = zip(candidates, [0.5, 0.0]).map { candidate, value in
      SensitivityCell(tensor: "fc1.weight", candidate: candidate, spec: candidate.spec(forShape: [300, 784]),
                      bytes: 100_000, value: value, agreement: nil, meanKL: nil)
    }
    state.sensitivity = .computed(SensitivityTable(metric: divergenceMetricKind, baseline: 0, tensors: tensors,
                                                   candidates: candidates, cells: cells))
    let text = render(state).text
    #expect(text.contains("divergence change in nats with only that tensor compressed"))
    #expect(text.contains("under 0.1") && text.contains("0.1 or more"))
    #expect(text.contains("+0.500"))
    #expect(divergenceMetricKind.severity(ofLoss: divergenceMetricKind.loss(0.5, from: 0)) == .large)
    #expect(divergenceMetricKind.severity(ofLoss: divergenceMetricKind.loss(0, from: 0)) == MetricKind.Severity.none)
  }
}
