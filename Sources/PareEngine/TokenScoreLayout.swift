/// What a decoder language model's pass writes for each position of a window: the numbers that
/// perplexity, the KL divergence from the uncompressed model, Δp and top-token agreement need,
/// without the full logits (a 262,144-token vocabulary would need 1 MB per position).
///
/// One row of `width` floats per position:
/// - `logSumExp`: log Σ exp(logit) over the whole vocabulary;
/// - `targetLogit`: the logit of the next token in the window (NaN at the window's last position);
/// - `argmax`: the id of the most likely token (ids are exact in Float32 below 2^24);
/// - `divergence`: KL(reference ‖ this pass) in nats over the whole vocabulary, where a pass is
///   given a reference (the uncompressed model's final states, `DecoderInput.reference`); 0 in a
///   pass without one;
/// - `offset`: Σ p·log p, the negative entropy of this pass's distribution P, where the pass was
///   asked for directions (`DecoderInput.measuresDirections`), else NaN;
/// - `states`: this position's final-normed hidden state, what the head reads;
/// - `directions`: Wᵀp, the head's rows averaged under P (with `offset`; else zeros).
/// A later pass given these columns of the uncompressed model's pass as its reference computes
/// its KL exactly, with nothing of vocabulary size stored per position: while its head is the
/// uncompressed one W, KL(P‖Q) = (h − x)·(Wᵀp) − log Σ exp(Wh) + log Σ exp(Wx) for the
/// reference's state h and its own x, one head product; with another head, P is recomputed from
/// the states by the uncompressed head in the same vocabulary blocks as the pass's own logits.
public struct TokenScoreLayout: Sendable, Equatable {
  /// Width of the hidden states.
  public let hiddenSize: Int

  public init(hiddenSize: Int) { self.hiddenSize = hiddenSize }

  /// Column of log Σ exp(logit).
  public static let logSumExp = 0
  /// Column of the next token's logit.
  public static let targetLogit = 1
  /// Column of the most likely token's id.
  public static let argmax = 2
  /// Column of KL(reference ‖ this pass).
  public static let divergence = 3
  /// Column of Σ p·log p (NaN when the pass measured no directions).
  public static let offset = 4
  /// Floats per position.
  public var width: Int { 5 + 2 * hiddenSize }
  /// Columns of the final-normed hidden state.
  public var states: Range<Int> { 5..<(5 + hiddenSize) }
  /// Columns of Wᵀp.
  public var directions: Range<Int> { (5 + hiddenSize)..<(5 + 2 * hiddenSize) }
}
