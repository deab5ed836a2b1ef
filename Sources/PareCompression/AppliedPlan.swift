import PareCore
import PareFormats

/// A plan applied to a model's weights: every planned tensor compressed, and the sizes.
public struct AppliedPlan: Sendable {
  /// The plan.
  public let plan: Plan
  /// The compressed tensors, by name.
  public let compressed: [String: CompressedTensor]
  /// Size of all the model's tensors as stored (bytes).
  public let originalBytes: Int
  /// Size with the plan: compressed tensors by their storage cost, others as stored.
  public let compressedBytes: Int
  /// Like `compressedBytes`, with the stored symbols entropy coded (an estimate).
  public let entropyCodedBytes: Int

  /// original / compressed (1 for an empty plan).
  public var ratio: Double { compressedBytes > 0 ? Double(originalBytes) / Double(compressedBytes) : 1 }

  /// Compresses every tensor `plan` names (already validated against `weights`), reusing
  /// `cache` when given. Specs with `"imatrix": true` get each tensor's importance from
  /// `importance`, else from the cache's (`CompressionCache.importance`).
  public init(plan: Plan, weights: WeightStore, cache: CompressionCache? = nil, importance: ImportanceSource? = nil) throws {
    var compressed: [String: CompressedTensor] = [:]
    let importance = importance ?? cache?.importance
    for (name, spec) in plan.tensors where !spec.isEmpty {
      guard let entry = weights.entry(named: name) else {
        throw PlanError(file: "plan", "tensor '\(name)' is not in the model")
      }
      let source = spec.usesImportance ? importance : nil
      let make = {
        // A weight the matrix may lack and does (ImportanceSource.importance(of:)) is unweighted.
        let weighting = try source?.importance(of: name)
        var used = spec
        if source != nil && weighting == nil { used.quantize?.imatrix = false }
        return try Compressor.compress(weights.tensor(named: name), dtype: entry.dtype, spec: used, name: name,
                                       importance: weighting)
      }
      do {
        compressed[name] = try cache.map { try $0.tensor(name, spec: spec, importance: source, make: make) } ?? make()
      } catch let error as TensorError {  // the arithmetic knows no file or tensor: name them
        throw ModelError(file: weights.path(of: name) ?? "weights", "tensor '\(name)': \(error)")
      } catch let error as NonFiniteWeightsError {
        throw ModelError(file: weights.path(of: name) ?? "weights", "\(error)")
      }
    }
    var original = 0, total = 0, entropy = 0.0
    for entry in weights.entries {
      original += entry.byteRange.count
      if let c = compressed[entry.name] {
        total += c.storage.bytes
        entropy += c.storage.entropyCodedBits / 8
      } else {
        total += entry.byteRange.count
        entropy += Double(entry.byteRange.count)
      }
    }
    self.plan = plan
    self.compressed = compressed
    originalBytes = original
    compressedBytes = total
    entropyCodedBytes = Int(entropy.rounded(.up))
  }

  /// The summary recorded in an exported plan.
  public func summary(metric: MetricSummary?) -> PlanSummary {
    PlanSummary(originalBytes: originalBytes, compressedBytes: compressedBytes, ratio: ratio,
                entropyCodedBytes: entropyCodedBytes, metric: metric)
  }
}
