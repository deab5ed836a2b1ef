import PareCore
import PareFormats

/// A runnable `"bert"` sentence encoder: embeddings, the encoder layers, then pooling, built
/// from the weights by their Hugging Face names.
///
/// Layer indices for restarting a pass: 0 is the embeddings, k is `encoder.layer.(k-1)`.
/// Tensors can be replaced (`replacingTensors`) to evaluate a compression plan.
public struct BertEncoder: Sendable {
  /// The decoded config, pooling included.
  public let config: BertConfig
  /// Word, position and token-type embeddings with their LayerNorm.
  public let embeddings: BertEmbeddings
  /// The encoder layers in order.
  public let layers: [BertLayer]

  /// Builds every part, reading its tensors through `tensor` (the model's weights, or a
  /// compressed overlay of them); a missing tensor throws naming it.
  public init(config: BertConfig, tensor: (String) throws -> Tensor?) throws {
    let built = try withoutActuallyEscaping(tensor) { tensor in
      let source = BertTensors(replacements: [:], original: tensor)
      return (try source.embeddings(config), try (0..<config.numHiddenLayers).map { try source.layer($0, config) })
    }
    self.init(config: config, embeddings: built.0, layers: built.1)
  }

  /// The encoder of an opened model directory; throws for other architectures.
  public init(model: ModelDirectory) throws {
    guard case let .bert(config) = model.architecture else {
      throw ModelError(file: model.path, model.architecture == nil
        ? "a bare .safetensors file has no architecture to run; open a model directory with config.json"
        : "not a BERT model (config.json's model_type is not \"bert\")")
    }
    try self.init(config: config) { name in
      model.weights.entry(named: name) == nil ? nil : try model.weights.tensor(named: name)
    }
  }

  private init(config: BertConfig, embeddings: BertEmbeddings, layers: [BertLayer]) {
    (self.config, self.embeddings, self.layers) = (config, embeddings, layers)
  }

  /// The same encoder with the named tensors replaced (e.g. by their compressed values); only
  /// the parts owning them are rebuilt, `original` supplying their other tensors. A `.factored`
  /// linear weight runs as `FactoredLinear`; embedding tables use the dense product.
  public func replacingTensors(_ replacements: [String: TensorReplacement], original: (String) throws -> Tensor?) throws -> BertEncoder {
    let changed = Set(replacements.keys.compactMap(layerIndex(ofTensor:)))
    return try withoutActuallyEscaping(original) { original in
      let source = BertTensors(replacements: replacements, original: original)
      return BertEncoder(
        config: config,
        embeddings: changed.contains(0) ? try source.embeddings(config) : embeddings,
        layers: try layers.indices.map { changed.contains($0 + 1) ? try source.layer($0, config) : layers[$0] })
    }
  }

  /// The layer index (0 embeddings, k for `encoder.layer.(k-1)`) of the part that reads tensor
  /// `name`, or nil when the encoder does not read it (the pooler, `embeddings.position_ids`).
  public func layerIndex(ofTensor name: String) -> Int? {
    if name.hasPrefix("embeddings.") {
      return name == "embeddings.position_ids" ? nil : 0
    }
    let prefix = "encoder.layer."
    guard name.hasPrefix(prefix), let dot = name.dropFirst(prefix.count).firstIndex(of: "."),
          let layer = Int(name[name.index(name.startIndex, offsetBy: prefix.count)..<dot]),
          layers.indices.contains(layer) else { return nil }
    return layer + 1
  }

  /// Layer indices a pass can restart at from a `BertActivationCache`: every encoder layer.
  public var restartPoints: Set<Int> { Set(layers.indices.map { $0 + 1 }) }

  /// Width of an embedding.
  public var embeddingWidth: Int { config.hiddenSize }

  /// Tokens per batch when the caller gives no cache: the largest activation of a batch (the
  /// feed-forward expansion, or Q, K and V together) near 4 MB, big enough for efficient GEMMs.
  public var preferredTokenBudget: Int {
    let perToken = max(config.intermediateSize, 3 * config.hiddenSize)
    return min(8192, max(64, (4 << 20) / (4 * perToken)))
  }

