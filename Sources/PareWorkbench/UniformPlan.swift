import PareCompression

/// The simple plan a search has to beat: the same int symmetric per-channel bit-width on every
/// compressible tensor, the highest that fits the budget.
public enum UniformPlan {
  /// The int symmetric per-channel candidate of `bits`.
  public static func candidate(bits: Int) -> Candidate {
    Candidate(quantize: QuantizeSpec(scheme: .int, bits: bits, granularity: .channel))
  }

  /// The uniform plan with the most bits (8 down to 2) within `budget` bytes, measured; nil when
  /// even 2 bits do not fit.
  public static func best(within budget: Int, search: PlanSearch,
                          isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> MeasuredPlan? {
    for bits in stride(from: 8, through: 2, by: -1) {
      let candidate = candidate(bits: bits)
      let choices = Dictionary(uniqueKeysWithValues: search.table.tensors.map { ($0.name, candidate) })
      let plan = Plan(tensors: Dictionary(uniqueKeysWithValues: search.table.tensors.map {
        ($0.name, candidate.spec(forShape: $0.shape))
      }))
      let applied = try AppliedPlan(plan: plan, weights: search.weights, cache: search.compression)
      guard applied.compressedBytes <= budget else { continue }
      let cells = search.table.tensors.compactMap { search.table.cell($0.name, candidate) }
      return MeasuredPlan(applied, choices: choices,
                          predicted: cells.count == choices.count ? Prediction(cells: cells, baseline: search.table.baseline) : nil,
                          measured: try search.evaluator.evaluate(plan, isCancelled: isCancelled))
    }
    return nil
  }
}
