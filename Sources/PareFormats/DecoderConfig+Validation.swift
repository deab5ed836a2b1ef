/// The tensors a decoder reads, with their shapes, and their check against the weights.
extension DecoderConfig {
  /// Width of all query heads together.
  public var queryWidth: Int { headCount * headDim }
  /// Width of all key (or value) heads together.
  public var kvWidth: Int { kvHeadCount * headDim }

  /// The tensors read before the blocks: the embedding table.
  public var embeddingShapes: [(name: String, shape: [Int])] { [(names.embedding, [vocabSize, hiddenSize])] }

  /// The tensors read after the blocks: the final norm, and the head unless it is tied.
  public var headShapes: [(name: String, shape: [Int])] {
    [(names.finalNorm, [hiddenSize])] + (tiedHead ? [] : [(names.head, [vocabSize, hiddenSize])])
  }

  /// The roles block `layer` has a weight for, in the order the block reads them.
  public var roles: [DecoderTensorNames.Role] {
    var roles: [DecoderTensorNames.Role] = [.attentionNorm, .query, .key, .value, .output]
    if qkNorm { roles += [.queryNorm, .keyNorm] }
    if architecture == .gemma3 { roles.append(.postAttentionNorm) }
    roles += [.feedForwardNorm, .gate, .up, .down]
    if architecture == .gemma3 { roles.append(.postFeedForwardNorm) }
    return roles
  }

  /// The shape of `role`'s weight ([out, in] for projections).
  public func weightShape(_ role: DecoderTensorNames.Role) -> [Int] {
    switch role {
    case .attentionNorm, .postAttentionNorm, .feedForwardNorm, .postFeedForwardNorm: [hiddenSize]
    case .queryNorm, .keyNorm: [headDim]
    case .query: [queryWidth, hiddenSize]
    case .key, .value: [kvWidth, hiddenSize]
    case .output: [hiddenSize, queryWidth]
    case .gate, .up: [intermediateSize, hiddenSize]
    case .down: [hiddenSize, intermediateSize]
    }
  }

  /// The shape of `role`'s bias, nil when it has none.
  public func biasShape(_ role: DecoderTensorNames.Role) -> [Int]? {
    switch role {
    case .query: qkvBias ? [queryWidth] : nil
    case .key, .value: qkvBias ? [kvWidth] : nil
    case .output: outputBias ? [hiddenSize] : nil
    default: nil
    }
  }

  /// Every tensor of block `layer` with its shape.
  public func layerShapes(_ layer: Int) -> [(name: String, shape: [Int])] {
    roles.flatMap { role in
      [(names.weight(role, layer: layer), weightShape(role))]
        + (biasShape(role).map { [(names.bias(role, layer: layer), $0)] } ?? [])
    }
  }

  /// Every tensor the decoder reads. Only for a validated config: `layerCount` is then bounded by
  /// the weights.
  public var tensorShapes: [(name: String, shape: [Int])] {
    embeddingShapes + (0..<layerCount).flatMap(layerShapes) + headShapes
  }

  /// Checks the sizes, then that `weights` hold every tensor with a floating dtype and the
  /// expected shape, walking block by block and stopping at the first missing tensor (a config
  /// declaring 1e6 layers costs nothing). `file` is named for a missing tensor, the weights file
  /// for a malformed one.
  public func validate(weights: WeightStore, file: String) throws(ModelError) {
    try checkSizes(file: file)
    try validate(embeddingShapes, weights: weights, file: file)
    for layer in 0..<layerCount { try validate(layerShapes(layer), weights: weights, file: file) }
    try validate(headShapes, weights: weights, file: file)
  }

  /// The counts must be positive and consistent before anything is allocated from them.
  public func checkSizes(file: String) throws(ModelError) {
    let sizes = [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", layerCount),
                 ("num_attention_heads", headCount), ("num_key_value_heads", kvHeadCount), ("head_dim", headDim),
                 ("intermediate_size", intermediateSize)]
    if let (key, value) = sizes.first(where: { $0.1 <= 0 }) { throw ModelError(file: file, "\(key) is \(value); it must be positive") }
    // Products of the sizes stay far from overflow; real models are below 2^20 on every axis.
    if let (key, value) = sizes.first(where: { $0.1 > 1 << 24 }) { throw ModelError(file: file, "\(key) is \(value), beyond any model Pare runs") }
    guard headCount % kvHeadCount == 0 else {
      throw ModelError(file: file, "num_attention_heads \(headCount) is not a multiple of num_key_value_heads \(kvHeadCount)")
    }
    guard headDim % 2 == 0 else { throw ModelError(file: file, "head_dim \(headDim) must be even for RoPE") }
    if let window = slidingWindow, window <= 0 { throw ModelError(file: file, "sliding_window is \(window); it must be positive") }
    guard rmsNormEps >= 0, rmsNormEps.isFinite else { throw ModelError(file: file, "rms_norm_eps must be a non-negative number") }
    guard globalRope.base > 1, localRope.base > 1 else { throw ModelError(file: file, "the RoPE base (rope_theta) must be greater than 1") }
  }

  private func validate(_ shapes: [(name: String, shape: [Int])], weights: WeightStore, file: String) throws(ModelError) {
    for (name, shape) in shapes {
      guard let entry = weights.entry(named: name) else {
        throw ModelError(file: file, "tensor '\(name)' \(shape) is missing from the weights (\(modelType): num_hidden_layers \(layerCount), hidden_size \(hiddenSize)"
          + (name == names.head ? ", tie_word_embeddings false)" : ")"))
      }
      let weightsFile = weights.path(of: name) ?? file
      guard entry.dtype.isFloatingPoint else {
        throw ModelError(file: weightsFile, "tensor '\(name)' has dtype \(entry.dtype.rawValue), expected a floating type")
      }
      guard entry.shape == shape else {
        throw ModelError(file: weightsFile, "tensor '\(name)' has shape \(entry.shape), expected \(shape) from the config")
      }
    }
  }
}
