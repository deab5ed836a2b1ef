import Foundation

/// The `"bert"` architecture of DESIGN.md §3: a Hugging Face `BertModel` run as a sentence
/// encoder (the sentence-transformers layout, e.g. all-MiniLM-L6-v2).
///
/// Decoding reads config.json alone; `load` adds the pooling and the sequence limit from the
/// sentence-transformers files beside it and checks every tensor against the weights.
public struct BertConfig: Sendable, Equatable, Decodable {
  /// Rows of the word-embedding table (`vocab_size`).
  public var vocabSize: Int
  /// Width of every token state (`hidden_size`).
  public var hiddenSize: Int
  /// Number of encoder layers (`num_hidden_layers`).
  public var numHiddenLayers: Int
  /// Attention heads per layer (`num_attention_heads`); each sees `headSize` of the width.
  public var numAttentionHeads: Int
  /// Width of the feed-forward block (`intermediate_size`).
  public var intermediateSize: Int
  /// Rows of the position-embedding table: the longest sequence the model can run.
  public var maxPositionEmbeddings: Int
  /// Rows of the token-type table (`type_vocab_size`); sentence encoders use row 0 only.
  public var typeVocabSize: Int
  /// The epsilon of every LayerNorm (`layer_norm_eps`).
  public var layerNormEps: Float
  /// How token states become one embedding (modules.json; mean, unnormalised, from config.json alone).
  public var pooling: PoolingConfig
  /// Tokens kept per sentence: sentence_bert_config.json's `max_seq_length`, else
  /// `maxPositionEmbeddings`. The tokenizer truncates to it.
  public var maxSequenceLength: Int

  /// Width of one attention head.
  public var headSize: Int { hiddenSize / numAttentionHeads }

  enum CodingKeys: String, CodingKey {
    case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
    case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
    case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
    case layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act", positionEmbeddingType = "position_embedding_type"
  }

