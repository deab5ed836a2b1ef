/// What a decoder's pass runs on: windows of token ids, all the same length, and optionally the
/// reference tokens whose logits each position reports (`TokenScoreLayout`).
public struct DecoderInput: Sendable {
  /// The windows, each the same number of tokens.
  public var windows: [[Int32]]
  /// `topK` ids per position, the positions of all windows in order; nil: each position reports
  /// its own `topK` most likely tokens.
  public var reference: [Int32]?

  public init(windows: [[Int32]], reference: [Int32]? = nil) { (self.windows, self.reference) = (windows, reference) }

  /// Tokens per window.
  public var windowLength: Int { windows.first?.count ?? 0 }
  /// Positions over all windows.
  public var positions: Int { windows.count * windowLength }
}

/// Consecutive whole windows run together: every projection is one sgemm over their tokens,
/// attention runs per window. The batch carries its tokens and its part of the reference, which
/// `write` needs for the targets and the reference ids.
public struct DecoderBatch: Sendable, Equatable {
  /// The windows, by index into `DecoderInput.windows`.
  public let windows: Range<Int>
  /// Tokens per window.
  public let length: Int
  /// The windows' tokens back to back.
  public let tokens: [Int32]
  /// The reference ids of the batch's positions (`topK` each), or nil.
  public let reference: ArraySlice<Int32>?

  public init(windows: Range<Int>, length: Int, tokens: [Int32], reference: ArraySlice<Int32>?) {
    (self.windows, self.length, self.tokens, self.reference) = (windows, length, tokens, reference)
  }

  /// The batch's rows of the output: its first position over all windows.
  public var firstPosition: Int { windows.lowerBound * length }
  /// Tokens in the batch.
  public var tokenCount: Int { windows.count * length }
}

/// Token windows a `DecoderNetwork` cannot run, found before any work is done.
public enum DecoderInputError: Error, Equatable, CustomStringConvertible {
  case noWindows
  case emptyWindow
  case unequalWindows(index: Int, length: Int, expected: Int)
  case unknownToken(window: Int, position: Int, id: Int32, vocabSize: Int)
  case referenceCount(count: Int, expected: Int, topK: Int)
  case unknownReferenceToken(index: Int, id: Int32, vocabSize: Int)

  public var description: String {
    switch self {
    case .noWindows: "no token windows to evaluate"
    case .emptyWindow: "the token windows are empty"
    case let .unequalWindows(index, length, expected): "window \(index) has \(length) tokens, the first has \(expected); every window must have the same length"
    case let .unknownToken(window, position, id, vocabSize):
      "window \(window): token id \(id) at position \(position) is outside the vocabulary (0..<\(vocabSize)); tokenize with this model's tokenizer"
    case let .referenceCount(count, expected, topK):
      "the reference has \(count) ids, expected \(expected) (\(topK) per position); make it with a pass over the same windows"
    case let .unknownReferenceToken(index, id, vocabSize): "reference id \(id) at \(index) is outside the vocabulary (0..<\(vocabSize))"
    }
  }
}
