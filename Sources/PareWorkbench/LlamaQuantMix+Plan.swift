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

  /// The mix as the seeds of a search within its size: as llama-quantize writes it, and as it
  /// writes it given an imatrix from `llama-imatrix`, which records the blocks' matrices only (not
  /// the embedding, nor the head without `--process-output`): those are weighted by importance,
  /// at every type but q8_0, which ignores it. Named "llama.cpp Q4_K_M" and "llama.cpp Q4_K_M +
  /// imatrix".
  public func seeds(config: DecoderConfig, weights: WeightStore) throws(LlamaQuantMixError) -> [SearchSeed] {
    let choices = try plan(config: config, weights: weights).choices
    let unrecorded: Set = [config.names.embedding, config.names.head]
    let weighted = choices.reduce(into: [String: Candidate]()) { weighted, item in
      guard !unrecorded.contains(item.key), let q = item.value.quantize, q.scheme == .ggml, let type = q.type, type != .q8_0
      else { return weighted[item.key] = item.value }
      weighted[item.key] = Candidate(quantize: .ggml(type, imatrix: true))
    }
    let name = "llama.cpp \(fileType.displayName)"
    return [SearchSeed(name: name, choices: choices), SearchSeed(name: name + " + imatrix", choices: weighted)]
  }

  /// Why a comparison with llama.cpp's mixes is lopsided on `weights`, or nil: tensors stored
  /// quantized (a Q4_K_M GGUF) cost their stored bytes left as they are and lose nothing against
  /// their own dequantized values, the baseline, which no requantization by a mix can match.
  public static func quantizedSourceWarning(weights: WeightStore) -> String? {
    let stored = weights.entries.filter { entry in
      weights.ggmlType(of: entry.name).map { ![GGMLType.f32, .f16, .bf16].contains($0) } ?? false
    }
    guard !stored.isEmpty else { return nil }
    return "\(stored.count) of the model's tensors are stored quantized: left as stored they cost their stored bytes "
      + "and lose nothing against this baseline, which llama.cpp's mix cannot; compare on an F32 or F16 GGUF"
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
