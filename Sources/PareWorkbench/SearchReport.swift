import PareCompression

/// A measured plan as `pare search --json` prints it: size, measured and predicted metric, and
/// the candidate of each compressed tensor.
public struct PlanReport: Encodable, Sendable {
  let compressedBytes: Int
  let ratio: Double
  let value: Double
  let agreement: Double?
  let meanKL: Double?
  let predictedValue: Double?
  let predictedMeanKL: Double?
  let perplexity: Double?
  let tensors: [String: Candidate]

  enum CodingKeys: String, CodingKey {
    case ratio, value, agreement, tensors, perplexity
    case compressedBytes = "compressed_bytes", meanKL = "mean_kl"
    case predictedValue = "predicted_value", predictedMeanKL = "predicted_mean_kl"
  }

  /// The report of `plan`.
  public init(_ plan: MeasuredPlan) {
    (compressedBytes, ratio, tensors) = (plan.compressedBytes, plan.ratio, plan.choices)
    (value, agreement, meanKL) = (plan.measured.value, plan.measured.agreement, plan.measured.meanKLDivergence)
    (predictedValue, predictedMeanKL) = (plan.predicted?.value, plan.predicted?.meanKL)
    perplexity = plan.measured.secondary("perplexity")
  }
}

/// One search as `pare search --target-… --json` prints it: the knapsack's plan, the plan found
/// after the evolutionary step, and the uniform plan within the same budget.
public struct SearchReport: Encodable, Sendable {
  let model: ModelReference
  let data: DataReference
  let metric: String
  /// "higher" or "lower": which way the metric is better.
  let direction: String
  let baseline: Double
  let originalBytes: Int
  let budgetBytes: Int
  let allocated: PlanReport
  let found: PlanReport
  let uniform: PlanReport?
  let evaluations: Int
  let improvements: Int
  /// The seed the evolutionary step started from ("llama.cpp Q4_K_M + imatrix"); nil: the knapsack's plan.
  let startedFrom: String?
  /// The found plan's bits per weight over the compressible tensors (`PlanSearch.bitsPerWeight`).
  let bitsPerWeight: Double?
  /// `--like`: llama.cpp's mix measured as a plan.
  let like: LikeReport?

  enum CodingKeys: String, CodingKey {
    case model, data, metric, direction, baseline, allocated, found, uniform, evaluations, improvements, like
    case originalBytes = "original_bytes", budgetBytes = "budget_bytes", bitsPerWeight = "bits_per_weight"
    case startedFrom = "started_from"
  }

  /// The report of `outcome` (a search over `table`) on `model` with `data`, with llama.cpp's
  /// mix (`like`) when the budget was its size.
  public init(_ outcome: SearchOutcome, uniform: MeasuredPlan?, table: SensitivityTable, model: ModelReference,
              data: DataReference, like: LikeReport? = nil, bitsPerWeight: Double? = nil) {
    (self.like, self.bitsPerWeight) = (like, bitsPerWeight)
    (self.model, self.data, metric, baseline) = (model, data, table.metric.name, table.baseline)
    direction = table.metric.direction.rawValue
    (originalBytes, budgetBytes) = (outcome.found.originalBytes, outcome.budget)
    (allocated, found, self.uniform) = (PlanReport(outcome.allocated), PlanReport(outcome.found), uniform.map(PlanReport.init))
    (evaluations, improvements, startedFrom) = (outcome.evaluations, outcome.improvements, outcome.startedFrom)
  }
}

/// llama.cpp's mix of a file type, measured as a plan (`pare search --like`) as llama-quantize
/// writes it without an imatrix (`plan`) and with one (`imatrix_plan`).
public struct LikeReport: Encodable, Sendable {
  let fileType: String
  let plan: PlanReport
  let imatrixPlan: PlanReport
  let bitsPerWeight: Double

  enum CodingKeys: String, CodingKey {
    case plan
    case fileType = "file_type", imatrixPlan = "imatrix_plan", bitsPerWeight = "bits_per_weight"
  }

  /// The mix of `fileType` ("q4_k_m") measured as `plan` and, weighted by the imatrix, as
  /// `weighted`, in `search`'s bits per weight (the same for both).
  public init(fileType: String, plan: MeasuredPlan, weighted: MeasuredPlan, search: PlanSearch) {
    (self.fileType, self.plan, imatrixPlan) = (fileType, PlanReport(plan), PlanReport(weighted))
    bitsPerWeight = search.bitsPerWeight(plan)
  }
}

/// A Pareto frontier as `pare search --frontier --json` prints it.
public struct FrontierReport: Encodable, Sendable {
  /// One ratio of the ladder.
  public struct Point: Encodable, Sendable {
    let targetRatio: Double
    let budgetBytes: Int
    let searched: PlanReport
    let uniform: PlanReport?

    enum CodingKeys: String, CodingKey {
      case searched, uniform
      case targetRatio = "target_ratio", budgetBytes = "budget_bytes"
    }
  }

  let model: ModelReference
  let data: DataReference
  let metric: String
  /// "higher" or "lower": which way the metric is better.
  let direction: String
  let baseline: Double
  let originalBytes: Int
  let points: [Point]
  let unreachable: [Double]

  enum CodingKeys: String, CodingKey {
    case model, data, metric, direction, baseline, points, unreachable
    case originalBytes = "original_bytes"
  }

  /// The report of `frontier` on `model` with `data`.
  public init(_ frontier: ParetoFrontier, model: ModelReference, data: DataReference) {
    (self.model, self.data, metric, baseline) = (model, data, frontier.metric.name, frontier.baseline)
    direction = frontier.metric.direction.rawValue
    (originalBytes, unreachable) = (frontier.originalBytes, frontier.unreachable)
    points = frontier.points.map {
      Point(targetRatio: $0.targetRatio, budgetBytes: $0.budget, searched: PlanReport($0.searched),
            uniform: $0.uniform.map(PlanReport.init))
    }
  }
}
