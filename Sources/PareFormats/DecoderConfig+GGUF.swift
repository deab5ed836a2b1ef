import Foundation

extension DecoderConfig {
  /// The GGUF architectures (`general.architecture`) Pare runs.
  public static let ggufArchitectures = ["llama", "gemma3"]

  /// The config of a GGUF model from its `<architecture>.*` metadata, as llama.cpp reads it,
  /// validated against the weights; errors name the file and the key or tensor.
  ///
  /// What llama.cpp fixes in code rather than metadata, and Pare follows: a `llama` GGUF's q/k rows
  /// are permuted for adjacent-pair RoPE; Gemma 3's norm weights are stored +1, its local layers use
  /// RoPE base 10,000, five of every six layers slide (layers 5, 11, 17 … are global), its queries
  /// are scaled by 1/√key_length (1/√(width/heads) for the 62-layer 27B) and its embeddings by
  /// √width.
  public static func load(gguf: GGUFFile, weights: WeightStore) throws -> DecoderConfig {
    let m = gguf.metadata
    let architecture = m.string("general.architecture") ?? ""
    func fail(_ key: String, _ problem: String) -> ModelError { ModelError(file: gguf.path, "\(key) \(problem)") }
    func integer(_ name: String, default value: Int? = nil, range: ClosedRange<Int> = 1...1 << 20) throws -> Int {
      let key = "\(architecture).\(name)"
      guard let found = m.integer(key) ?? value else { throw fail(key, "is missing") }
      guard range.contains(found) else { throw fail(key, "is \(found), outside \(range.lowerBound)...\(range.upperBound)") }
      return found
    }
    func number(_ name: String, default value: Double) throws -> Double {
      let key = "\(architecture).\(name)"
      let found = m.float(key) ?? value
      guard found.isFinite, found > 0 else { throw fail(key, "must be a positive number, not \(found)") }
      return found
    }
    guard let family = Architecture(rawValue: architecture == "gemma3" ? "gemma3" : architecture == "llama" ? "llama" : "") else {
      throw fail("general.architecture", "\"\(architecture)\" cannot be run (Pare runs \(ggufArchitectures.joined(separator: ", ")))")
    }
    guard let embedding = weights.entry(named: DecoderTensorNames.gguf.embedding), embedding.shape.count == 2 else {
      throw ModelError(file: gguf.path, "has no 2-D \(DecoderTensorNames.gguf.embedding)")
    }
    let width = try integer("embedding_length")
    let layers = try integer("block_count", range: 1...4096)
    let heads = try integer("attention.head_count", range: 1...4096)
    let kvHeads = try integer("attention.head_count_kv", default: heads, range: 1...heads)
    let headDim = try integer("attention.key_length", default: width / heads)
    let ffn = try integer("feed_forward_length")
    let eps = Float(try number("attention.layer_norm_rms_epsilon", default: family == .gemma3 ? 1e-6 : 1e-5))
    let scaling: RopeScaling
    switch m.string("\(architecture).rope.scaling.type") ?? "none" {
    case "none": scaling = .none
    case "linear": scaling = .linear(factor: try number("rope.scaling.factor", default: 1))
    case let other: throw fail("\(architecture).rope.scaling.type", "\"\(other)\" is not supported (Pare runs none and linear)")
    }
    if weights.entry(named: "rope_freqs.weight") != nil {
      throw ModelError(file: gguf.path, "rope_freqs.weight (per-frequency RoPE factors, as Llama 3.1 GGUFs store their rope scaling) is not supported yet")
    }
    let globalRope = Rope(base: try number("rope.freq_base", default: 10_000), scaling: scaling)
    let tied = weights.entry(named: DecoderTensorNames.gguf.head) == nil
    let config: DecoderConfig
    switch family {
    case .llama:
      config = DecoderConfig(
        modelType: architecture, architecture: .llama, vocabSize: embedding.shape[0], hiddenSize: width, layerCount: layers,
        headCount: heads, kvHeadCount: kvHeads, headDim: headDim, intermediateSize: ffn, rmsNormEps: eps,
        globalRope: globalRope, qkvBias: weights.entry(named: DecoderTensorNames.gguf.bias(.query, layer: 0)) != nil,
        outputBias: weights.entry(named: DecoderTensorNames.gguf.bias(.output, layer: 0)) != nil,
        tiedHead: tied, ropePairing: .adjacent, maxPositions: m.integer("\(architecture).context_length") ?? 0,
        names: .gguf)
    case .gemma3:
      let window = try integer("attention.sliding_window", default: 4096)
      config = DecoderConfig(
        modelType: architecture, architecture: .gemma3, vocabSize: embedding.shape[0], hiddenSize: width, layerCount: layers,
        headCount: heads, kvHeadCount: kvHeads, headDim: headDim, intermediateSize: ffn, rmsNormEps: eps,
        globalRope: globalRope, localRope: Rope(base: 10_000), slidingWindow: window,
        slidingLayers: (0..<layers).map { $0 % 6 < 5 },
        queryScale: 1 / Float(layers == 62 ? width / heads : headDim).squareRoot(), qkNorm: true, tiedHead: tied,
        normWeightOffset: 0, embeddingScale: Float(width).squareRoot(), activation: .geluTanh, ropePairing: .halves,
        maxPositions: m.integer("\(architecture).context_length") ?? 0, names: .gguf)
    }
    try config.validate(weights: weights, file: gguf.path)
    return config
  }
}
