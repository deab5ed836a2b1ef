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
    try self.init(config: config, words: nil, tensor: tensor)
  }

  /// Builds every part; the word embeddings are `words` when given (else read through `tensor`).
  private init(config: BertConfig, words: EmbeddingTable?, tensor: (String) throws -> Tensor?) throws {
    let built = try withoutActuallyEscaping(tensor) { tensor in
      let source = BertTensors(config: config, replacements: [:], original: tensor)
      return (try source.embeddings(unreplacedWords: words), try (0..<config.numHiddenLayers).map { try source.layer($0) })
    }
    self.init(config: config, embeddings: built.0, layers: built.1)
  }

  /// The encoder of a model's weights, checked against `config` when it was loaded. The word
  /// embeddings stay in the mapped file, read row by row as batches need them.
  public init(config: BertConfig, weights: WeightStore) throws {
    let words = "embeddings.word_embeddings.weight"
    let stored = weights.entry(named: words).map { EmbeddingTable.stored(weights, name: words, shape: $0.shape) }
    try self.init(config: config, words: stored) { name in
      weights.entry(named: name) == nil ? nil : try weights.tensor(named: name)
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
      let source = BertTensors(config: config, replacements: replacements, original: original)
      return BertEncoder(
        config: config, embeddings: changed.contains(0) ? try source.embeddings(unreplacedWords: embeddings.words) : embeddings,
        layers: try layers.indices.map { changed.contains($0 + 1) ? try source.layer($0) : layers[$0] })
    }
  }

  /// The layer index (0 embeddings, k for `encoder.layer.(k-1)`) of the part that reads tensor
  /// `name`, or nil when the encoder does not read it (the pooler, `embeddings.position_ids`).
  public func layerIndex(ofTensor name: String) -> Int? {
    let parts = name.split(separator: ".", maxSplits: 3)
    if parts.first == "embeddings" { return name == "embeddings.position_ids" ? nil : 0 }
    guard parts.count == 4, parts[0] == "encoder", parts[1] == "layer", let layer = Int(parts[2]),
          layers.indices.contains(layer) else { return nil }
    return layer + 1
  }

  /// Width of an embedding.
  public var embeddingWidth: Int { config.hiddenSize }

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

  /// One line saying which sentence is at fault and what to do.
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

/// Where an encoder's parts read their tensors: the replacements first, then the original
/// weights, each checked against the shape the config expects.
private struct BertTensors {
  let config: BertConfig
  let replacements: [String: TensorReplacement]
  let original: (String) throws -> Tensor?
  private let shapes: [String: [Int]]

  init(config: BertConfig, replacements: [String: TensorReplacement], original: @escaping (String) throws -> Tensor?) {
    (self.config, self.replacements, self.original) = (config, replacements, original)
    shapes = Dictionary(config.tensorShapes.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
  }

  func callAsFunction(_ name: String) throws -> Tensor {
    guard let tensor = try replacements[name]?.dense ?? original(name) else {
      throw ModelError(file: "model.safetensors", "tensor '\(name)' is missing; open the model with ModelDirectory, which checks every tensor")
    }
    try expect(name, tensor.shape, shapes[name] ?? tensor.shape)
    return tensor
  }

  private func expect(_ name: String, _ shape: [Int], _ expected: [Int]) throws {
    guard shape == expected else {
      throw ModelError(file: "model.safetensors", "tensor '\(name)' has shape \(shape), expected \(expected) from config.json")
    }
  }

  /// `PREFIX.weight` and `PREFIX.bias` as a linear layer, two GEMMs when the weight is factored.
  func linear(_ prefix: String) throws -> any Layer {
    let bias = try self("\(prefix).bias")
    guard case let .factored(a, b, _)? = replacements["\(prefix).weight"] else {
      return Linear(weight: try self("\(prefix).weight"), bias: bias)
    }
    let name = "\(prefix).weight", shape = shapes[name] ?? [a.shape[0], b.shape.last ?? 0]
    guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[0] else {
      throw ModelError(file: "model.safetensors", "factors of '\(name)' have shapes \(a.shape) and \(b.shape), which do not multiply")
    }
    try expect(name, [a.shape[0], b.shape[1]], shape)
    return FactoredLinear(a: a, b: b, bias: bias)
  }

  func layerNorm(_ prefix: String) throws -> LayerNorm {
    LayerNorm(weight: try self("\(prefix).weight"), bias: try self("\(prefix).bias"), eps: config.layerNormEps)
  }

  /// The embeddings; the word table is `unreplacedWords` unless a replacement names it.
  func embeddings(unreplacedWords: EmbeddingTable?) throws -> BertEmbeddings {
    let name = "embeddings.word_embeddings.weight"
    let words = if replacements[name] == nil, let unreplacedWords { unreplacedWords } else { EmbeddingTable.decoded(try self(name)) }
    return BertEmbeddings(
      words: words, positions: try self("embeddings.position_embeddings.weight"),
      tokenTypes: try self("embeddings.token_type_embeddings.weight"), norm: try layerNorm("embeddings.LayerNorm"))
  }

  func layer(_ index: Int) throws -> BertLayer {
    let p = "encoder.layer.\(index)"
    let attention = SelfAttention(
      query: try linear("\(p).attention.self.query"), key: try linear("\(p).attention.self.key"),
      value: try linear("\(p).attention.self.value"), output: try linear("\(p).attention.output.dense"),
      heads: config.numAttentionHeads)
    return BertLayer(
      attention: attention, attentionNorm: try layerNorm("\(p).attention.output.LayerNorm"),
      intermediate: try linear("\(p).intermediate.dense"), output: try linear("\(p).output.dense"),
      outputNorm: try layerNorm("\(p).output.LayerNorm"))
  }
}
