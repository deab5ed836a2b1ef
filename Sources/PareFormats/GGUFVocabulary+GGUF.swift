extension GGUFVocabulary {
  /// The tokenizer metadata of `gguf` (`tokenizer.ggml.*`); keys the file lacks stay nil, so
  /// llama.cpp's defaults apply. Throws, naming the file, when it has no tokenizer.
  public init(gguf: GGUFFile) throws {
    let m = gguf.metadata
    guard let model = m.string("tokenizer.ggml.model"), let tokens = m.strings("tokenizer.ggml.tokens") else {
      throw ModelError(file: gguf.path, "has no tokenizer (tokenizer.ggml.model and tokenizer.ggml.tokens), so its text cannot be tokenized")
    }
    self.init(
      source: gguf.path, model: model, pre: m.string("tokenizer.ggml.pre"), tokens: tokens,
      scores: m.floats("tokenizer.ggml.scores"), tokenTypes: m.integers("tokenizer.ggml.token_type")?.map { Int32(truncatingIfNeeded: $0) },
      merges: m.strings("tokenizer.ggml.merges") ?? [], bos: m.integer("tokenizer.ggml.bos_token_id"),
      eos: m.integer("tokenizer.ggml.eos_token_id"), unknown: m.integer("tokenizer.ggml.unknown_token_id"),
      padding: m.integer("tokenizer.ggml.padding_token_id"), addBOS: m.bool("tokenizer.ggml.add_bos_token"),
      addEOS: m.bool("tokenizer.ggml.add_eos_token"), addSpacePrefix: m.bool("tokenizer.ggml.add_space_prefix"))
  }
}
