/// What a decoder language model's pass writes for each position of a window: the numbers that
/// perplexity, KL divergence against the uncompressed model, Δp and top-token agreement need,
/// without the full logits (a 262,144-token vocabulary would need 1 MB per position).
///
/// One row of `width` floats per position:
/// - `logSumExp`: log Σ exp(logit) over the whole vocabulary;
/// - `targetLogit`: the logit of the next token in the window (NaN at the window's last position);
/// - `argmax`: the id of the most likely token (ids are exact in Float32 below 2^24);
/// - `ids`: the ids of the `topK` reference tokens: in a pass without a reference, this pass's own
///   `topK` most likely tokens, most likely first; in a pass given a reference, the reference's
///   ids for this position, copied;
/// - `logits`: this pass's logits of those ids.
/// KL(P‖Q) of a reference P against a pass Q is then computed over the top-k ids plus one bucket
/// for the rest of the vocabulary (the tail), whose masses follow from `logSumExp`.
public struct TokenScoreLayout: Sendable, Equatable {
  /// How many reference tokens each position keeps.
  public let topK: Int

  public init(topK: Int) { self.topK = topK }

  /// Column of log Σ exp(logit).
  public static let logSumExp = 0
  /// Column of the next token's logit.
  public static let targetLogit = 1
  /// Column of the most likely token's id.
  public static let argmax = 2
  /// Floats per position.
  public var width: Int { 3 + 2 * topK }
  /// Columns of the reference ids.
  public var ids: Range<Int> { 3..<(3 + topK) }
  /// Columns of this pass's logits of the reference ids.
  public var logits: Range<Int> { (3 + topK)..<(3 + 2 * topK) }
}
