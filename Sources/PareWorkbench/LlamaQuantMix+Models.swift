import PareFormats

extension LlamaQuantMix {
  /// The mix for a decoder Pare opened, keyed by the model's own tensor names: GGUF names as
  /// they are, Hugging Face names through `DecoderTensorNames` (the tensors llama.cpp's converter
  /// would write under GGUF names: the same shapes, a tied head left out). A tensor with no GGUF
  /// name is left out of the mix (stays as stored).
  public func assign(config: DecoderConfig, weights: WeightStore) throws(LlamaQuantMixError) -> Assignment {
    let names = Self.ggufNames(config: config)
    let tensors = weights.entries.compactMap { entry in names[entry.name].map { (name: $0, shape: entry.shape) } }
    let assigned = try assign(tensors, model: Self.model(of: config))
    let back = Dictionary(names.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    return Assignment(types: Dictionary(uniqueKeysWithValues: assigned.types.compactMap { name, type in back[name].map { ($0, type) } }),
                      fallbacks: assigned.fallbacks.compactMap { back[$0] })
  }

  /// What the rules need of a decoder: its GGUF architecture (a Hugging Face llama or mistral
  /// converts to llama, gemma3_text to gemma3), block count and first block's head counts.
  public static func model(of config: DecoderConfig) -> Model {
    let architecture = switch config.modelType {
    case "mistral": "llama"
    case "gemma3_text": "gemma3"
    default: config.modelType
    }
    return Model(architecture: architecture, layers: config.layerCount, heads: config.headCount, kvHeads: config.kvHeadCount)
  }

  /// The model's tensor names (as `config.names` spells them) to llama.cpp's.
  static func ggufNames(config: DecoderConfig) -> [String: String] {
    let from = config.names, to = DecoderTensorNames.gguf
    var names = [from.embedding: to.embedding, from.finalNorm: to.finalNorm]
    if !config.tiedHead { names[from.head] = to.head }
    for layer in 0..<config.layerCount {
      for role in DecoderTensorNames.Role.allCases {
        names[from.weight(role, layer: layer)] = to.weight(role, layer: layer)
        names[from.bias(role, layer: layer)] = to.bias(role, layer: layer)
      }
    }
    return names
  }
}
