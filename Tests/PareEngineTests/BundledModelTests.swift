import Foundation
import PareWorkbench
import Testing
@testable import PareCore
@testable import PareEngine
@testable import PareFormats

/// The bundled demo models against the numpy reference written by scripts/make_demo_assets.py.
struct BundledModelTests {
  struct Reference: Decodable {
    let correct: Int
    let accuracy: Double
    let logits_first16: [[Float]]
  }

  static let models = ["lenet-300-100", "lenet-5"]
  static let testSet = repositoryRoot.appendingPathComponent("assets/data/mnist-test.safetensors").path

  func load(_ name: String) throws -> (SequentialNetwork, Reference) {
    let path = repositoryRoot.appendingPathComponent("assets/models/\(name)").path
    let fixture = repositoryRoot.appendingPathComponent("Tests/PareEngineTests/Fixtures/\(name).reference.json")
    return (try family(SequentialClassifier.self, at: path).network(), try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture)))
  }

  @Test(arguments: models)
  func logitsAndAccuracyMatchNumpy(name: String) throws {
    let (network, reference) = try load(name)
    let data = try ClassificationDataset(path: Self.testSet)
    try data.check(inputShape: network.config.inputShape, classes: network.outputWidth)
    var cache: SequentialNetwork.Cache?
    let logits = try network.outputs(for: data.images, cache: &cache)
    for (i, row) in reference.logits_first16.enumerated() {
      for (j, want) in row.enumerated() {
        #expect(abs(logits.scalars[i * 10 + j] - want) <= 1e-4, "\(name) image \(i) class \(j)")
      }
    }
    let metrics = ClassificationMetrics(logits: logits, labels: data.labels)
    #expect(metrics.correct == reference.correct)
    #expect(metrics.accuracy == reference.accuracy)
  }

  /// Restarting at any weighted layer from the cache gives the outputs of a full pass, also
  /// after that layer's weights change (what a compression edit does).
  @Test(arguments: models)
  func restartFromCacheMatchesFullPass(name: String) throws {
    let (network, _) = try load(name)
    let data = try ClassificationDataset(path: Self.testSet)
    var cache: SequentialNetwork.Cache? = SequentialNetwork.Cache(batchSize: 96, restartPoints: network.weightedLayers)
    let full = try network.outputs(for: data.images, cache: &cache)
    for layer in network.weightedLayers.sorted() {
      #expect(try network.outputs(for: data.images, from: layer, cache: &cache) == full)
    }
    // Halve the last linear layer's weights: restarting there must equal a fresh full pass.
    let last = try #require(network.weightedLayers.max())
    let name = try #require(network.config.layers[last].name) + ".weight"
    guard let old = network.layers[last] as? Linear else { Issue.record("last layer is not linear"); return }
    var halved = old.weight
    for i in halved.scalars.indices { halved.scalars[i] *= 0.5 }
    let edited = try network.replacingTensors([name: .dense(halved)]) { _ in old.bias }
    #expect(edited.layerIndex(ofTensor: name) == last)
    // Same batching, no restart points: a plain full pass of the edited network.
    var plain: SequentialNetwork.Cache? = SequentialNetwork.Cache(batchSize: 96, restartPoints: [])
    let fresh = try edited.outputs(for: data.images, cache: &plain)
    #expect(try edited.outputs(for: data.images, from: last, cache: &cache) == fresh)
    #expect(fresh != full)
  }

  /// Batches run side by side on several threads: each must land in its own rows, equal to
  /// that batch run alone (up to rounding: alone, its GEMMs run threaded).
  @Test func batchesRunSideBySideLandInOrder() throws {
    let (network, _) = try load("lenet-5")
    let data = try ClassificationDataset(path: Self.testSet)
    var cache: SequentialNetwork.Cache? = SequentialNetwork.Cache(batchSize: 70, restartPoints: [])
    let outputs = try network.outputs(for: data.images, cache: &cache)
    let width = network.outputWidth
    for lower in stride(from: 0, to: data.count, by: 70) {
      let upper = min(data.count, lower + 70)
      let alone = network.forward(network.preprocess(data.images, samples: lower..<upper))
      let rows = outputs.scalars[(lower * width)..<(upper * width)]
      #expect(zip(rows, alone.scalars).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
    }
  }

  @Test func cancellationLeavesTheCacheConsistent() throws {
    let (network, _) = try load("lenet-300-100")
    let data = try ClassificationDataset(path: Self.testSet)
    var cache: SequentialNetwork.Cache? = SequentialNetwork.Cache(batchSize: 100, restartPoints: network.weightedLayers)
    var batches = 0
    #expect(throws: CancellationError.self) {
      try network.outputs(for: data.images, cache: &cache) { batches += 1; return batches > 3 }
    }
    #expect(cache?.byteCount == 0)
    let last = try #require(network.weightedLayers.max())
    #expect(cache?.inputs(at: last, for: data.count) == nil)
  }
}
