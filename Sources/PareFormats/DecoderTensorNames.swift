/// Where a decoder's tensors are, by role: Hugging Face names (`huggingFace(_:)`) or llama.cpp's
/// GGUF names (`gguf`). A layer tensor is `layerPrefix` + N + "." + the role's stem + ".weight"
/// (or ".bias").
public struct DecoderTensorNames: Sendable, Equatable {
  /// A tensor of each transformer block.
  public enum Role: String, Sendable, CaseIterable {
    case attentionNorm, query, key, value, output, queryNorm, keyNorm, postAttentionNorm
    case feedForwardNorm, gate, up, down, postFeedForwardNorm
  }

  /// The token embedding table [vocab, hidden].
  public var embedding: String
  /// The final RMSNorm's weight.
  public var finalNorm: String
  /// The separate head [vocab, hidden] (unused when the head is tied).
  public var head: String
  /// What precedes a block's number ("model.layers.", "blk.").
  public var layerPrefix: String
  /// Each role's stem within a block.
  public var stems: [Role: String]

  public init(embedding: String, finalNorm: String, head: String, layerPrefix: String, stems: [Role: String]) {
    (self.embedding, self.finalNorm, self.head, self.layerPrefix, self.stems) = (embedding, finalNorm, head, layerPrefix, stems)
  }

  /// The weight of `role` in block `layer`.
  public func weight(_ role: Role, layer: Int) -> String { "\(layerPrefix)\(layer).\(stems[role] ?? role.rawValue).weight" }
  /// The bias of `role` in block `layer`.
  public func bias(_ role: Role, layer: Int) -> String { "\(layerPrefix)\(layer).\(stems[role] ?? role.rawValue).bias" }

  /// Transformers' names. The norm before the MLP is `post_attention_layernorm` in the Llama
  /// family and `pre_feedforward_layernorm` in Gemma 3, where `post_attention_layernorm` is the
  /// norm of the attention's output.
  public static func huggingFace(_ architecture: DecoderConfig.Architecture) -> DecoderTensorNames {
    var stems: [Role: String] = [
      .attentionNorm: "input_layernorm", .query: "self_attn.q_proj", .key: "self_attn.k_proj",
      .value: "self_attn.v_proj", .output: "self_attn.o_proj", .queryNorm: "self_attn.q_norm",
      .keyNorm: "self_attn.k_norm", .gate: "mlp.gate_proj", .up: "mlp.up_proj", .down: "mlp.down_proj",
    ]
    switch architecture {
    case .llama:
      stems[.feedForwardNorm] = "post_attention_layernorm"
    case .gemma3:
      stems[.postAttentionNorm] = "post_attention_layernorm"
      stems[.feedForwardNorm] = "pre_feedforward_layernorm"
      stems[.postFeedForwardNorm] = "post_feedforward_layernorm"
    }
    return DecoderTensorNames(embedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight",
                              head: "lm_head.weight", layerPrefix: "model.layers.", stems: stems)
  }

  /// llama.cpp's names (the same for every architecture).
  public static let gguf = DecoderTensorNames(
    embedding: "token_embd.weight", finalNorm: "output_norm.weight", head: "output.weight", layerPrefix: "blk.",
    stems: [
      .attentionNorm: "attn_norm", .query: "attn_q", .key: "attn_k", .value: "attn_v", .output: "attn_output",
      .queryNorm: "attn_q_norm", .keyNorm: "attn_k_norm", .postAttentionNorm: "post_attention_norm",
      .feedForwardNorm: "ffn_norm", .gate: "ffn_gate", .up: "ffn_up", .down: "ffn_down", .postFeedForwardNorm: "post_ffw_norm",
    ])
}