  /// Checks that every sentence can run: non-empty, at most `maxPositionEmbeddings` tokens, ids in
  /// the vocabulary. Throws the first problem found.
  public func check(_ sentences: [[Int]]) throws(BertInputError) {
    for (index, ids) in sentences.enumerated() {
      guard !ids.isEmpty else { throw .emptySentence(index: index) }
      guard ids.count <= config.maxPositionEmbeddings else {
        throw .tooLong(index: index, length: ids.count, limit: config.maxPositionEmbeddings, maxSequenceLength: config.maxSequenceLength)
      }
      if let position = ids.firstIndex(where: { !(0..<config.vocabSize).contains($0) }) {
        throw .unknownToken(index: index, position: position, id: ids[position], vocabSize: config.vocabSize)
      }
    }
  }
}

/// Token ids a `BertEncoder` cannot run, found before any work is done.
public enum BertInputError: Error, Equatable, CustomStringConvertible {
  /// Sentence `index` has no tokens (a tokenizer gives at least [CLS] and [SEP]).
  case emptySentence(index: Int)
  /// Sentence `index` has more tokens than the model has positions.
  case tooLong(index: Int, length: Int, limit: Int, maxSequenceLength: Int)
  /// Sentence `index` has an id outside the vocabulary at `position`.
  case unknownToken(index: Int, position: Int, id: Int, vocabSize: Int)

  public var description: String {
    switch self {
    case let .emptySentence(index):
      "sentence \(index) has no tokens; tokenize it with the model's tokenizer, which adds [CLS] and [SEP]"
    case let .tooLong(index, length, limit, maxSequenceLength):
      "sentence \(index) has \(length) tokens but the model has \(limit) positions; truncate to max_seq_length (\(maxSequenceLength))"
    case let .unknownToken(index, position, id, vocabSize):
      "sentence \(index): token id \(id) at position \(position) is outside the vocabulary (0..<\(vocabSize)); tokenize with this model's vocabulary"
    }
  }
}

/// Where an encoder's parts read their tensors: the replacements first, then the original weights.
private struct BertTensors {
  let replacements: [String: TensorReplacement]
  let original: (String) throws -> Tensor?

  func callAsFunction(_ name: String) throws -> Tensor {
    guard let tensor = try replacements[name]?.dense ?? original(name) else {
      throw ModelError(file: "model.safetensors", "tensor '\(name)' is missing; open the model through ModelDirectory to check its tensors first")
    }
    return tensor
  }

  /// `PREFIX.weight` and `PREFIX.bias` as a linear layer, two GEMMs when the weight is factored.
  func linear(_ prefix: String) throws -> any Layer {
    let bias = try self("\(prefix).bias")
    if case let .factored(a, b, _)? = replacements["\(prefix).weight"] { return FactoredLinear(a: a, b: b, bias: bias) }
    return Linear(weight: try self("\(prefix).weight"), bias: bias)
  }

  func layerNorm(_ prefix: String, eps: Float) throws -> LayerNorm {
    LayerNorm(weight: try self("\(prefix).weight"), bias: try self("\(prefix).bias"), eps: eps)
  }

  func embeddings(_ config: BertConfig) throws -> BertEmbeddings {
    BertEmbeddings(
      words: try self("embeddings.word_embeddings.weight"), positions: try self("embeddings.position_embeddings.weight"),
      tokenTypes: try self("embeddings.token_type_embeddings.weight"),
      norm: try layerNorm("embeddings.LayerNorm", eps: config.layerNormEps))
  }

  func layer(_ index: Int, _ config: BertConfig) throws -> BertLayer {
    let p = "encoder.layer.\(index)"
    let attention = SelfAttention(
      query: try linear("\(p).attention.self.query"), key: try linear("\(p).attention.self.key"),
      value: try linear("\(p).attention.self.value"), output: try linear("\(p).attention.output.dense"),
      heads: config.numAttentionHeads)
    return BertLayer(
      attention: attention, attentionNorm: try layerNorm("\(p).attention.output.LayerNorm", eps: config.layerNormEps),
      intermediate: try linear("\(p).intermediate.dense"), output: try linear("\(p).output.dense"),
      outputNorm: try layerNorm("\(p).output.LayerNorm", eps: config.layerNormEps))
  }
}
