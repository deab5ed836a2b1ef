import Foundation
import PareCompression
import PareEngine
import PareFormats

/// A model opened with an optional plan applied: what `eval`, `forward` and `apply` share.
struct PlannedModel {
  let model: ModelDirectory
  /// The plan applied (an empty plan when none was given).
  let applied: AppliedPlan
  /// The compressed tensors of `applied`, for evaluators to reuse.
  let compression = CompressionCache()

  /// What the model runs as, uncompressed and with the plan.
  enum Runnable {
    /// A `sequential` classifier.
    case classifier(baseline: SequentialNetwork, planned: SequentialNetwork)
    /// A `bert` sentence encoder with its tokenizer.
    case encoder(baseline: BertEncoder, planned: BertEncoder, tokenizer: WordPieceTokenizer)
  }

  /// The networks to run, or why the model cannot run.
  private let networks: Result<Runnable, any Error>

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
    let applied = try AppliedPlan(plan: plan, weights: model.weights, cache: compression)
    let original = { (name: String) in model.weights.entry(named: name) == nil ? nil : try model.weights.tensor(named: name) }
    networks = Result {
      if case .bert = model.architecture {
        let baseline = try BertEncoder(model: model)
        return .encoder(baseline: baseline, planned: try baseline.replacingTensors(applied.replacements, original: original),
                        tokenizer: try WordPieceTokenizer(modelDirectory: modelPath))
      }
      let baseline = try SequentialNetwork(model: model)
      return .classifier(baseline: baseline, planned: try baseline.replacingTensors(applied.replacements, original: original))
    }
    (self.model, self.applied) = (model, applied)
  }

  /// The networks to run; throws why the model cannot run (a bare weights file, say).
  func runnable() throws -> Runnable {
    try networks.get()
  }
}
