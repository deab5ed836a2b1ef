import Foundation
import PareCore
@testable import PareEngine
import Testing

/// LanguageModelMetrics against numpy over full distributions (scripts/reference_lm_metrics.py).
@Suite struct LanguageModelMetricsTests {
  struct Fixture: Decodable {
    let hidden: Int, window: Int
    let reference_rows: [Float?], compared_rows: [Float?]
    let perplexity: Double, mean_kl: Double, p99_kl: Double, max_kl: Double
    let mean_delta_p: Double, rms_delta_p: Double, same_top: Double, count: Int
  }

  let fixture: Fixture
  let layout: TokenScoreLayout

  init() throws {
    let url = repositoryRoot.appendingPathComponent("Tests/PareEngineTests/Fixtures/lm-metrics.json")
    fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    layout = TokenScoreLayout(hiddenSize: fixture.hidden)
  }

  func tensor(_ rows: [Float?]) throws -> Tensor {
    try Tensor(shape: [rows.count / layout.width, layout.width], scalars: rows.map { $0 ?? .nan })
  }

  @Test func matchesNumpy() throws {
    let m = LanguageModelMetrics(scores: try tensor(fixture.compared_rows), reference: try tensor(fixture.reference_rows),
                                 layout: layout, scoring: .secondHalf(of: fixture.window))
    #expect(m.count == fixture.count)
    #expect(isClose(m.perplexity, fixture.perplexity, relative: 1e-5))
    #expect(isClose(m.meanKL, fixture.mean_kl, relative: 1e-5))
    #expect(isClose(m.p99KL, fixture.p99_kl, relative: 1e-5))
    #expect(isClose(m.maxKL, fixture.max_kl, relative: 1e-5))
    #expect(isClose(m.meanDeltaP, fixture.mean_delta_p, relative: 1e-4))
    #expect(isClose(m.rmsDeltaP, fixture.rms_delta_p, relative: 1e-4))
    #expect(m.sameTop == fixture.same_top)
  }

  @Test func referenceAgainstItselfIsZero() throws {
    let reference = try tensor(fixture.reference_rows)
    let m = LanguageModelMetrics(scores: reference, reference: reference, layout: layout, scoring: .secondHalf(of: fixture.window))
    #expect(m.meanKL == 0 && m.maxKL == 0 && m.meanDeltaP == 0 && m.sameTop == 1)
  }

  @Test func percentileInterpolatesAsNumpy() {
    #expect(LanguageModelMetrics.percentile([1, 2, 3, 4], 0.5) == 2.5)
    #expect(LanguageModelMetrics.percentile([5], 0.99) == 5)
    #expect(LanguageModelMetrics.percentile([], 0.99) == 0)
  }
}
