import PareCompression
import PareFormats

/// Measures, for each compressible tensor and each candidate, the metric of the model with only
/// that tensor compressed (DESIGN.md issue #6): the raw material of the heat map and the search.
///
/// Candidates are measured one at a time, each over every tensor from the last layer backwards,
/// so with a `LayerOrderedEvaluator` each measurement re-runs only the layers from its tensor on
/// (the plan before it differed only there and later). A candidate's cells go to the disk cache
/// as soon as it is complete, so an interrupted sweep keeps what it finished and a second sweep
/// reuses it.
///
/// The sweep runs on the caller's thread and may be run on a background queue; it uses
/// `evaluator` exclusively while it runs (evaluators are not re-entrant), reports after every
/// cell, and checks `isCancelled` between cells (and the evaluator between batches).
public struct SensitivityAnalysis: Sendable {
  /// The model's weights.
  public let weights: WeightStore
  /// Measures plans; not used by anything else while the sweep runs.
  public let evaluator: any PlanEvaluator
  /// Compressed tensors, for their sizes: pass the evaluator's own, so nothing is compressed twice.
  public let compression: CompressionCache
  /// Where finished candidates are kept and found; nil for no disk cache.
  public let cache: SensitivityCache?

  /// A sweep over `weights` measured by `evaluator`.
  public init(weights: WeightStore, evaluator: any PlanEvaluator, compression: CompressionCache,
              cache: SensitivityCache?) {
    (self.weights, self.evaluator, self.compression, self.cache) = (weights, evaluator, compression, cache)
  }

  /// The tensors a sweep compresses: floating point, of a dtype Pare can write back, with two or
  /// more axes, holding finite values only (`nonFiniteTensors` lists the others). Biases, norms
  /// and other vectors are left out: they are a sliver of the size and the most sensitive, so
  /// compressing them rarely pays.
  public static func compressibleTensors(in weights: WeightStore) -> [SensitivityTensor] {
    candidateEntries(in: weights).filter { NonFiniteCensus.shared.count(of: $0.name, in: weights).total == 0 }
      .map { SensitivityTensor(name: $0.name, shape: $0.shape, bytes: $0.byteRange.count) }
  }

  /// The tensors left out of every sweep and search because they hold NaN or infinite values,
  /// with the refusal to print for each.
  public static func nonFiniteTensors(in weights: WeightStore) -> [String] {
    candidateEntries(in: weights).compactMap { entry in
      let count = NonFiniteCensus.shared.count(of: entry.name, in: weights)
      return count.total == 0 ? nil : count.refusal(tensor: entry.name)
    }
  }

  private static func candidateEntries(in weights: WeightStore) -> [SafetensorsEntry] {
    weights.entries.filter { $0.dtype.isFloatingPoint && $0.dtype.isWritable && $0.shape.count >= 2 }
  }

  /// Measures every cell not already in the cache and returns the whole table. Throws
  /// `CancellationError` when `isCancelled` says so (the cache keeps only finished candidates).
  /// A candidate the cache cannot keep (a full disk) goes to `cacheFailed`, which may throw or
  /// warn and let the sweep go on: its measurements stand without the cache. After a failure
  /// nothing more is saved.
  public func run(
    candidates: [Candidate], progress: (SensitivityProgress) -> Void = { _ in },
    isCancelled: @escaping @Sendable () -> Bool = { false }, cacheFailed: (any Error) throws -> Void = { throw $0 }
  ) throws -> SensitivityTable {
    let tensors = Self.compressibleTensors(in: weights)
    let names = tensors.map(\.name)
    let reference = evaluator.baseline
    var cells: [SensitivityCell] = []
    var missing: [Candidate] = []
    // A candidate leaves out the tensors it cannot take (a ggml type whose block does not fit
    // the rows): those cells stay empty, and the search never offers it there.
    let fitting = { (candidate: Candidate) in tensors.filter { candidate.fits(shape: $0.shape) } }
    for candidate in candidates {
      if let cached = cache?.load(candidate, tensors: fitting(candidate).map(\.name)) { cells += cached } else { missing.append(candidate) }
    }
    let order = measurementOrder(tensors)
    let total = missing.reduce(0) { $0 + fitting($1).count }
    var done = 0
    var caching = cache
    for candidate in missing {
      var measured: [SensitivityCell] = []
      for tensor in order where candidate.fits(shape: tensor.shape) {
        if isCancelled() { throw CancellationError() }
        measured.append(try measure(tensor, candidate, isCancelled: isCancelled))
        done += 1
        progress(SensitivityProgress(completed: done, total: total, tensor: tensor.name, candidate: candidate))
      }
      do {
        try caching?.save(candidate, cells: measured)
      } catch {
        caching = nil
        try cacheFailed(error)
      }
      cells += measured
    }
    return SensitivityTable(metric: reference.kind, baseline: reference.baseline, tensors: tensors,
                            candidates: candidates, cells: cells)
  }

  /// The tensors from the last layer's backwards (reverse model order when the evaluator cannot
  /// say where tensors sit).
  func measurementOrder(_ tensors: [SensitivityTensor]) -> [SensitivityTensor] {
    guard let ordered = evaluator as? any LayerOrderedEvaluator else { return tensors.reversed() }
    let position = tensors.map { ordered.layerPosition(ofTensor: $0.name) ?? -1 }
    return tensors.indices.sorted { (position[$0], $0) > (position[$1], $1) }.map { tensors[$0] }
  }

  private func measure(_ tensor: SensitivityTensor, _ candidate: Candidate,
                       isCancelled: @escaping @Sendable () -> Bool) throws -> SensitivityCell {
    let spec = candidate.spec(forShape: tensor.shape)
    let plan = Plan(tensors: [tensor.name: spec])
    try plan.validate(against: weights, file: "candidate \(candidate)")
    let bytes = try AppliedPlan(plan: plan, weights: weights, cache: compression).compressed[tensor.name]?.storage.bytes
    let metric = try evaluator.evaluate(plan, isCancelled: isCancelled)
    return SensitivityCell(tensor: tensor.name, candidate: candidate, spec: spec, bytes: bytes ?? tensor.bytes,
                           value: metric.value, agreement: metric.agreement, meanKL: metric.meanKLDivergence)
  }
}

/// How far a sweep has got: reported after every measured cell.
public struct SensitivityProgress: Sendable, Equatable {
  /// Cells measured so far in this run.
  public let completed: Int
  /// Cells this run measures (those not found in the cache).
  public let total: Int
  /// The tensor just measured.
  public let tensor: String
  /// The candidate just measured.
  public let candidate: Candidate
}
