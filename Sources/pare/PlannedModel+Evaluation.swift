import ArgumentParser
import PareCompression
import PareFormats
import PareWorkbench

/// A planned model's metric on evaluation data, without and with the plan: what `eval` prints
/// and `apply` records in plan.json's summary.
struct PlannedEvaluation {
  /// The evaluation data file.
  let dataPath: String
  /// The family that measured it (its report lines).
  let family: any ModelFamily
  /// The uncompressed model's metric.
  let baseline: PlanMetric
  /// The metric with the plan (the baseline's when no plan was compared).
  let planned: PlanMetric

  /// The metric as a plan summary records it.
  var summary: MetricSummary { MetricSummary(name: planned.name, baseline: baseline.value, value: planned.value) }
}

extension PlannedModel {
  /// Evaluates the model on the data named in `options`, or by default on its family's bundled
  /// data, every item of it unless the limit option says otherwise; `comparing` false (no plan
  /// given) skips the planned pass. Throws why the model cannot run, then that there is no data,
  /// then any problem with the data.
  func evaluate(_ options: EvaluationDataOptions, comparing: Bool) throws -> PlannedEvaluation {
    try options.check(fits: opened)
    let family = try family()
    guard let data = try options.evaluationData(for: opened, interactive: false) else {
      throw ValidationError("\(model.path): no default evaluation data for this model; pass \(type(of: family).data.usage)")
    }
    let evaluator = try family.evaluator(on: data, compression: compression, cachesActivations: comparing)
    let planned = comparing ? try evaluator.evaluate(applied.plan, isCancelled: { false }) : evaluator.baseline
    return PlannedEvaluation(dataPath: data.path, family: family, baseline: evaluator.baseline, planned: planned)
  }
}
