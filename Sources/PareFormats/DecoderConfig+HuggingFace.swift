import Foundation

/// Decoding a Hugging Face config.json of a decoder, in both layouts transformers writes: v4
/// (`rope_theta`, `rope_scaling`, `rope_local_base_freq`, `sliding_window_pattern`) and v5
/// (`rope_parameters`, per layer type for Gemma 3; `layer_types`). Keys left out take
/// transformers' defaults for the model type.
extension DecoderConfig {
  /// The `model_type`s Pare runs as decoders.
  public static let huggingFaceModelTypes = ["llama", "mistral", "qwen2", "qwen3", "gemma3_text"]

  /// The config of the model whose config.json is `file` (holding `data`), validated against
  /// `weights`. Errors are one line naming the file, the key or tensor, and what is wrong.
  public static func load(configData data: Data, file: String, weights: WeightStore) throws(ModelError) -> DecoderConfig {
    let object: [String: JSONValue]
    do { object = try StrictJSON.decode([String: JSONValue].self, from: data) } catch {
      throw ModelError(file: file, "expected a JSON object: \(error.message)")
    }
    let keys = ConfigKeys(object: object, file: file)
    var config = try decode(keys)
    try config.validate(weights: weights, file: file)
    // Only now, with the layer count backed by the weights, is a per-layer list built.
    config.slidingLayers = try slidingLayers(keys, config: config)
    return config
  }

  private static func decode(_ keys: ConfigKeys) throws(ModelError) -> DecoderConfig {
    let modelType = try keys.string("model_type") ?? ""
    guard huggingFaceModelTypes.contains(modelType) else {
      let hint = modelType == "gemma3" ? "; this is the vision-language Gemma 3: use a text-only checkpoint (gemma3_text)" : ""
      throw keys.error("model_type '\(modelType)' is not a decoder Pare runs (\(huggingFaceModelTypes.joined(separator: ", ")))\(hint)")
    }
    let gemma = modelType == "gemma3_text"
    let architecture: Architecture = gemma ? .gemma3 : .llama
    let hidden = try keys.int("hidden_size"), heads = try keys.int("num_attention_heads")
    let headDim = try keys.optionalInt("head_dim") ?? (gemma ? 256 : (heads > 0 ? hidden / heads : 0))
    if try keys.bool("mlp_bias") == true { throw keys.error("mlp_bias true is not supported") }
    for key in ["final_logit_softcapping", "attn_logit_softcapping"] where try keys.double(key) != nil {
      throw keys.error("\(key) is set; Pare runs Gemma 3, which has none")
    }
    if try keys.bool("use_bidirectional_attention") == true { throw keys.error("use_bidirectional_attention is not supported; Pare runs causal decoders") }
    if let partial = try keys.double("partial_rotary_factor"), partial != 1 {
      throw keys.error("partial_rotary_factor \(partial) is not supported; RoPE must rotate the whole head")
    }
    let activationKey = gemma ? "hidden_activation" : "hidden_act"
    let named = try keys.string(activationKey), legacy = try keys.string("hidden_act")
    let activationName = named ?? legacy ?? (gemma ? "gelu_pytorch_tanh" : "silu")
    let activation: Activation
    switch activationName {
    case "silu" where !gemma: activation = .silu
    case "gelu_pytorch_tanh" where gemma: activation = .geluTanh
    default: throw keys.error("\(activationKey) '\(activationName)' is not supported for \(modelType); expected \(gemma ? "gelu_pytorch_tanh" : "silu")")
    }
    let (global, local) = try ropes(keys, gemma: gemma)
    let attentionBias = try keys.bool("attention_bias") ?? false
    let window: Int? = switch modelType {
    case "gemma3_text": try keys.optionalInt("sliding_window") ?? 4096
    case "mistral": try keys.has("sliding_window") ? keys.optionalInt("sliding_window") : 4096
    case "qwen2", "qwen3": try keys.bool("use_sliding_window") == true ? keys.optionalInt("sliding_window") ?? 4096 : nil
    default: try keys.has("layer_types") ? keys.optionalInt("sliding_window") : nil
    }
    let queryScale = try gemma ? Float(1 / (keys.double("query_pre_attn_scalar") ?? 256).squareRoot()) : nil
    if let queryScale, !queryScale.isFinite || queryScale <= 0 { throw keys.error("query_pre_attn_scalar must be positive") }
    return DecoderConfig(
      modelType: modelType, architecture: architecture, vocabSize: try keys.int("vocab_size"), hiddenSize: hidden,
      layerCount: try keys.int("num_hidden_layers"), headCount: heads,
      kvHeadCount: try keys.optionalInt("num_key_value_heads") ?? heads, headDim: headDim,
      intermediateSize: try keys.int("intermediate_size"), rmsNormEps: Float(try keys.double("rms_norm_eps") ?? 1e-6),
      globalRope: global, localRope: local, slidingWindow: window, slidingLayers: [],
      queryScale: queryScale, qkvBias: modelType == "qwen2" || attentionBias, outputBias: attentionBias,
      qkNorm: gemma || modelType == "qwen3", tiedHead: try keys.bool("tie_word_embeddings") ?? gemma,
      normWeightOffset: gemma ? 1 : 0, embeddingScale: gemma ? Float(hidden).squareRoot() : 1,
      activation: activation, ropePairing: .halves, maxPositions: try keys.optionalInt("max_position_embeddings") ?? 0,
      names: .huggingFace(architecture))
  }

