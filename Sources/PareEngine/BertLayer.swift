import PareCore

/// One BERT encoder layer (post-norm): self-attention, add & norm, then the GELU feed-forward
/// block, add & norm.
public struct BertLayer: Sendable {
  /// Multi-head self-attention with its output projection.
  public let attention: SelfAttention
  /// LayerNorm after the attention's residual sum.
  public let attentionNorm: LayerNorm
  /// The feed-forward block's expansion, [hidden] -> [intermediate].
  public let intermediate: any Layer
  /// The feed-forward block's projection back, [intermediate] -> [hidden].
  public let output: any Layer
  /// LayerNorm after the feed-forward block's residual sum.
  public let outputNorm: LayerNorm
  /// The feed-forward nonlinearity: BERT's exact (erf) GELU.
  private let activation = Activation(.gelu)

  /// A layer from its parts; the GELU is implied.
  public init(attention: SelfAttention, attentionNorm: LayerNorm, intermediate: any Layer, output: any Layer, outputNorm: LayerNorm) {
    (self.attention, self.attentionNorm, self.intermediate, self.output, self.outputNorm) =
      (attention, attentionNorm, intermediate, output, outputNorm)
  }

  /// The layer applied to the token states `x` [tokens, hidden] of `batch`.
  public func callAsFunction(_ x: Tensor, batch: BertBatch) -> Tensor {
    let attended = attentionNorm.forward(attention(x, batch: batch), adding: x)
    let expanded = activation.forward(intermediate.forward(attended))
    return outputNorm.forward(output.forward(expanded), adding: attended)
  }
}
