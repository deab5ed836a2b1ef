import Foundation

extension DecoderConfig {
  /// The GGUF architectures (`general.architecture`) Pare runs.
  public static let ggufArchitectures = ["llama", "qwen2", "qwen3", "gemma3"]

  /// llama.cpp's tensor of per-frequency RoPE factors (`LLM_TENSOR_ROPE_FREQS`).
  public static let ggufRopeFrequencies = "rope_freqs.weight"

  /// The config of a GGUF model from its `<architecture>.*` metadata, as llama.cpp reads it,
  /// validated against the weights; errors name the file and the key or tensor.
  ///
  /// What llama.cpp fixes in code rather than metadata, and Pare follows: a `llama` GGUF's q/k rows
  /// are permuted for adjacent-pair RoPE, and its `rope_freqs.weight` (Llama 3.1's llama3 scaling)
  /// divides each frequency; `qwen2` and `qwen3` keep Hugging Face's rows and rotate halves
  /// ("neox"), take q/k/v biases when the file has them (Qwen2's) and, for qwen3, per-head q/k
  /// norms, and slide no window; Gemma 3's norm weights are stored +1, its local layers use
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
    guard ggufArchitectures.contains(architecture) else {
      throw fail("general.architecture", "\"\(architecture)\" cannot be run (Pare runs \(ggufArchitectures.joined(separator: ", ")))")
    }
    let family: Architecture = architecture == "gemma3" ? .gemma3 : .llama
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
    // llama.cpp rotates rope.dimension_count features of each head; Pare rotates all of them.
    if let rotated = m.integer("\(architecture).rope.dimension_count"), rotated != headDim {
      throw fail("\(architecture).rope.dimension_count", "is \(rotated), not the head's \(headDim) features; Pare runs RoPE over the whole head")
    }
    if weights.entry(named: "output.bias") != nil {
      throw ModelError(file: gguf.path, "output.bias (a bias on the head) is not supported")
    }
    let factors = try ropeFrequencyFactors(gguf: gguf, weights: weights, architecture: architecture, headDim: headDim)
    let globalRope = Rope(base: try number("rope.freq_base", default: 10_000), scaling: scaling, frequencyFactors: factors)
    let tied = weights.entry(named: DecoderTensorNames.gguf.head) == nil
    let config: DecoderConfig
    switch family {
    case .llama:
      config = DecoderConfig(
        modelType: architecture, architecture: .llama, vocabSize: embedding.shape[0], hiddenSize: width, layerCount: layers,
        headCount: heads, kvHeadCount: kvHeads, headDim: headDim, intermediateSize: ffn, rmsNormEps: eps,
        globalRope: globalRope, qkvBias: weights.entry(named: DecoderTensorNames.gguf.bias(.query, layer: 0)) != nil,
        outputBias: weights.entry(named: DecoderTensorNames.gguf.bias(.output, layer: 0)) != nil,
        qkNorm: architecture == "qwen3", tiedHead: tied, ropePairing: architecture == "llama" ? .adjacent : .halves,
        maxPositions: m.integer("\(architecture).context_length") ?? 0, names: .gguf)
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

  /// The factors of `rope_freqs.weight`, checked: one finite positive value per pair of a head's
  /// features. llama.cpp reads the tensor for `llama` (one for every layer) and not for the
  /// other architectures Pare runs, which it refuses with it (an unused tensor): so does Pare.
  static func ropeFrequencyFactors(gguf: GGUFFile, weights: WeightStore, architecture: String, headDim: Int) throws -> [Double] {
    let name = ggufRopeFrequencies
    guard let entry = weights.entry(named: name) else { return [] }
    guard architecture == "llama" else {
      throw ModelError(file: gguf.path, "\(name) (per-frequency RoPE factors) is not supported in a \(architecture) GGUF; llama.cpp reads it only for llama")
    }
    guard entry.dtype.isFloatingPoint, entry.shape == [headDim / 2] else {
      throw ModelError(file: gguf.path, "tensor '\(name)' is \(entry.dtype.rawValue) \(entry.shape), expected a floating [\(headDim / 2)] (one factor per pair of the head's \(headDim) features)")
    }
    let factors = try weights.tensor(named: name).scalars
    if let i = factors.firstIndex(where: { !$0.isFinite || $0 <= 0 }) {
      throw ModelError(file: gguf.path, "tensor '\(name)' holds \(factors[i]) at [\(i)]; every RoPE frequency factor must be a finite positive number")
    }
    return factors.map(Double.init)
  }
}
