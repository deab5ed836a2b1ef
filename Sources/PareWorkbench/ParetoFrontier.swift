/// The best measured plans for a ladder of compression ratios: a search per ratio, then for each
/// ratio the best plan any of the searches measured within its budget (a plan found for 16x also
/// fits 8x), so the frontier never gets worse as the budget grows. Each point also has the
/// uniform plan for comparison.
public struct ParetoFrontier: Sendable {
  /// One ratio of the ladder.
  public struct Point: Sendable {
    /// The ratio asked for (original size / budget).
    public let targetRatio: Double
    /// The budget in bytes: the original size divided by the ratio, rounded down.
    public let budget: Int
    /// The best measured plan within the budget.
    public let searched: MeasuredPlan
    /// The uniform int plan with the most bits within the budget, if any fits.
    public let uniform: MeasuredPlan?
  }

  /// The ratios searched by default.
  public static let defaultRatios: [Double] = [2, 4, 8, 16, 32]

  /// The metric.
  public let metric: MetricKind
  /// The uncompressed model's metric.
  public let baseline: Double
  /// The model's size as stored, in bytes.
  public let originalBytes: Int
  /// One point per reachable ratio, in the order asked for.
  public let points: [Point]
  /// Ratios for which no plan fits.
  public let unreachable: [Double]

  /// Runs `search` at each of `ratios` with `options`, reporting (searches done, searches in all).
  public init(search: PlanSearch, ratios: [Double] = defaultRatios, options: PlanSearch.Options = .init(),
              isCancelled: @escaping @Sendable () -> Bool = { false },
              progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws {
    let original = search.originalBytes
    var outcomes: [(ratio: Double, budget: Int, uniform: MeasuredPlan?)] = []
    var measured: [MeasuredPlan] = []
    var unreachable: [Double] = []
    for (i, ratio) in ratios.enumerated() {
      if isCancelled() { throw CancellationError() }
      let budget = search.budget(ratio: ratio)
      do {
        let outcome = try search.run(budget: budget, options: options, isCancelled: isCancelled)
        measured += [outcome.allocated, outcome.found]
        outcomes.append((ratio, budget, try UniformPlan.best(within: budget, search: search, isCancelled: isCancelled)))
      } catch is SearchError {
        unreachable.append(ratio)
      }
      progress(i + 1, ratios.count)
    }
    points = outcomes.compactMap { ratio, budget, uniform in
      measured.filter { $0.compressedBytes <= budget }
        .reduce(nil) { (best: MeasuredPlan?, plan) in
          best.map { plan.measured.isBetter(than: $0.measured) ? plan : $0 } ?? plan
        }
        .map { Point(targetRatio: ratio, budget: budget, searched: $0, uniform: uniform) }
    }
    (metric, baseline, originalBytes) = (search.table.metric, search.table.baseline, original)
    self.unreachable = unreachable
  }
}