  /// The global and local RoPE: v5 `rope_parameters` (flat, or by layer type), else v4
  /// `rope_theta` + `rope_scaling` (global only) and `rope_local_base_freq`.
  private static func ropes(_ keys: ConfigKeys, gemma: Bool) throws(ModelError) -> (Rope, Rope) {
    let defaultBase = gemma ? 1e6 : 1e4
    if let parameters = try keys.object("rope_parameters") {
      let nested = parameters.object
      if nested["full_attention"] != nil || nested["sliding_attention"] != nil {
        let full = try nested["full_attention"].map { value throws(ModelError) in try rope(ConfigKeys(value, keys, "rope_parameters.full_attention"), base: defaultBase) }
        let sliding = try nested["sliding_attention"].map { value throws(ModelError) in try rope(ConfigKeys(value, keys, "rope_parameters.sliding_attention"), base: 1e4) }
        return (full ?? Rope(base: defaultBase), sliding ?? Rope(base: 1e4))
      }
      let flat = try rope(parameters, base: defaultBase)
      return (flat, gemma ? Rope(base: try keys.double("rope_local_base_freq") ?? 1e4) : flat)
    }
    let base = try keys.double("rope_theta") ?? defaultBase
    let scaling = try keys.object("rope_scaling").map { value throws(ModelError) in try self.scaling(value) } ?? RopeScaling.none
    let global = Rope(base: base, scaling: scaling)
    return (global, gemma ? Rope(base: try keys.double("rope_local_base_freq") ?? 1e4) : global)
  }

  private static func rope(_ keys: ConfigKeys, base: Double) throws(ModelError) -> Rope {
    Rope(base: try keys.double("rope_theta") ?? base, scaling: try scaling(keys))
  }

  /// A `rope_scaling` (or `rope_parameters`) object: `rope_type` (or v4's `type`) default,
  /// linear or llama3.
  private static func scaling(_ keys: ConfigKeys) throws(ModelError) -> RopeScaling {
    let ropeType = try keys.string("rope_type"), v4Type = try keys.string("type")
    let kind = ropeType ?? v4Type ?? "default"
    if let partial = try keys.double("partial_rotary_factor"), partial != 1 {
      throw keys.error("partial_rotary_factor \(partial) is not supported; RoPE must rotate the whole head")
    }
    switch kind {
    case "default": return .none
    case "linear":
      let factor = try keys.requiredDouble("factor")
      guard factor > 0 else { throw keys.error("factor must be positive") }
      return .linear(factor: factor)
    case "llama3":
      let factor = try keys.requiredDouble("factor"), low = try keys.requiredDouble("low_freq_factor")
      let high = try keys.requiredDouble("high_freq_factor"), original = try keys.int("original_max_position_embeddings")
      guard factor > 0, low > 0, high > low, original > 0 else {
        throw keys.error("llama3 scaling needs factor > 0, 0 < low_freq_factor < high_freq_factor and original_max_position_embeddings > 0")
      }
      return .llama3(factor: factor, lowFrequencyFactor: low, highFrequencyFactor: high, originalMaxPositions: original)
    default:
      throw keys.error("rope type '\(kind)' is not supported; Pare runs default, linear and llama3 RoPE")
    }
  }

