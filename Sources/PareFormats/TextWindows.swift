import Foundation

/// A language model's evaluation text cut into windows of tokens, the way llama.cpp's perplexity
/// tool cuts it: the whole file tokenized once (with the BOS token first when the model's
/// tokenizer adds one), then non-overlapping windows of `length` tokens from the start, the last
/// partial window dropped, and each window's first token replaced by BOS when the tokenizer adds
/// one (so every window starts as a fresh text does).
public struct TextWindows: Sendable, Equatable {
  /// The windows, each `length` token ids.
  public let windows: [[Int32]]
  /// Tokens per window.
  public let length: Int
  /// Tokens in the whole text.
  public let tokenCount: Int

  /// Cuts `ids` (the whole text's tokens) into at most `limit` windows of `length`; `bos` is the
  /// token each window starts with, nil when the tokenizer adds none. Throws, naming `file`, when
  /// not even one window fits.
  public init(ids: [Int], length: Int, limit: Int? = nil, bos: Int?, file: String) throws {
    guard length >= 2 else { throw ModelError(file: file, "a window must hold at least 2 tokens, not \(length)") }
    let available = ids.count / length
    guard available >= 1 else {
      throw ModelError(file: file, "the text is \(ids.count) tokens, shorter than one window of \(length) "
        + "(give a longer text, or a smaller --ctx)")
    }
    let count = min(available, limit ?? available)
    windows = (0..<count).map { w in
      var window = ids[(w * length)..<((w + 1) * length)].map { Int32(truncatingIfNeeded: $0) }
      if let bos { window[0] = Int32(truncatingIfNeeded: bos) }
      return window
    }
    (self.length, tokenCount) = (length, ids.count)
  }

  /// The text of `path` as UTF-8, for tokenizing: errors name the file.
  public static func text(of path: String) throws -> String {
    let data: Data
    do { data = try InputFile.contents(of: path) } catch {
      throw ModelError(file: path, "\(error) (expected a UTF-8 text file)")
    }
    guard let text = String(validating: data, as: UTF8.self) else {
      throw ModelError(file: path, "is not valid UTF-8 text")
    }
    return text
  }
}
