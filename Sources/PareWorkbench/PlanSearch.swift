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
  ///
  /// Each of `seeds` (a known plan, such as llama.cpp's mix of the same size) is measured too,
  /// and the evolutionary step starts from whichever of the knapsack's plan and the seeds that
  /// fit the budget measures best, so the plan found is never worse than a seed. A seed's
  /// candidates need not be in the table: they join their tensors' choices for the evolutionary
  /// step; the knapsack, having no prediction for them, picks them only where nothing else fits.
  public func run(budget: Int, options: Options = Options(), seeds: [SearchSeed] = [],
                  isCancelled: @escaping @Sendable () -> Bool = { false },
                  progress: (_ evaluations: Int) -> Void = { _ in }) throws -> SearchOutcome {
    // Option 0 of every tensor: left as stored.
    // A cell whose predicted loss is NaN (a model whose outputs are not finite: weights holding
    // NaN or Inf, #17) says nothing: the knapsack could never choose it, so it is left out.
    var undefined = 0
    var choices = table.tensors.map { tensor in
      table.cells(of: tensor.name).filter { cell in
        guard !predictedLoss(cell).isNaN else { undefined += 1; return false }
        return options.maxDrop.map { table.metric.drop(cell.value, from: table.baseline) <= $0 } ?? true
      }.map(Choice.init)
    }
    let seedChoices = try seeds.map { try addChoices(of: $0, to: &choices) }
    let items = zip(table.tensors, choices).map { tensor, choices in
      [BudgetAllocator.Option(bytes: tensor.bytes, cost: 0)]
        + choices.map { BudgetAllocator.Option(bytes: $0.bytes, cost: $0.cell.map(predictedLoss) ?? Self.unpredictedCost) }
    }
    guard let allocation = BudgetAllocator(buckets: options.buckets).allocate(items, capacity: budget - fixedBytes) else {
      let smallest = fixedBytes + items.reduce(0) { $0 + ($1.map(\.bytes).min() ?? 0) }
      throw SearchError("a budget of \(budget) bytes is below the smallest plan's \(smallest) bytes "
        + "(\(fixedBytes) of them in tensors the search leaves as stored"
        + (options.maxDrop.map { "; candidates dropping the \(table.metric.name) by more than \($0) left out" } ?? "")
        + (undefined > 0 ? "; \(undefined) cells measured NaN left out: the model's outputs are not finite" : "") + ")")
    }
    func measure(_ choice: [Int]) throws -> MeasuredPlan {
      let chosen = zip(choice, choices).compactMap { $0 == 0 ? nil : $1[$0 - 1] }
      let plan = Plan(tensors: Dictionary(uniqueKeysWithValues: chosen.map { ($0.tensor, $0.spec) }))
      let applied = try AppliedPlan(plan: plan, weights: weights, cache: compression)
      let cells = chosen.compactMap(\.cell)
      return MeasuredPlan(applied, choices: Dictionary(uniqueKeysWithValues: chosen.map { ($0.tensor, $0.candidate) }),
                          predicted: cells.count == chosen.count ? Prediction(cells: cells, baseline: table.baseline) : nil,
                          measured: try evaluator.evaluate(plan, isCancelled: isCancelled))
    }
    let allocated = try measure(allocation)
    var measured: [[Int]: MeasuredPlan] = [allocation: allocated]
    var (start, startMetric) = (allocation, allocated.measured)
    var startedFrom: String?
    var measuredSeeds: [MeasuredSeed] = []
    let fits = { (choice: [Int]) in zip(items, choice).reduce(0) { $0 + $1.0[$1.1].bytes } <= budget - fixedBytes }
    for (seed, choice) in zip(seeds, seedChoices) {
      let plan = try measured[choice] ?? measure(choice)
      measured[choice] = plan
      measuredSeeds.append(MeasuredSeed(name: seed.name, plan: plan))
      if fits(choice), plan.measured.isBetter(than: startMetric) {
        (start, startMetric, startedFrom) = (choice, plan.measured, seed.name)
      }
    }
    let evolution = EvolutionarySearch(sizes: items.map { $0.map(\.bytes) }, capacity: budget - fixedBytes,
                                       evaluations: options.evaluations, seed: options.seed)
    let before = measured.count
    let outcome = try evolution.run(from: start, metric: startMetric, isCancelled: isCancelled) { choice in
      let plan = try measure(choice)
      measured[choice] = plan
      progress(measured.count - before)
      return plan.measured
    }
    return SearchOutcome(budget: budget, allocated: allocated, found: measured[outcome.choice] ?? allocated,
                         evaluations: outcome.evaluations, improvements: outcome.improvements,
                         seeds: measuredSeeds, startedFrom: startedFrom)
  }

  /// The knapsack's cost of a seed's candidate the table has no cell for: above any sum of
  /// predicted losses, so it is picked only where nothing measured fits the budget (rows no
  /// candidate's block fits, say, when only the seed's F16 does).
  static let unpredictedCost = 1e12

  /// One choice for a tensor: a cell of the table, or a seed's candidate the table lacks.
  private struct Choice {
    let tensor: String
    let candidate: Candidate
    let spec: CompressionSpec
    let bytes: Int
    /// The measured cell (nil for a seed's candidate outside the table: no prediction).
    let cell: SensitivityCell?

    init(_ cell: SensitivityCell) {
      (tensor, candidate, spec, bytes, self.cell) = (cell.tensor, cell.candidate, cell.spec, cell.bytes, cell)
    }

    init(tensor: String, candidate: Candidate, spec: CompressionSpec, bytes: Int) {
      (self.tensor, self.candidate, self.spec, self.bytes, cell) = (tensor, candidate, spec, bytes, nil)
    }
  }

  /// `seed` as option indices into `choices` (0: left as stored), adding the seed's candidates
  /// the table lacks, sized by compressing them. A seed naming a tensor outside the table is an
  /// error: the search could not hold it.
  private func addChoices(of seed: SearchSeed, to choices: inout [[Choice]]) throws -> [Int] {
    let index = Dictionary(uniqueKeysWithValues: table.tensors.enumerated().map { ($1.name, $0) })
    let outside = seed.choices.keys.filter { index[$0] == nil }.sorted()
    guard outside.isEmpty else {
      throw SearchError("the \(seed.name) plan compresses \(outside[0]), which the search does not choose for"
        + (outside.count > 1 ? " (and \(outside.count - 1) more)" : ""))
    }
    let specs = seed.choices.reduce(into: [String: CompressionSpec]()) { specs, item in
      specs[item.key] = item.value.spec(forShape: table.tensors[index[item.key]!].shape)
    }
    let missing = specs.filter { name, spec in !choices[index[name]!].contains { $0.spec == spec } }
    let applied = try AppliedPlan(plan: Plan(tensors: missing), weights: weights, cache: compression)
    return table.tensors.indices.map { i in
      let name = table.tensors[i].name
      guard let spec = specs[name], let candidate = seed.choices[name] else { return 0 }
      if let j = choices[i].firstIndex(where: { $0.spec == spec }) { return j + 1 }
      choices[i].append(Choice(tensor: name, candidate: candidate, spec: spec,
                               bytes: applied.compressed[name]?.storage.bytes ?? table.tensors[i].bytes))
      return choices[i].count
    }
  }
}

