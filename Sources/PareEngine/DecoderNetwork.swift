import PareCore
import PareFormats

/// A runnable decoder language model (Llama family, Gemma 3) built from its weights by the
/// names its config gives (`DecoderTensorNames`).
///
/// Layer indices for restarting a pass: 0 is the embedding (`enter`), k is block k − 1, and
/// `blocks.count + 1` is the final norm; the head runs in `write`. A tied embedding belongs to
/// layer 0, so changing it recomputes everything (the head is rebuilt from it too).
public struct DecoderNetwork: Sendable {
  public let config: DecoderConfig
  /// The token embedding table [vocab, hidden], Float32.
  public let embedding: Tensor
  public let blocks: [DecoderBlock]
  public let finalNorm: RMSNorm
  /// [hidden] -> [vocab]: the embedding table when tied, else the separate head.
  public let head: any Layer
  /// The uncompressed network's head, which gives the reference's distributions from its states
  /// (`DecoderInput.reference`), whatever a plan does to `head`.
  public let referenceHead: any Layer
  /// Whether `head` is still `referenceHead` (no plan changed it): the reference's directions
  /// then give the KL with one head product.
  public let headIsReference: Bool

  /// Builds every part, reading its tensors through `tensor` (the model's weights, or a
  /// compressed overlay of them); a missing tensor or a wrong shape throws naming it.
  public init(config: DecoderConfig, tensor: (String) throws -> Tensor?) throws {
    let built = try withoutActuallyEscaping(tensor) { tensor in
      let source = DecoderTensors(config: config, replacements: [:], original: tensor)
      let embedding = try source(config.names.embedding)
      return (embedding, try (0..<config.layerCount).map { try source.block($0) },
              try source.finalNorm(), try source.head(embedding: embedding))
    }
    self.init(config: config, embedding: built.0, blocks: built.1, finalNorm: built.2, head: built.3, referenceHead: built.3,
              headIsReference: true)
  }

  /// The network of a model's weights (its config validated against them when it was loaded),
  /// every tensor decoded to Float32.
  public init(config: DecoderConfig, weights: WeightStore) throws {
    try self.init(config: config) { name in weights.entry(named: name) == nil ? nil : try weights.tensor(named: name) }
  }

  init(config: DecoderConfig, embedding: Tensor, blocks: [DecoderBlock], finalNorm: RMSNorm, head: any Layer,
               referenceHead: any Layer, headIsReference: Bool) {
    (self.config, self.embedding, self.blocks, self.finalNorm, self.head) = (config, embedding, blocks, finalNorm, head)
    (self.referenceHead, self.headIsReference) = (referenceHead, headIsReference)
  }

  /// The index of the last layer: the final norm.
  public var finalLayer: Int { blocks.count + 1 }

  /// The same network with the named tensors replaced; only the parts owning them are rebuilt,
  /// `original` supplying their other tensors. A `.factored` projection (or separate head) runs
  /// as `FactoredLinear`; the embedding table uses the dense product.
  public func replacingTensors(_ replacements: [String: TensorReplacement], original: (String) throws -> Tensor?) throws -> DecoderNetwork {
    let changed = Set(replacements.keys.compactMap(layerIndex(ofTensor:)))
    return try withoutActuallyEscaping(original) { original in
      let source = DecoderTensors(config: config, replacements: replacements, original: original)
      let embedding = changed.contains(0) ? try source(config.names.embedding) : embedding
      let headChanged = changed.contains(finalLayer) || (config.tiedHead && changed.contains(0))
      return DecoderNetwork(
        config: config, embedding: embedding,
        blocks: try blocks.indices.map { changed.contains($0 + 1) ? try source.block($0) : blocks[$0] },
        finalNorm: changed.contains(finalLayer) ? try source.finalNorm() : finalNorm,
        head: headChanged ? try source.head(embedding: embedding) : head, referenceHead: referenceHead,
        headIsReference: headIsReference && !headChanged)
    }
  }

  /// The layer index of the part that reads tensor `name` (0 the embedding, k block k − 1,
  /// `finalLayer` the final norm and the head), or nil when the network does not read it.
  public func layerIndex(ofTensor name: String) -> Int? {
    let names = config.names
    if name == names.embedding { return 0 }
    if name == names.finalNorm || (!config.tiedHead && name == names.head) { return finalLayer }
    guard name.hasPrefix(names.layerPrefix) else { return nil }
    let rest = name.dropFirst(names.layerPrefix.count)
    guard let dot = rest.firstIndex(of: "."), let layer = Int(rest[..<dot]), blocks.indices.contains(layer),
          config.layerShapes(layer).contains(where: { $0.name == name }) else { return nil }
    return layer + 1
  }
}

