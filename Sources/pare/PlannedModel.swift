import Foundation
import PareCompression
import PareFormats
import PareWorkbench

/// A model opened with an optional plan applied: what `eval`, `forward` and `apply` share.
struct PlannedModel {
  let opened: OpenedModel
  /// The plan applied (an empty plan when none was given).
  let applied: AppliedPlan
  /// The compressed tensors of `applied`, for evaluators to reuse.
  let compression = CompressionCache()

  /// Opens `modelPath`, reads and validates `planPath` against it (warning on stderr when the
  /// plan was made for other weights), and compresses the planned tensors; specs with
  /// `"imatrix": true` use `importance`'s --imatrix, else the statistics of the data
  /// `evaluationData` names (all of it, as `evaluate` measures).
  init(modelPath: String, planPath: String?, importance: ImportanceOptions? = nil,
       evaluationData: EvaluationDataOptions? = nil) throws {
    opened = try OpenedModel(path: modelPath)
    if let importance {
      let data = (try? evaluationData?.evaluationData(for: opened, interactive: false)) ?? nil
      try importance.install(on: compression, model: opened, data: data)
    }
    let model = opened.directory
    var plan = Plan()
    if let planPath {
      plan = try Plan.load(path: planPath)
      try plan.validate(against: model.weights, file: planPath)
      if let warning = plan.otherWeightsWarning(file: planPath, weightsSHA256: model.weights.sha256()) {
        FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
      }
    }
    applied = try AppliedPlan(plan: plan, weights: model.weights, cache: compression)
  }

  /// The model's files.
  var model: ModelDirectory { opened.directory }

  /// The family that runs the model; throws why none does.
  func family() throws -> any ModelFamily {
    guard let family = opened.family else { throw ModelError(file: model.path, opened.browseOnlyReason ?? "browse only") }
    return family
  }
}
