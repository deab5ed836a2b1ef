import PareFormats

extension LlamaQuantMix {
  /// A tensor's role as llama.cpp's `tensor_get_category` sees it from its name.
  enum Category {
    case tokenEmbedding, attentionQ, attentionV, attentionK, attentionQKV, attentionKVB, attentionOutput
    case ffnUp, ffnGate, ffnDown, output, other

    init(name: String) {
      if name == "output.weight" { self = .output; return }
      if name == "token_embd.weight" || name == "per_layer_token_embd.weight" { self = .tokenEmbedding; return }
      // Searched in this order: "attn_kv_b" before "attn_v", since the names share text.
      let parts: [(String, Category)] = [
        ("attn_qkv.weight", .attentionQKV), ("attn_kv_b.weight", .attentionKVB), ("attn_v.weight", .attentionV),
        ("attn_k.weight", .attentionK), ("attn_q.weight", .attentionQ), ("attn_output.weight", .attentionOutput),
        ("ffn_up", .ffnUp), ("ffn_gate", .ffnGate), ("ffn_down", .ffnDown),
      ]
      self = parts.first { name.contains($0.0) }?.1 ?? .other
    }

    /// attn_v and the fused tensors holding it (`category_is_attn_v`).
    var isAttentionV: Bool { self == .attentionV || self == .attentionQKV || self == .attentionKVB }
  }

  /// `quantize_state_impl`: the counters the rules advance tensor by tensor, so a tensor's type
  /// depends on how many of its kind came before it in llama.cpp's order.
  struct Rules {
    let mix: LlamaQuantMix
    let model: Model
    let attentionVCount: Int
    let tiedEmbeddings: Bool
    var attentionV = 0, ffnDown = 0, ffnGate = 0, ffnUp = 0
    var fallbacks: [String] = []

    /// The counters for a model whose tensors are `names` (all of them, quantized or not, as
    /// `init_quantize_state_counters` counts).
    init(mix: LlamaQuantMix, model: Model, names: [String]) {
      (self.mix, self.model) = (mix, model)
      let categories = names.map(Category.init(name:))
      attentionVCount = categories.filter(\.isAttentionV).count
      tiedEmbeddings = !categories.contains(.output)
    }

    /// `llama_tensor_get_type` for a tensor llama.cpp quantizes, with rows of `rowLength`.
    mutating func type(name: String, rowLength: Int) -> GGMLType {
      let chosen = rule(Category(name: name), default: mix.fileType.defaultType, rowLength: rowLength)
      return fallback(name: name, chosen, rowLength: rowLength)
    }

    /// `use_more_bits`: the first and last eighth of the layers and every third between.
    static func usesMoreBits(_ layer: Int, of layers: Int) -> Bool {
      layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2
    }

    /// `llama_tensor_get_type_impl`, for the file types of `FileType`, the llama-like
    /// architectures (not Falcon) and no experts.
    private mutating func rule(_ category: Category, default defaultType: GGMLType, rowLength: Int) -> GGMLType {
      let ftype = mix.fileType
      var type = defaultType
      // The output head, and a token embedding that is also the head (tied).
      if category == .output || (tiedEmbeddings && category == .tokenEmbedding) {
        if rowLength % type.blockSize != 0 {
          type = .q8_0
        } else if type != .q8_0 {
          type = .q6_k
        }
        return type
      }
      switch category {
      case .tokenEmbedding:
        break  // only the IQ and ternary file types change it
      case _ where category.isAttentionV:
        let i = attentionV, n = attentionVCount
        switch ftype {
        case .q2_k: type = model.groupedQueries >= 4 ? .q4_k : .q3_k
        case .q3_k_m: type = i < 2 ? .q5_k : .q4_k
        case .q3_k_l: type = .q5_k
        case .q4_k_m, .q5_k_m: if Self.usesMoreBits(i, of: n) { type = .q6_k }
        case .q4_k_s: if i < 4 { type = .q5_k }
        default: break
        }
        if model.is70B && (type == .q3_k || type == .q4_k) { type = .q5_k }
        attentionV += 1
      case .ffnDown:
        let i = ffnDown, n = model.layers
        switch ftype {
        case .q2_k: type = .q3_k
        case .q3_k_m: type = i < n / 16 ? .q5_k : .q4_k  // (q3_k on Falcon only)
        case .q3_k_l: type = .q5_k
        case .q4_k_m: if Self.usesMoreBits(i, of: n) { type = .q6_k }
        case .q5_k_m: if Self.usesMoreBits(i, of: n) { type = .q6_k }
        case .q4_k_s: if i < n / 8 { type = .q5_k }
        case .q4_0: if mix.imatrix && i < n / 8 { type = .q4_1 }
        case .q5_0: if mix.imatrix && i < n / 8 { type = .q5_1 }
        default: break
        }
        ffnDown += 1
      case .attentionOutput:
        switch ftype {
        case .q2_k: type = .q3_k
        case .q3_k_m: type = .q4_k
        case .q3_k_l: type = .q5_k
        default: break
        }
      case .ffnGate:
        ffnGate += 1  // only IQ3_XS changes it
      case .ffnUp:
        ffnUp += 1
      default:
        break
      }
      return type
    }

    /// `tensor_type_fallback`: a type whose block does not divide the rows is replaced by one of
    /// 32-element blocks (q2_k and q3_k by q4_0, q4_k by q5_0, q5_k by q5_1, q6_k by q8_0), and
    /// by F16 when even that does not fit.
    private mutating func fallback(name: String, _ type: GGMLType, rowLength: Int) -> GGMLType {
      guard rowLength % type.blockSize != 0 else { return type }
      fallbacks.append(name)
      var replacement: GGMLType = switch type {
      case .q2_k, .q3_k: .q4_0
      case .q4_k: .q5_0
      case .q5_k: .q5_1
      case .q6_k: .q8_0
      default: type
      }
      if rowLength % replacement.blockSize != 0 { replacement = .f16 }
      return replacement
    }
  }
}
