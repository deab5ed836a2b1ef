import PareCompression
import PareFormats

/// Finds a plan for a size budget from a sensitivity table: one candidate (or none) per tensor
/// minimising the predicted loss within the budget (`BudgetAllocator`), measured, then refined by
/// measurement (`EvolutionarySearch`).
///
/// The predicted loss of a cell is its KL divergence from the uncompressed model when the
/// evaluator reports one (classifiers), else its metric drop. The KL is continuous and looks at
/// every sample's whole output distribution, where a 1,000-sample accuracy moves in steps of 0.001
/// and often does not move at all for one tensor; small perturbations' KL divergences also add up
/// nearly (a second-order effect), which the knapsack's sum assumes. The reported metric stays the
/// evaluator's own (accuracy).
///
/// The budget counts the whole model: tensors outside the table (biases, norms) keep their stored
/// size, as `AppliedPlan` counts them.
public struct PlanSearch: Sendable {
  /// The measured single-tensor effects; its candidates are the choices.
  public let table: SensitivityTable
  /// The model's weights.
  public let weights: WeightStore
  /// Measures plans; not used by anything else while a search runs.
  public let evaluator: any PlanEvaluator
  /// Compressed tensors (pass the evaluator's own).
  public let compression: CompressionCache

  /// How a search runs.
  public struct Options: Sendable {
    /// Children the evolutionary step measures at most.
    public var evaluations: Int
    /// Seed of the evolutionary step.
    public var seed: UInt64
    /// When set, candidates whose single-tensor metric drop exceeds this are not used.
    public var maxDrop: Double?
    /// Width of the knapsack's dynamic program (see `BudgetAllocator`).
    public var buckets: Int

    /// Options with the defaults: 100 evaluations, seed 1, no drop limit, 2^17 buckets.
    public init(evaluations: Int = 100, seed: UInt64 = 1, maxDrop: Double? = nil, buckets: Int = 1 << 17) {
      (self.evaluations, self.seed, self.maxDrop, self.buckets) = (evaluations, seed, maxDrop, buckets)
    }
  }

  /// A search over `table`'s candidates for `weights`, measuring with `evaluator`.
  public init(table: SensitivityTable, weights: WeightStore, evaluator: any PlanEvaluator, compression: CompressionCache) {
    (self.table, self.weights, self.evaluator, self.compression) = (table, weights, evaluator, compression)
  }

  /// The model's size as stored, in bytes.
  public var originalBytes: Int { weights.entries.reduce(0) { $0 + $1.byteRange.count } }

  /// Compression ratios a budget may be given as: at least 1 (a budget above the model's size
  /// means nothing) and finite, so the budget is a whole number of bytes no larger than the model.
  public static func isValidRatio(_ ratio: Double) -> Bool { ratio >= 1 && ratio.isFinite }

  /// The budget for compressing the model `ratio` times: its size divided by `ratio`, rounded
  /// down. `ratio` must pass `isValidRatio`; anything else gets the model's own size rather than
  /// a conversion that traps.
  public func budget(ratio: Double) -> Int {
    guard Self.isValidRatio(ratio) else { return originalBytes }
    return Int((Double(originalBytes) / ratio).rounded(.down))
  }

  /// Parameters of the tensors the search may change (the table's): what bits per weight count.
  public var compressibleParameters: Int { table.tensors.reduce(0) { $0 + $1.shape.reduce(1, *) } }

  /// Bytes of the tensors the search leaves as stored (biases, norms).
  public var fixedBytes: Int { originalBytes - table.tensors.reduce(0) { $0 + $1.bytes } }

  /// Bits per weight a budget may be given as: positive and finite.
  public static func isValidBitsPerWeight(_ bits: Double) -> Bool { bits > 0 && bits.isFinite }

  /// The budget for `bits` bits per weight over the compressible tensors: the tensors the
  /// search leaves alone as stored, plus ⌊bits × compressible parameters / 8⌋ bytes.
  public func budget(bitsPerWeight bits: Double) -> Int {
    guard Self.isValidBitsPerWeight(bits) else { return originalBytes }
    return fixedBytes + Int((bits * Double(compressibleParameters) / 8).rounded(.down))
  }

  /// A plan's bits per weight over the compressible tensors: their bytes (compressed, or as
  /// stored when left alone) × 8 / their parameters.
  public func bitsPerWeight(_ plan: MeasuredPlan) -> Double {
    Double(plan.compressedBytes - fixedBytes) * 8 / Double(max(compressibleParameters, 1))
  }

