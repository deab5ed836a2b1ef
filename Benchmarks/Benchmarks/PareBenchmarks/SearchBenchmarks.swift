import Benchmark
import PareCompression
import PareEngine
import PareFormats
import PareWorkbench

/// A fresh evaluator on lenet-300-100 and the bundled 1,000 test images, with its own
/// compression cache (nothing compressed yet).
func lenet300Evaluator() throws -> (ModelDirectory, any LayerOrderedEvaluator, CompressionCache) {
  try familyEvaluator(lenet300, data: EvaluationData(path: testSet))
}

/// The evaluator the family of the model at `path` builds on `data`, with its own fresh
/// compression cache.
func familyEvaluator(_ path: String, data: EvaluationData) throws -> (ModelDirectory, any LayerOrderedEvaluator, CompressionCache) {
  let model = try OpenedModel(path: path)
  guard let family = model.family else { throw BenchmarkSetupError(path: path) }
  let compression = CompressionCache()
  return (model.directory, try family.evaluator(on: data, compression: compression, cachesActivations: true), compression)
}

/// A benchmark's model that no family runs.
struct BenchmarkSetupError: Error { let path: String }

/// Sensitivity and search on lenet-300-100, from nothing: no disk cache, nothing compressed yet
/// (what the first `pare sensitivity` / `pare search` run does, less opening the process).
func searchBenchmarks() {
  let slow = Benchmark.Configuration(metrics: [.wallClock], maxDuration: .seconds(30), maxIterations: 5)

  Benchmark("sensitivity, default candidates (lenet-300-100, 1000 images)", configuration: slow) { benchmark in
    let (model, evaluator, compression) = try lenet300Evaluator()
    blackHole(try SensitivityAnalysis(weights: model.weights, evaluator: evaluator, compression: compression, cache: nil)
      .run(candidates: Candidate.sensitivityDefaults))
  }

  Benchmark("search at 8x, search candidates' sweep included (lenet-300-100, 1000 images)", configuration: slow) { benchmark in
    let (model, evaluator, compression) = try lenet300Evaluator()
    let table = try SensitivityAnalysis(weights: model.weights, evaluator: evaluator, compression: compression, cache: nil)
      .run(candidates: Candidate.searchDefaults)
    let search = PlanSearch(table: table, weights: model.weights, evaluator: evaluator, compression: compression)
    blackHole(try search.run(budget: search.originalBytes / 8))
  }
}