/// A known plan a search also measures and may start from (`pare search --like`: llama.cpp's mix).
public struct SearchSeed: Sendable {
  /// What to call it in reports ("llama.cpp Q4_K_M").
  public let name: String
  /// The candidate of each tensor it compresses.
  public let choices: [String: Candidate]

  /// A seed named `name` choosing `choices`.
  public init(name: String, choices: [String: Candidate]) { (self.name, self.choices) = (name, choices) }
}

/// A seed as a search measured it.
public struct MeasuredSeed: Sendable, Equatable {
  /// The seed's name.
  public let name: String
  /// Its plan, measured.
  public let plan: MeasuredPlan
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
  /// The seeds, measured, in the order given.
  public let seeds: [MeasuredSeed]
  /// The seed the evolutionary step started from; nil when it started from the knapsack's plan.
  public let startedFrom: String?

  /// An outcome from its parts (no seeds unless given).
  public init(budget: Int, allocated: MeasuredPlan, found: MeasuredPlan, evaluations: Int, improvements: Int,
              seeds: [MeasuredSeed] = [], startedFrom: String? = nil) {
    (self.budget, self.allocated, self.found, self.evaluations, self.improvements) = (budget, allocated, found, evaluations, improvements)
    (self.seeds, self.startedFrom) = (seeds, startedFrom)
  }
}

/// No plan fits the budget; one line saying by how much.
public struct SearchError: Error, Equatable, CustomStringConvertible {
  /// The reason.
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}