  /// Decodes config.json, refusing a `hidden_act` other than "gelu" and relative positions.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    vocabSize = try c.decodeInteger(forKey: .vocabSize)
    hiddenSize = try c.decodeInteger(forKey: .hiddenSize)
    numHiddenLayers = try c.decodeInteger(forKey: .numHiddenLayers)
    numAttentionHeads = try c.decodeInteger(forKey: .numAttentionHeads)
    intermediateSize = try c.decodeInteger(forKey: .intermediateSize)
    maxPositionEmbeddings = try c.decodeInteger(forKey: .maxPositionEmbeddings)
    typeVocabSize = try c.decodeIntegerIfPresent(forKey: .typeVocabSize) ?? 2
    layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12
    let activation = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
    guard activation == "gelu" else {
      throw DecodingError.dataCorruptedError(
        forKey: .hiddenAct, in: c,
        debugDescription: "'\(activation)' is not supported; Pare runs BERT with the exact (erf) GELU, \"gelu\"")
    }
    let positions = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? "absolute"
    guard positions == "absolute" else {
      throw DecodingError.dataCorruptedError(
        forKey: .positionEmbeddingType, in: c,
        debugDescription: "'\(positions)' is not supported; Pare runs absolute position embeddings only")
    }
    pooling = PoolingConfig()
    maxSequenceLength = maxPositionEmbeddings
  }

  /// The config of the model whose config.json is `file` (holding `data`): config.json, then
  /// modules.json + the Pooling module's config and sentence_bert_config.json from the same
  /// directory, validated against `weights`. Errors name the file and what to change.
  public static func load(configData data: Data, file: String, weights: WeightStore) throws(ModelError) -> BertConfig {
    var config: BertConfig
    do { config = try JSONDecoder().decode(BertConfig.self, from: data) } catch {
      throw ModelError(file: file, DecodingError.summary(error))
    }
    let sizes = [("vocab_size", config.vocabSize), ("hidden_size", config.hiddenSize), ("num_hidden_layers", config.numHiddenLayers),
                 ("num_attention_heads", config.numAttentionHeads), ("intermediate_size", config.intermediateSize),
                 ("max_position_embeddings", config.maxPositionEmbeddings), ("type_vocab_size", config.typeVocabSize)]
    if let (key, value) = sizes.first(where: { $0.1 <= 0 }) {
      throw ModelError(file: file, "\(key) is \(value); it must be positive")
    }
    guard config.hiddenSize % config.numAttentionHeads == 0 else {
      throw ModelError(file: file, "hidden_size \(config.hiddenSize) is not a multiple of num_attention_heads \(config.numAttentionHeads)")
    }
    guard config.layerNormEps >= 0 else { throw ModelError(file: file, "layer_norm_eps must not be negative") }

    let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
    config.pooling = try PoolingConfig.load(directory: directory, hiddenSize: config.hiddenSize)
    let sentenceConfigPath = directory.appendingPathComponent("sentence_bert_config.json").path
    if FileManager.default.fileExists(atPath: sentenceConfigPath) {
      struct SentenceConfig: Decodable { let max_seq_length: Int? }
      let sentence: SentenceConfig = try decodeJSONFile(sentenceConfigPath)
      if let length = sentence.max_seq_length {
        guard (1...config.maxPositionEmbeddings).contains(length) else {
          throw ModelError(file: sentenceConfigPath, "max_seq_length \(length) must be between 1 and max_position_embeddings (\(config.maxPositionEmbeddings))")
        }
        config.maxSequenceLength = length
      }
    }
    try config.validate(weights: weights, file: file)
    return config
  }

  /// Every tensor the encoder reads with its expected shape: the embeddings, then layer by layer
  /// (Hugging Face `BertModel` names). The pooler and `embeddings.position_ids` are not read.
  /// Only for a validated config: `num_hidden_layers` is then bounded by the weights.
  public var tensorShapes: [(name: String, shape: [Int])] {
    embeddingShapes + (0..<numHiddenLayers).flatMap(layerShapes)
  }

  private func norm(_ prefix: String) -> [(name: String, shape: [Int])] {
    [("\(prefix).weight", [hiddenSize]), ("\(prefix).bias", [hiddenSize])]
  }

  private var embeddingShapes: [(name: String, shape: [Int])] {
    [("embeddings.word_embeddings.weight", [vocabSize, hiddenSize]),
     ("embeddings.position_embeddings.weight", [maxPositionEmbeddings, hiddenSize]),
     ("embeddings.token_type_embeddings.weight", [typeVocabSize, hiddenSize])] + norm("embeddings.LayerNorm")
  }

  private func layerShapes(_ layer: Int) -> [(name: String, shape: [Int])] {
    let h = hiddenSize, p = "encoder.layer.\(layer)"
    func linear(_ prefix: String, out: Int, in inputs: Int) -> [(name: String, shape: [Int])] {
      [("\(prefix).weight", [out, inputs]), ("\(prefix).bias", [out])]
    }
    return linear("\(p).attention.self.query", out: h, in: h) + linear("\(p).attention.self.key", out: h, in: h)
      + linear("\(p).attention.self.value", out: h, in: h) + linear("\(p).attention.output.dense", out: h, in: h)
      + norm("\(p).attention.output.LayerNorm") + linear("\(p).intermediate.dense", out: intermediateSize, in: h)
      + linear("\(p).output.dense", out: h, in: intermediateSize) + norm("\(p).output.LayerNorm")
  }

  /// Checks that `weights` hold every tensor of `tensorShapes` with a floating dtype and the
  /// expected shape; `file` (config.json) is named when a tensor is missing, the weights file
  /// when one is malformed. Walks layer by layer and stops at the first missing tensor, so a
  /// declared count the weights do not back (num_hidden_layers 1e6) costs nothing.
  public func validate(weights: WeightStore, file: String) throws(ModelError) {
    try validate(embeddingShapes, weights: weights, file: file)
    for layer in 0..<numHiddenLayers { try validate(layerShapes(layer), weights: weights, file: file) }
  }

  private func validate(_ shapes: [(name: String, shape: [Int])], weights: WeightStore, file: String) throws(ModelError) {
    for (name, shape) in shapes {
      guard let entry = weights.entry(named: name) else {
        let prefixed = weights.entry(named: "bert.\(name)") != nil
        throw ModelError(file: file, "tensor '\(name)' \(shape) is missing from the weights" + (prefixed
          ? "; they name it 'bert.\(name)' (a BertFor… checkpoint): save the BertModel part without the prefix"
          : " (config.json says num_hidden_layers \(numHiddenLayers), hidden_size \(hiddenSize))"))
      }
      let weightsFile = weights.path(of: name) ?? file
      guard entry.dtype.isFloatingPoint else {
        throw ModelError(file: weightsFile, "tensor '\(name)' has dtype \(entry.dtype.rawValue), expected a floating type")
      }
      guard entry.shape == shape else {
        throw ModelError(file: weightsFile, "tensor '\(name)' has shape \(entry.shape), expected \(shape) from config.json")
      }
    }
  }
}
