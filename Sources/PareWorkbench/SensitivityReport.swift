import PareCompression

/// A sensitivity table as `pare sensitivity --json` prints it: the model and data it was measured
/// for, and every cell with its metric change, KL divergence and agreement.
public struct SensitivityReport: Encodable, Sendable {
  /// One cell.
  public struct Cell: Encodable, Sendable {
    let tensor: String
    let candidate: Candidate
    let spec: CompressionSpec
    let bytes: Int
    let value: Double
    let change: Double
    let agreement: Double?
    let meanKL: Double?

    enum CodingKeys: String, CodingKey {
      case tensor, candidate, spec, bytes, value, change, agreement
      case meanKL = "mean_kl"
    }
  }

  let model: ModelReference
  let data: DataReference
  let metric: String
  /// "higher" or "lower": which way the metric is better.
  let direction: String
  let baseline: Double
  let candidates: [Candidate]
  let tensors: [SensitivityTensor]
  let cells: [Cell]

  /// The report of `table`, measured on `model` with `data`.
  public init(table: SensitivityTable, model: ModelReference, data: DataReference) {
    (self.model, self.data, metric, baseline) = (model, data, table.metric.name, table.baseline)
    direction = table.metric.direction.rawValue
    (candidates, tensors) = (table.candidates, table.tensors)
    cells = table.cells.map {
      Cell(tensor: $0.tensor, candidate: $0.candidate, spec: $0.spec, bytes: $0.bytes, value: $0.value,
           change: $0.value - table.baseline, agreement: $0.agreement, meanKL: $0.meanKL)
    }
  }
}
