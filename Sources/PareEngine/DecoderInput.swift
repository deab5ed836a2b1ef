/// What a decoder's pass runs on: windows of token ids, all the same length, and optionally the
/// reference each position's KL divergence is measured from (`TokenScoreLayout`).
public struct DecoderInput: Sendable {
  /// The windows, each the same number of tokens.
  public var windows: [[Int32]]
  /// The uncompressed model's final-normed hidden states of the same windows (`hiddenSize` per
  /// position, the positions of all windows in order), whose distributions the uncompressed head
  /// gives; nil: no divergence is measured.
  public var reference: [Float]?
  /// The reference's `directions` columns followed by its `logSumExp` (`hiddenSize` + 1 per
  /// position), when its pass measured directions: a pass whose head is still the uncompressed
  /// one then computes its KL with one head product instead of two.
  public var referenceDirections: [Float]?
  /// Whether a pass without a reference writes `directions` and `offset` (a second head product,
  /// worth it when later passes are compared with this one).
  public var measuresDirections: Bool

  public init(windows: [[Int32]], reference: [Float]? = nil, referenceDirections: [Float]? = nil,
              measuresDirections: Bool = false) {
    (self.windows, self.reference, self.referenceDirections) = (windows, reference, referenceDirections)
    self.measuresDirections = measuresDirections
  }

  /// Tokens per window.
  public var windowLength: Int { windows.first?.count ?? 0 }
  /// Positions over all windows.
  public var positions: Int { windows.count * windowLength }
}

/// Consecutive whole windows run together: every projection is one sgemm over their tokens,
/// attention runs per window. The batch carries its tokens and its part of the reference, which
/// `write` needs for the targets and the reference's states.
public struct DecoderBatch: Sendable, Equatable {
  /// The windows, by index into `DecoderInput.windows`.
  public let windows: Range<Int>
  /// Tokens per window.
  public let length: Int
  /// The windows' tokens back to back.
  public let tokens: [Int32]
  /// The reference states of the batch's positions (`hiddenSize` each), or nil.
  public let reference: ArraySlice<Float>?
  /// The reference's directions and log Σ exp of the batch's positions (`hiddenSize` + 1 each), or nil.
  public let referenceDirections: ArraySlice<Float>?
  /// Whether the pass writes directions (see `DecoderInput.measuresDirections`).
  public let measuresDirections: Bool

  public init(windows: Range<Int>, length: Int, tokens: [Int32], reference: ArraySlice<Float>?,
              referenceDirections: ArraySlice<Float>? = nil, measuresDirections: Bool = false) {
    (self.windows, self.length, self.tokens, self.reference) = (windows, length, tokens, reference)
    (self.referenceDirections, self.measuresDirections) = (referenceDirections, measuresDirections)
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
  case referenceCount(count: Int, expected: Int, hiddenSize: Int)

  public var description: String {
    switch self {
    case .noWindows: "no token windows to evaluate"
    case .emptyWindow: "the token windows are empty"
    case let .unequalWindows(index, length, expected): "window \(index) has \(length) tokens, the first has \(expected); every window must have the same length"
    case let .unknownToken(window, position, id, vocabSize):
      "window \(window): token id \(id) at position \(position) is outside the vocabulary (0..<\(vocabSize)); tokenize with this model's tokenizer"
    case let .referenceCount(count, expected, hiddenSize):
      "the reference has \(count) values, expected \(expected) (\(hiddenSize) per position); make it with a pass over the same windows"
    }
  }
}
