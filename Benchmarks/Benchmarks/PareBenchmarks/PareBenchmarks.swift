import Benchmark
import Foundation
import PareCompression
import PareCore
import PareEngine
import PareFormats
import PareWorkbench

/// The repository root, from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let lenet300 = repositoryRoot.appendingPathComponent("assets/models/lenet-300-100").path
let testSet = repositoryRoot.appendingPathComponent("assets/data/mnist-test.safetensors").path

/// The 1,000-image test set repeated to 10,000 images, as scripts/bench_numpy.py does; kept as
/// u8 like the file `pare eval` reads.
func tiledImages(_ copies: Int) throws -> EncodedTensor {
  let file = try SafetensorsFile(path: testSet)
  let images = try file.encodedTensor(named: "images")
  let bytes = try file.withRawBytes(of: file.entry(named: "images")!) { Array($0) }
  return try EncodedTensor(dtype: images.dtype, shape: [images.shape[0] * copies] + images.shape.dropFirst(),
                           bytes: Array([[UInt8]](repeating: bytes, count: copies).joined()))
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(5))
  compressionBenchmarks()
  explorerBenchmarks()
  searchBenchmarks()
  bertBenchmarks()

  Benchmark("open lenet-300-100") { benchmark in
    for _ in benchmark.scaledIterations {
      blackHole(try lenet300Network())
    }
  }

  Benchmark("evaluate lenet-300-100, 10000 images") { benchmark, fixture in
    var noCache: SequentialNetwork.Cache?
    blackHole(try fixture.network.outputs(for: fixture.images, cache: &noCache))
  } setup: {
    try EvaluationFixture()
  }

  Benchmark("evaluate lenet-300-100, 10000 images, restarted at the last layer") { benchmark, fixture in
    var cache = fixture.cache
    blackHole(try fixture.network.outputs(for: fixture.images, from: fixture.lastLayer, cache: &cache))
  } setup: {
    try EvaluationFixture()
  }
}

/// lenet-300-100's network, opened as its family opens it.
func lenet300Network() throws -> SequentialNetwork {
  guard let family = try OpenedModel(path: lenet300).family as? SequentialClassifier else { throw BenchmarkSetupError(path: lenet300) }
  return try family.network()
}

/// lenet-300-100 with 10,000 images and a filled activation cache.
struct EvaluationFixture {
  let network: SequentialNetwork
  let images: EncodedTensor
  let cache: SequentialNetwork.Cache?
  let lastLayer: Int

  init() throws {
    network = try lenet300Network()
    images = try tiledImages(10)
    var cache: SequentialNetwork.Cache? = SequentialNetwork.Cache(batchSize: network.preferredBatchSize, restartPoints: network.weightedLayers)
    _ = try network.outputs(for: images, cache: &cache)
    self.cache = cache
    lastLayer = network.weightedLayers.max() ?? 0
  }
}
