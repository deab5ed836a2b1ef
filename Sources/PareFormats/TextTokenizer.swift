/// A decoder LLM's tokenizer: text in, token ids out, the same ids as the reference
/// implementation of its format (Hugging Face `tokenizers` for tokenizer.json, llama.cpp for a
/// GGUF's vocabulary; checked against both in the tests).
///
/// Implemented by `ByteLevelBPETokenizer` (tokenizer.json) and `GGUFTokenizer` (a GGUF's
/// `tokenizer.ggml.*` metadata: byte-level BPE or SentencePiece BPE).
public protocol TextTokenizer: Sendable {
  /// The number of ids the tokenizer can produce (the model's embedding rows must cover them).
  var vocabularySize: Int { get }
  /// The id that starts a sequence, when the model has one.
  var bos: Int? { get }
  /// The id that ends a sequence (end of text), when the model has one.
  var eos: Int? { get }

  /// The ids of `text`. With `addSpecial`, the BOS/EOS the tokenizer's configuration adds
  /// (tokenizer.json's post-processor; a GGUF's `add_bos_token`/`add_eos_token`). Throws only
  /// when the vocabulary cannot spell some byte of the text.
  func encode(_ text: String, addSpecial: Bool) throws -> [Int]

  /// The text of `ids`: bytes joined and read as UTF-8 (invalid sequences become U+FFFD);
  /// special tokens appear as their text; ids out of range are skipped.
  func decode(_ ids: [Int]) -> String
}

/// The text could not be tokenized: one line naming the tokenizer's source and what was missing.
public struct TokenizationError: Error, Equatable, CustomStringConvertible {
  /// The tokenizer's file (or "vocabulary" for an in-memory one).
  public let source: String
  public let message: String

  public init(source: String, _ message: String) {
    self.source = source
    self.message = message
  }

  public var description: String { "\(source): \(message)" }
}
