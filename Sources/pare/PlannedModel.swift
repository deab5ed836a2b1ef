import Foundation
import PareCompression
import PareEngine
import PareFormats

/// A model opened with an optional plan applied: what `eval`, `forward` and `apply` share.
struct PlannedModel {
  let model: ModelDirectory
  /// The plan applied (an empty plan when none was given).
  let applied: AppliedPlan
  /// The uncompressed and the planned network, or why the model cannot run.
  private let networks: Result<(baseline: SequentialNetwork, planned: SequentialNetwork), any Error>

  /// Opens `modelPath`, reads and validates `planPath` against it (warning on stderr when the
  /// plan was made for other weights), and compresses the planned tensors.
  init(modelPath: String, planPath: String?) throws {
    let model = try ModelDirectory.open(modelPath)
    var plan = Plan()
    if let planPath {
      plan = try Plan.load(path: planPath)
      try plan.validate(against: model.weights, file: planPath)
      if let recorded = plan.model?.sha256, recorded != model.weights.sha256() {
        FileHandle.standardError.write(Data(
          "warning: \(planPath) was made for other weights (sha256 \(recorded.prefix(12))…); applying it anyway\n".utf8))
      }
    }
    let applied = try AppliedPlan(plan: plan, weights: model.weights)
    networks = Result {
      let baseline = try SequentialNetwork(model: model)
      let planned = try baseline.replacingTensors(applied.replacements) { name in
        model.weights.entry(named: name) == nil ? nil : try model.weights.tensor(named: name)
      }
      return (baseline, planned)
    }
    (self.model, self.applied) = (model, applied)
  }

  /// The networks to run; throws why the model cannot run (a bare weights file, say).
  func runnable() throws -> (baseline: SequentialNetwork, planned: SequentialNetwork) {
    try networks.get()
  }
}
