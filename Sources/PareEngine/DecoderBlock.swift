import PareCore
import PareFormats

/// One transformer block of a decoder. Llama family (pre-norm):
/// `x + attn(norm(x))`, then `x + mlp(norm(x))`. Gemma 3 also normalizes each sublayer's output
/// before the residual sum: `x + norm(attn(norm(x)))`, `x + norm(mlp(norm(x)))`.
public struct DecoderBlock: Sendable {
  public let attentionNorm: RMSNorm
  public let attention: CausalAttention
  /// Gemma 3's norm of the attention output, nil in the Llama family.
  public let postAttentionNorm: RMSNorm?
  public let feedForwardNorm: RMSNorm
  public let mlp: GatedMLP
  /// Gemma 3's norm of the MLP output, nil in the Llama family.
  public let postFeedForwardNorm: RMSNorm?

  public init(attentionNorm: RMSNorm, attention: CausalAttention, postAttentionNorm: RMSNorm?,
              feedForwardNorm: RMSNorm, mlp: GatedMLP, postFeedForwardNorm: RMSNorm?) {
    (self.attentionNorm, self.attention, self.postAttentionNorm) = (attentionNorm, attention, postAttentionNorm)
    (self.feedForwardNorm, self.mlp, self.postFeedForwardNorm) = (feedForwardNorm, mlp, postFeedForwardNorm)
  }

  /// The block on token states `x` [tokens, hidden], windows of `windowLength` back to back.
  public func callAsFunction(_ x: consuming Tensor, windowLength: Int) -> Tensor {
    var h = x
    var attended = attention(attentionNorm.forward(copy h), windowLength: windowLength)
    if let postAttentionNorm { attended = postAttentionNorm.forward(attended) }
    Self.add(attended, to: &h)
    var fed = mlp(feedForwardNorm.forward(copy h))
    if let postFeedForwardNorm { fed = postFeedForwardNorm.forward(fed) }
    Self.add(fed, to: &h)
    return h
  }

  /// `x += y`, eight lanes at a time.
  static func add(_ y: Tensor, to x: inout Tensor) {
    let count = min(x.count, y.count)
    x.scalars.withUnsafeMutableBufferPointer { x in
      y.scalars.withUnsafeBufferPointer { y in
        guard let x = x.baseAddress, let y = y.baseAddress else { return }
        for (o, lanes) in Vectors8(count) {
          x.store(UnsafePointer(x).vector8(at: o, lanes: lanes, padding: 0) + y.vector8(at: o, lanes: lanes, padding: 0), at: o, lanes: lanes)
        }
      }
    }
  }
}
