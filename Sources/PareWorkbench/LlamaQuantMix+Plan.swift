import PareCompression
import PareFormats

extension LlamaQuantMix {
  /// The candidate a mix's type is: the ggml type itself, or fp16 for a tensor whose rows fit
  /// no 32-element block (llama.cpp's last fallback, F16).
  public static func candidate(_ type: GGMLType) -> Candidate {
    type == .f16 ? Candidate(quantize: QuantizeSpec(scheme: .fp16, granularity: .tensor)) : Candidate(quantize: .ggml(type))
  }

  /// The mix as a plan: every tensor it quantizes at its type, the others as stored. Since
  /// Pare's ggml quantizers write ggml's own blocks, this plan applied to a model's F32 or F16
  /// weights is the model llama.cpp's quantizer writes from them.
  public func plan(config: DecoderConfig, weights: WeightStore) throws(LlamaQuantMixError)
    -> (plan: Plan, choices: [String: Candidate]) {
    let types = try assign(config: config, weights: weights).types
    var specs: [String: CompressionSpec] = [:], choices: [String: Candidate] = [:]
    for (name, type) in types {
      guard let entry = weights.entry(named: name) else { continue }
      let candidate = Self.candidate(type)
      (specs[name], choices[name]) = (candidate.spec(forShape: entry.shape), candidate)
    }
    return (Plan(tensors: specs), choices)
  }

  /// The mix's plan for `search`'s model, measured with its evaluator (and predicted from its
  /// table when the table holds every tensor's cell).
  public func measured(by search: PlanSearch, config: DecoderConfig,
                       isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> MeasuredPlan {
    let (plan, choices) = try self.plan(config: config, weights: search.weights)
    let applied = try AppliedPlan(plan: plan, weights: search.weights, cache: search.compression)
    let cells = choices.compactMap { search.table.cell($0.key, $0.value) }
    return MeasuredPlan(applied, choices: choices,
                        predicted: cells.count == choices.count ? Prediction(cells: cells, baseline: search.table.baseline) : nil,
                        measured: try search.evaluator.evaluate(plan, isCancelled: isCancelled))
  }

  /// The mix's size for `weights` in bytes, without compressing anything: each tensor it
  /// quantizes at its type's exact size, the others as stored.
  public func bytes(config: DecoderConfig, weights: WeightStore) throws(LlamaQuantMixError) -> Int {
    let types = try assign(config: config, weights: weights).types
    return weights.entries.reduce(0) { total, entry in
      total + (types[entry.name].flatMap { Self.bytes(of: $0, shape: entry.shape) } ?? entry.byteRange.count)
    }
  }
}
