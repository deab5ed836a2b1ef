/// A GGUF file's tokenizer metadata (`tokenizer.ggml.*`), as plain values: what `GGUFTokenizer`
/// needs to tokenize exactly as llama.cpp does.
///
/// Optional flags left nil take llama.cpp's defaults for the model and `pre` (see
/// `GGUFTokenizer`); a GGUF key, when present, overrides them.
public struct GGUFVocabulary: Sendable {
  /// llama.cpp's token types (`tokenizer.ggml.token_type`).
  public enum TokenType: Int32, Sendable {
    case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
  }

  /// The file it came from, for error messages.
  public var source: String
  /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece BPE).
  public var model: String
  /// `tokenizer.ggml.pre`: the pre-tokenizer of a gpt2 model ("smollm", "llama-bpe", "qwen2", ...).
  public var pre: String?
  /// `tokenizer.ggml.tokens`: the text of each id.
  public var tokens: [String]
  /// `tokenizer.ggml.scores` (SentencePiece merge priorities).
  public var scores: [Float]?
  /// `tokenizer.ggml.token_type` (raw values of `TokenType`).
  public var tokenTypes: [Int32]?
  /// `tokenizer.ggml.merges`: "left right" in rank order (gpt2).
  public var merges: [String]
  public var bos: Int?
  public var eos: Int?
  public var unknown: Int?
  public var padding: Int?
  /// `tokenizer.ggml.add_bos_token`, `add_eos_token`, `add_space_prefix`.
  public var addBOS: Bool?
  public var addEOS: Bool?
  public var addSpacePrefix: Bool?

  public init(
    source: String, model: String, pre: String? = nil, tokens: [String], scores: [Float]? = nil, tokenTypes: [Int32]? = nil,
    merges: [String] = [], bos: Int? = nil, eos: Int? = nil, unknown: Int? = nil, padding: Int? = nil, addBOS: Bool? = nil,
    addEOS: Bool? = nil, addSpacePrefix: Bool? = nil
  ) {
    self.source = source
    self.model = model
    self.pre = pre
    self.tokens = tokens
    self.scores = scores
    self.tokenTypes = tokenTypes
    self.merges = merges
    self.bos = bos
    self.eos = eos
    self.unknown = unknown
    self.padding = padding
    self.addBOS = addBOS
    self.addEOS = addEOS
    self.addSpacePrefix = addSpacePrefix
  }

  /// The tokenizer for this vocabulary; throws `ModelError` naming the file and the key at fault
  /// (an unknown model or `pre`, arrays of different lengths, ids out of range).
  public func tokenizer() throws -> GGUFTokenizer { try GGUFTokenizer(self) }

  /// The type of `id` (normal when the file has no types).
  func type(of id: Int) -> TokenType {
    guard let tokenTypes, tokenTypes.indices.contains(id) else { return .normal }
    return TokenType(rawValue: tokenTypes[id]) ?? .undefined
  }
}