  /// Which layers slide: `layer_types`, else Gemma 3's `sliding_window_pattern` (every n-th layer
  /// global), else Qwen's layers from `max_window_layers` on; Mistral's slide all (empty list).
  private static func slidingLayers(_ keys: ConfigKeys, config: DecoderConfig) throws(ModelError) -> [Bool] {
    let n = config.layerCount
    if let types = try keys.strings("layer_types") {
      guard types.count == n else { throw keys.error("layer_types has \(types.count) entries for \(n) layers") }
      var sliding: [Bool] = []
      for type in types {
        switch type {
        case "sliding_attention": sliding.append(true)
        case "full_attention": sliding.append(false)
        default: throw keys.error("layer_types: '\(type)' is not sliding_attention or full_attention")
        }
      }
      if sliding.contains(true), config.slidingWindow == nil { throw keys.error("layer_types has sliding layers but sliding_window is null") }
      return sliding
    }
    switch config.modelType {
    case "gemma3_text":
      let stated = try keys.optionalInt("sliding_window_pattern"), hidden = try keys.optionalInt("_sliding_window_pattern")
      let pattern = stated ?? hidden ?? 6
      guard pattern > 0 else { throw keys.error("sliding_window_pattern must be positive") }
      return (0..<n).map { ($0 + 1) % pattern != 0 }
    case "qwen2", "qwen3":
      guard config.slidingWindow != nil else { return Array(repeating: false, count: n) }
      let first = try keys.optionalInt("max_window_layers") ?? 28
      return (0..<n).map { $0 >= first }
    default:
      return []
    }
  }
}

/// Typed reads of a config object's keys, a null read as absent; errors name the file and key.
struct ConfigKeys {
  let object: [String: JSONValue]
  let file: String
  /// The keys leading here ("rope_parameters.full_attention."), for messages.
  let path: String

  init(object: [String: JSONValue], file: String, path: String = "") { (self.object, self.file, self.path) = (object, file, path) }

  /// The nested object `value` at `path` of `parent`.
  init(_ value: JSONValue, _ parent: ConfigKeys, _ path: String) throws(ModelError) {
    guard case let .object(object) = value else { throw parent.error("\(path) must be an object, not \(value.kind)") }
    self.init(object: object, file: parent.file, path: path + ".")
  }

  func error(_ message: String) -> ModelError { ModelError(file: file, message) }

  func has(_ key: String) -> Bool { object[key] != nil }

  private func value(_ key: String) -> JSONValue? {
    guard let value = object[key], value != .null else { return nil }
    return value
  }

  private func wrong(_ key: String, _ expected: String, _ value: JSONValue) -> ModelError {
    error("\(path)\(key) must be \(expected), not \(value.kind)")
  }

  func string(_ key: String) throws(ModelError) -> String? {
    guard let value = value(key) else { return nil }
    guard case let .string(s) = value else { throw wrong(key, "a string", value) }
    return s
  }

  func bool(_ key: String) throws(ModelError) -> Bool? {
    guard let value = value(key) else { return nil }
    guard case let .bool(b) = value else { throw wrong(key, "true or false", value) }
    return b
  }

  func double(_ key: String) throws(ModelError) -> Double? {
    switch value(key) {
    case nil: return nil
    case let .int(i)?: return Double(i)
    case let .number(d)?: return d
    case let value?: throw wrong(key, "a number", value)
    }
  }

  func requiredDouble(_ key: String) throws(ModelError) -> Double {
    guard let d = try double(key) else { throw error("\(path)\(key) is missing") }
    return d
  }

  func optionalInt(_ key: String) throws(ModelError) -> Int? {
    switch value(key) {
    case nil: return nil
    case let .int(i)?: return i
    case let .number(d)?:
      guard d.rounded() == d, abs(d) <= 0x1p53 else { throw error("\(path)\(key) is \(d), not an integer") }
      return Int(d)
    case let value?: throw wrong(key, "an integer", value)
    }
  }

  func int(_ key: String) throws(ModelError) -> Int {
    guard let i = try optionalInt(key) else { throw error("\(path)\(key) is missing") }
    return i
  }

  func object(_ key: String) throws(ModelError) -> ConfigKeys? {
    guard let value = value(key) else { return nil }
    return try ConfigKeys(value, self, path + key)
  }

  func strings(_ key: String) throws(ModelError) -> [String]? {
    guard let value = value(key) else { return nil }
    guard case let .array(items) = value else { throw wrong(key, "an array of strings", value) }
    var strings: [String] = []
    for item in items {
      guard case let .string(s) = item else { throw wrong(key, "an array of strings", item) }
      strings.append(s)
    }
    return strings
  }
}
