import Foundation
import Testing
@testable import PareCore
@testable import PareEngine

struct ClassificationMetricsTests {
  @Test func accuracyAndArgmaxTies() throws {
    // Row 1 ties classes 0 and 1: the lower index wins, as numpy.argmax.
    let logits = try Tensor(shape: [3, 3], scalars: [0, 5, 1, 2, 2, 0, 0, 0, 9])
    let m = ClassificationMetrics(logits: logits, labels: [1, 1, 2])
    #expect(ClassificationMetrics.argmax(logits, classes: 3) == [1, 0, 2])
    #expect(m.correct == 2 && m.accuracy == 2.0 / 3 && m.agreement == nil)
  }

  /// Baseline softmax [1/2, 1/2] against [1/4, 3/4]: KL = ½ ln 2 + ½ ln(2/3) = ½ ln(4/3).
  @Test func klDivergenceByHand() throws {
    let baseline = try Tensor(shape: [1, 2], scalars: [0, 0])
    let logits = try Tensor(shape: [1, 2], scalars: [0, Float(log(3.0))])
    let m = ClassificationMetrics(logits: logits, labels: [1], baseline: baseline)
    #expect(abs((m.meanKLDivergence ?? -1) - 0.5 * log(4.0 / 3.0)) < 1e-7)
    // The baseline's tie goes to class 0, this one predicts class 1: they disagree.
    #expect(m.agreement == 0)
    #expect(ClassificationMetrics(logits: baseline, labels: [0], baseline: baseline).meanKLDivergence == 0)
  }
}