/// Where a decoder's parts read their tensors: the replacements first, then the original
/// weights, each checked against the shape the config expects.
private struct DecoderTensors {
  let config: DecoderConfig
  let replacements: [String: TensorReplacement]
  let original: (String) throws -> Tensor?

  func callAsFunction(_ name: String) throws -> Tensor {
    guard let tensor = try replacements[name]?.dense ?? original(name) else {
      throw ModelError(file: "weights", "tensor '\(name)' is missing; open the model through its config, which checks every tensor")
    }
    try expect(name, tensor.shape, expectedShape(name) ?? tensor.shape)
    return tensor
  }

  private func expectedShape(_ name: String) -> [Int]? {
    let names = config.names
    if name == names.embedding || name == names.head { return [config.vocabSize, config.hiddenSize] }
    if name == names.finalNorm { return [config.hiddenSize] }
    return nil
  }

  private func expect(_ name: String, _ shape: [Int], _ expected: [Int]) throws {
    guard shape == expected else {
      throw ModelError(file: "weights", "tensor '\(name)' has shape \(shape), expected \(expected) from the config")
    }
  }

  /// A weight of block `layer` checked against its role's shape.
  private func weight(_ role: DecoderTensorNames.Role, _ layer: Int) throws -> Tensor {
    let name = config.names.weight(role, layer: layer), tensor = try self(name)
    try expect(name, tensor.shape, config.weightShape(role))
    return tensor
  }

  /// A projection of block `layer` with its bias if the config has one; two GEMMs when the
  /// weight is factored.
  func linear(_ role: DecoderTensorNames.Role, _ layer: Int) throws -> any Layer {
    let name = config.names.weight(role, layer: layer)
    let bias = try config.biasShape(role).map { shape in
      let biasName = config.names.bias(role, layer: layer), tensor = try self(biasName)
      try expect(biasName, tensor.shape, shape)
      return tensor
    }
    guard case let .factored(a, b, _)? = replacements[name] else { return Linear(weight: try weight(role, layer), bias: bias) }
    try checkFactors(name, a, b, config.weightShape(role))
    return FactoredLinear(a: a, b: b, bias: bias)
  }

  private func checkFactors(_ name: String, _ a: Tensor, _ b: Tensor, _ shape: [Int]) throws {
    guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[0] else {
      throw ModelError(file: "weights", "factors of '\(name)' have shapes \(a.shape) and \(b.shape), which do not multiply")
    }
    try expect(name, [a.shape[0], b.shape[1]], shape)
  }

  func norm(_ role: DecoderTensorNames.Role, _ layer: Int) throws -> RMSNorm {
    RMSNorm(weight: try weight(role, layer), eps: config.rmsNormEps, offset: config.normWeightOffset)
  }

  func block(_ layer: Int) throws -> DecoderBlock {
    let c = config
    let attention = CausalAttention(
      query: try linear(.query, layer), key: try linear(.key, layer), value: try linear(.value, layer),
      output: try linear(.output, layer),
      queryNorm: c.qkNorm ? try norm(.queryNorm, layer) : nil, keyNorm: c.qkNorm ? try norm(.keyNorm, layer) : nil,
      rotary: RotaryEmbedding(rope: c.rope(ofLayer: layer), headDim: c.headDim, pairing: c.ropePairing),
      heads: c.headCount, kvHeads: c.kvHeadCount, headDim: c.headDim, scale: c.queryScale, window: c.window(ofLayer: layer))
    let gemma = c.architecture == .gemma3
    return DecoderBlock(
      attentionNorm: try norm(.attentionNorm, layer), attention: attention,
      postAttentionNorm: gemma ? try norm(.postAttentionNorm, layer) : nil,
      feedForwardNorm: try norm(.feedForwardNorm, layer),
      mlp: GatedMLP(gate: try linear(.gate, layer), up: try linear(.up, layer), down: try linear(.down, layer), activation: c.activation),
      postFeedForwardNorm: gemma ? try norm(.postFeedForwardNorm, layer) : nil)
  }

  func finalNorm() throws -> RMSNorm {
    RMSNorm(weight: try self(config.names.finalNorm), eps: config.rmsNormEps, offset: config.normWeightOffset)
  }

  /// The head: the (possibly replaced) embedding when tied, else the separate weight, factored
  /// when its replacement is.
  func head(embedding: Tensor) throws -> any Layer {
    if config.tiedHead { return Linear(weight: embedding, bias: nil) }
    let name = config.names.head
    guard case let .factored(a, b, _)? = replacements[name] else { return Linear(weight: try self(name), bias: nil) }
    try checkFactors(name, a, b, [config.vocabSize, config.hiddenSize])
    return FactoredLinear(a: a, b: b, bias: nil)
  }
}