  /// The cost the knapsack minimises for `cell`: the figure the metric's kind names as its
  /// search cost (a classifier's KL divergence), else the metric's loss.
  public func predictedLoss(_ cell: SensitivityCell) -> Double {
    if table.metric.searchCost == SecondaryValue.meanKLKey, let kl = cell.meanKL { return kl }
    return table.metric.loss(cell.value, from: table.baseline)
  }

  /// Searches for the best plan of at most `budget` bytes, reporting the number of plans the
  /// evolutionary step has measured. Throws `SearchError` when no plan fits, `CancellationError`
  /// when cancelled before the allocation was measured; cancelled during the evolutionary step,
  /// it returns the best plan measured so far.
  public func run(budget: Int, options: Options = Options(), isCancelled: @escaping @Sendable () -> Bool = { false },
                  progress: (_ evaluations: Int) -> Void = { _ in }) throws -> SearchOutcome {
    // Option 0 of every tensor: left as stored.
    // A cell whose predicted loss is NaN (a model whose outputs are not finite: weights holding
    // NaN or Inf, #17) says nothing: the knapsack could never choose it, so it is left out.
    var undefined = 0
    let cells = table.tensors.map { tensor in
      table.cells(of: tensor.name).filter { cell in
        guard !predictedLoss(cell).isNaN else { undefined += 1; return false }
        return options.maxDrop.map { table.metric.drop(cell.value, from: table.baseline) <= $0 } ?? true
      }
    }
    let items = zip(table.tensors, cells).map { tensor, cells in
      [BudgetAllocator.Option(bytes: tensor.bytes, cost: 0)]
        + cells.map { BudgetAllocator.Option(bytes: $0.bytes, cost: predictedLoss($0)) }
    }
    let fixed = originalBytes - table.tensors.reduce(0) { $0 + $1.bytes }
    guard let start = BudgetAllocator(buckets: options.buckets).allocate(items, capacity: budget - fixed) else {
      let smallest = fixed + items.reduce(0) { $0 + ($1.map(\.bytes).min() ?? 0) }
      throw SearchError("a budget of \(budget) bytes is below the smallest plan's \(smallest) bytes "
        + "(\(fixed) of them in tensors the search leaves as stored"
        + (options.maxDrop.map { "; candidates dropping the \(table.metric.name) by more than \($0) left out" } ?? "")
        + (undefined > 0 ? "; \(undefined) cells measured NaN left out: the model's outputs are not finite" : "") + ")")
    }
    func measure(_ choice: [Int]) throws -> MeasuredPlan {
      let chosen = zip(choice, cells).compactMap { $0 == 0 ? nil : $1[$0 - 1] }
      let plan = Plan(tensors: Dictionary(uniqueKeysWithValues: chosen.map { ($0.tensor, $0.spec) }))
      let applied = try AppliedPlan(plan: plan, weights: weights, cache: compression)
      return MeasuredPlan(applied, choices: Dictionary(uniqueKeysWithValues: chosen.map { ($0.tensor, $0.candidate) }),
                          predicted: Prediction(cells: chosen, baseline: table.baseline),
                          measured: try evaluator.evaluate(plan, isCancelled: isCancelled))
    }
    let allocated = try measure(start)
    var measured: [[Int]: MeasuredPlan] = [start: allocated]
    let evolution = EvolutionarySearch(sizes: items.map { $0.map(\.bytes) }, capacity: budget - fixed,
                                       evaluations: options.evaluations, seed: options.seed)
    let outcome = try evolution.run(from: start, metric: allocated.measured, isCancelled: isCancelled) { choice in
      let plan = try measure(choice)
      measured[choice] = plan
      progress(measured.count - 1)
      return plan.measured
    }
    return SearchOutcome(budget: budget, allocated: allocated, found: measured[outcome.choice] ?? allocated,
                         evaluations: outcome.evaluations, improvements: outcome.improvements)
  }
}

/// What a search found for one budget.
public struct SearchOutcome: Sendable, Equatable {
  /// The budget in bytes (the whole model).
  public let budget: Int
  /// The knapsack's plan, measured.
  public let allocated: MeasuredPlan
  /// The best plan measured: the knapsack's, or a better one the evolutionary step found.
  public let found: MeasuredPlan
  /// Plans the evolutionary step measured.
  public let evaluations: Int
  /// Times it found a better plan.
  public let improvements: Int
}

/// No plan fits the budget; one line saying by how much.
public struct SearchError: Error, Equatable, CustomStringConvertible {
  /// The reason.
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}
