import PareCompression

/// One measurement of a sensitivity sweep: the model with only `tensor` compressed by
/// `candidate`, everything else as stored.
public struct SensitivityCell: Sendable, Hashable, Codable {
  /// The compressed tensor.
  public let tensor: String
  /// The candidate tried.
  public let candidate: Candidate
  /// The spec it became for this tensor (what a plan stores).
  public let spec: CompressionSpec
  /// The tensor's storage under `spec`, in bytes (DESIGN.md §4).
  public let bytes: Int
  /// The metric with only this tensor compressed.
  public let value: Double
  /// Top-1 agreement with the uncompressed model (classifiers).
  public let agreement: Double?
  /// Mean KL divergence from the uncompressed model's outputs, in nats (classifiers).
  public let meanKL: Double?

  /// A cell from its parts.
  public init(tensor: String, candidate: Candidate, spec: CompressionSpec, bytes: Int, value: Double,
              agreement: Double?, meanKL: Double?) {
    (self.tensor, self.candidate, self.spec, self.bytes) = (tensor, candidate, spec, bytes)
    (self.value, self.agreement, self.meanKL) = (value, agreement, meanKL)
  }

  enum CodingKeys: String, CodingKey {
    case tensor, candidate, spec, bytes, value, agreement
    case meanKL = "mean_kl"
  }
}

/// A tensor the sweep compresses: floating point, of a dtype Pare can write, with two or more
/// axes (matrices and convolution kernels; biases and norms are left out).
public struct SensitivityTensor: Sendable, Hashable, Codable {
  /// The tensor's name.
  public let name: String
  /// Its shape.
  public let shape: [Int]
  /// Its size as stored, in bytes.
  public let bytes: Int

  /// A tensor from its parts.
  public init(name: String, shape: [Int], bytes: Int) { (self.name, self.shape, self.bytes) = (name, shape, bytes) }
}

/// Every (tensor, candidate) cell of a sweep, with the uncompressed model's metric.
public struct SensitivityTable: Sendable, Equatable {
  /// The metric.
  public let metric: MetricKind
  /// The uncompressed model's metric.
  public let baseline: Double
  /// The compressible tensors, in model order.
  public let tensors: [SensitivityTensor]
  /// The candidates, in the order asked for.
  public let candidates: [Candidate]
  /// One cell per tensor and candidate, tensor by tensor, candidates in order within a tensor.
  public let cells: [SensitivityCell]
  private let index: [Key: Int]

  private struct Key: Hashable {
    let tensor: String
    let candidate: Candidate
  }

  /// A table from its cells (any order; they are sorted tensor by tensor).
  public init(metric: MetricKind, baseline: Double, tensors: [SensitivityTensor], candidates: [Candidate],
              cells: [SensitivityCell]) {
    let tensorRank = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    let candidateRank = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
    let sorted = cells.sorted {
      (tensorRank[$0.tensor] ?? .max, candidateRank[$0.candidate] ?? .max)
        < (tensorRank[$1.tensor] ?? .max, candidateRank[$1.candidate] ?? .max)
    }
    (self.metric, self.baseline, self.tensors, self.candidates, self.cells) = (metric, baseline, tensors, candidates, sorted)
    index = Dictionary(sorted.enumerated().map { (Key(tensor: $1.tensor, candidate: $1.candidate), $0) }) { first, _ in first }
  }

  /// The cell of `tensor` under `candidate`, if measured.
  public func cell(_ tensor: String, _ candidate: Candidate) -> SensitivityCell? {
    index[Key(tensor: tensor, candidate: candidate)].map { cells[$0] }
  }

  /// The cells of one tensor, in candidate order.
  public func cells(of tensor: String) -> [SensitivityCell] {
    candidates.compactMap { cell(tensor, $0) }
  }
}
