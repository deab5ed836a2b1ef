import ArgumentParser
import Foundation
import PareCompression
import PareFormats
import PareWorkbench

/// What `sensitivity` and `search` share: the model, an evaluator on its evaluation data (any
/// kind `EvaluationDataOptions` builds), and the sensitivity sweep, cached on disk.
struct SweepSetup {
  /// The model as given on the command line.
  let modelPath: String
  /// The opened model.
  let model: ModelDirectory
  /// The model with the sha256 of its weights, as plan files record it.
  let modelReference: ModelReference
  /// The evaluation data with its sha256.
  let data: DataReference
  /// Measures plans.
  let evaluator: any LayerOrderedEvaluator
  /// The evaluator's compressed tensors, shared with the sweep and the search.
  let compression: CompressionCache
  /// The family that runs the model.
  let family: (any ModelFamily)?

  /// What the sensitivity cache keys cells by beside the metric: the --imatrix file's hash.
  let importanceTag: String?

  /// Opens `modelPath` and its evaluator on the data `options` names (or the bundled data);
  /// specs with `"imatrix": true` use `importance`'s --imatrix, else that data's statistics.
  init(modelPath: String, options: EvaluationDataOptions, importance: ImportanceOptions? = nil) throws {
    let opened = try OpenedModel(path: modelPath)
    let model = opened.directory
    let compression = EvaluationDataOptions.compressionCache(for: model)
    compression.importance = try importance?.source(for: opened)
    importanceTag = try importance?.cacheTag()
    guard let measured = try options.interactiveEvaluator(for: opened, compression: compression) else {
      let why = opened.browseOnlyReason ?? "no default evaluation data; pass "
        + (opened.family.map { type(of: $0).data.usage } ?? "--data or --text")
      throw ValidationError("\(modelPath): nothing to measure this model on: \(why)")
    }
    (self.modelPath, self.model, self.evaluator, self.data, self.compression) = (modelPath, model, measured.evaluator, measured.data, compression)
    family = opened.family
    modelReference = ModelReference(path: modelPath, sha256: model.weights.sha256())
  }

  /// The sensitivity table for `candidates`, measuring only what the disk cache lacks, with a
  /// progress bar on stderr. Returns the table and how many cells were measured now.
  func sensitivity(_ candidates: [Candidate], isCancelled: @escaping @Sendable () -> Bool) throws
    -> (table: SensitivityTable, measured: Int, cache: SensitivityCache) {
    // Keyed as the explorer keys it (the fingerprint), so either reuses the other's cells.
    let cache = SensitivityCache(modelFingerprint: model.weights.fingerprint(), dataSHA256: data.sha256, metric: evaluator.metric.name + (importanceTag.map { "-\($0)" } ?? ""))
    let analysis = SensitivityAnalysis(weights: model.weights, evaluator: evaluator, compression: compression, cache: cache)
    for skipped in SensitivityAnalysis.nonFiniteTensors(in: model.weights) {
      FileHandle.standardError.write(Data("warning: \(skipped); left out of the sweep and the search\n".utf8))
    }
    var bar = ProgressBar(label: "sensitivity")
    defer { bar.finish() }
    var measured = 0
    var cacheProblem: (any Error)?
    let table = try analysis.run(candidates: candidates, progress: { step in
      measured = step.completed
      bar.update(step.completed, of: step.total, detail: "\(step.tensor) \(step.candidate)")
    }, isCancelled: isCancelled, cacheFailed: { cacheProblem = $0 })
    // After the bar, and without failing: the measurements are done and printed all the same.
    bar.finish()
    if let cacheProblem { FileHandle.standardError.write(Data("warning: results not cached: \(cacheProblem)\n".utf8)) }
    return (table, measured, cache)
  }
}
