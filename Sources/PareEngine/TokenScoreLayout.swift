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
/// - `states`: this position's final-normed hidden state, what the head reads: the reference a
///   later pass is given is these columns of the uncompressed model's pass.
/// The reference's distribution is recomputed from its states by the uncompressed head in the same
/// vocabulary blocks as the pass's own logits, so the KL is exact and nothing of vocabulary size
/// is stored per position.
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
  /// Floats per position.
  public var width: Int { 4 + hiddenSize }
  /// Columns of the final-normed hidden state.
  public var states: Range<Int> { 4..<(4 + hiddenSize) }
}
