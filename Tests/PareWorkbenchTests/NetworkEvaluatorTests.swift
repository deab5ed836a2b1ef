import Foundation
import Testing
@testable import PareCompression
@testable import PareEngine
@testable import PareFormats
@testable import PareWorkbench

/// The real evaluator on the bundled lenet-300-100: restarting from cached activations gives the
/// same metric as evaluating the plan from scratch.
struct NetworkEvaluatorTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  func fixture(compression: CompressionCache = CompressionCache()) throws -> (ModelDirectory, any LayerOrderedEvaluator) {
    let opened = try OpenedModel(path: Self.root.appendingPathComponent("assets/models/lenet-300-100").path)
    let data = EvaluationData(path: Self.root.appendingPathComponent("assets/data/mnist-test.safetensors").path)
    let evaluator = try #require(opened.family).evaluator(on: data, compression: compression, cachesActivations: true)
    return (opened.directory, evaluator)
  }

  @Test func restartedEvaluationsMatchFreshOnes() throws {
    let (model, evaluator) = try fixture()
    #expect(evaluator.baseline.secondary("correct") == 945)
    let plans = [
      Plan(tensors: ["fc3.weight": spec(4)]),
      Plan(tensors: ["fc3.weight": spec(4), "fc2.weight": spec(3)]),
      Plan(tensors: ["fc1.weight": spec(2)]),
      Plan(),
    ]
    for plan in plans {
      let restarted = try evaluator.evaluate(plan) { false }
      let (_, fresh) = try fixture()
      let scratch = try fresh.evaluate(plan) { false }
      #expect(restarted == scratch, "\(plan.tensors.keys.sorted())")
    }
    #expect(try evaluator.evaluate(Plan()) { false }.value == 0.945)
    _ = model
  }

  @Test func firstChangedLayerIsTheEarliestEditedOne() throws {
    let (_, evaluator) = try fixture()
    let network = try #require(evaluator as? NetworkEvaluator<SequentialNetwork>).network
    let a = Plan(tensors: ["fc3.weight": spec(4)])
    let b = Plan(tensors: ["fc3.weight": spec(4), "fc2.weight": spec(3)])
    #expect(a.firstChangedLayer(to: b, layer: network.layerIndex(ofTensor:)) == 3)  // flatten, fc1, relu, fc2
    #expect(b.firstChangedLayer(to: a, layer: network.layerIndex(ofTensor:)) == 3)
    #expect(a.firstChangedLayer(to: a, layer: network.layerIndex(ofTensor:)) == nil)
  }

  @Test func aCancelledEvaluationThrowsAndKeepsTheCacheUsable() throws {
    let (_, evaluator) = try fixture()
    #expect(throws: CancellationError.self) { try evaluator.evaluate(Plan(tensors: ["fc1.weight": spec(4)])) { true } }
    let plan = Plan(tensors: ["fc2.weight": spec(4)])
    let (_, fresh) = try fixture()
    #expect(try evaluator.evaluate(plan) { false } == fresh.evaluate(plan) { false })
  }

  /// A sibling shares the uncompressed network's activations and baseline: it holds only what
  /// its own plans change, and measures exactly as the first evaluator does.
  @Test func aSiblingSharesTheReferenceActivations() throws {
    let (_, first) = try fixture()
    let evaluator = try #require(first as? NetworkEvaluator<SequentialNetwork>)
    #expect(evaluator.ownActivationBytes == 0)
    let sibling = try #require(evaluator.sibling(compression: CompressionCache()) as? NetworkEvaluator<SequentialNetwork>)
    #expect(sibling.ownActivationBytes == 0 && sibling.baseline == evaluator.baseline)
    // fc3 (layer 5) changed: the inputs of fc2 and fc3 are the reference's, nothing is added.
    let last = Plan(tensors: ["fc3.weight": spec(4)])
    #expect(try sibling.evaluate(last) { false } == evaluator.evaluate(last) { false })
    #expect(sibling.ownActivationBytes == 0)
    // fc1 changed: fc2's and fc3's inputs differ (1,000 samples x (300 + 100) floats).
    let first1 = Plan(tensors: ["fc1.weight": spec(4)])
    #expect(try sibling.evaluate(first1) { false } == evaluator.evaluate(first1) { false })
    #expect(sibling.ownActivationBytes == 1000 * (300 + 100) * 4)
    // Back to the uncompressed model: the overlay is dropped again.
    _ = try sibling.evaluate(Plan()) { false }
    #expect(sibling.ownActivationBytes == 0)
  }
}
