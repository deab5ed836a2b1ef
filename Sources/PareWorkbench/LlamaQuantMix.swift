import PareFormats

/// llama.cpp's quantization mixes: the ggml type `llama-quantize` gives each tensor of a model
/// for a file type such as Q4_K_M, as `llama_tensor_get_type` in src/llama-quant.cpp (llama.cpp
/// as vendored by llama-cpp-python 0.3.36) chooses it, fallbacks included.
///
/// The mix is a function of the tensors' names and shapes and four numbers of the model (its
/// architecture, block count and head counts), never of the values, so `pare search --like`
/// knows the exact size of llama.cpp's file before anything is quantized. The rules are those
/// that apply to the architectures Pare runs (llama, qwen2, qwen3, gemma3): no experts, no
/// importance-matrix-only types. `scripts/check_llama_mix.py` checks them against the files
/// llama.cpp writes, tensor for tensor.
public struct LlamaQuantMix: Sendable, Equatable {
  /// The file type (`--like q4_k_m`).
  public let fileType: FileType
  /// Whether an importance matrix is given: it changes Q4_0's and Q5_0's first ffn_down tensors.
  public let imatrix: Bool

  /// The mix of `fileType`.
  public init(fileType: FileType, imatrix: Bool = false) { (self.fileType, self.imatrix) = (fileType, imatrix) }

  /// llama.cpp's `llama_ftype`s Pare reproduces, by the names `llama-quantize` takes (lowercase).
  public enum FileType: String, Sendable, CaseIterable {
    case q2_k, q3_k_s, q3_k_m, q3_k_l, q4_0, q4_1, q5_0, q5_1, q4_k_s, q4_k_m, q5_k_s, q5_k_m, q6_k, q8_0

    /// `q4_k_m`, `Q4_K_M` (any case); an unknown name is refused with the list.
    public init(parsing text: String) throws(LlamaQuantMixError) {
      guard let type = Self(rawValue: text.lowercased()) else {
        throw LlamaQuantMixError("unknown llama.cpp file type '\(text)' (expected one of \(Self.list))")
      }
      self = type
    }

    /// "q2_k, q3_k_s, ...": the names for messages and help.
    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The name as llama.cpp prints it ("Q4_K_M").
    public var displayName: String { rawValue.uppercased() }

    /// llama.cpp's `llama_ftype` number (GGUF's `general.file_type`).
    public var id: Int {
      switch self {
      case .q4_0: 2
      case .q4_1: 3
      case .q8_0: 7
      case .q5_0: 8
      case .q5_1: 9
      case .q2_k: 10
      case .q3_k_s: 11
      case .q3_k_m: 12
      case .q3_k_l: 13
      case .q4_k_s: 14
      case .q4_k_m: 15
      case .q5_k_s: 16
      case .q5_k_m: 17
      case .q6_k: 18
      }
    }

    /// The type of every tensor no rule changes (`llama_ftype_get_default_type`).
    public var defaultType: GGMLType {
      switch self {
      case .q4_0: .q4_0
      case .q4_1: .q4_1
      case .q5_0: .q5_0
      case .q5_1: .q5_1
      case .q8_0: .q8_0
      case .q2_k: .q2_k
      case .q3_k_s, .q3_k_m, .q3_k_l: .q3_k
      case .q4_k_s, .q4_k_m: .q4_k
      case .q5_k_s, .q5_k_m: .q5_k
      case .q6_k: .q6_k
      }
    }
  }

  /// What the rules need to know of the model besides its tensors.
  public struct Model: Sendable, Equatable {
    /// llama.cpp's architecture name (`general.architecture`): llama, qwen2, qwen3 or gemma3.
    public var architecture: String
    /// Transformer blocks (`block_count`): the ffn counters' total.
    public var layers: Int
    /// Attention heads and key/value heads of the first block (their ratio is `n_gqa`).
    public var heads: Int, kvHeads: Int

    public init(architecture: String, layers: Int, heads: Int, kvHeads: Int) {
      (self.architecture, self.layers, self.heads, self.kvHeads) = (architecture, layers, heads, kvHeads)
    }

    /// llama.cpp's `n_gqa()`: query heads per key/value head.
    var groupedQueries: Int { kvHeads > 0 ? heads / kvHeads : 0 }

    /// llama.cpp's `LLM_TYPE_70B`, whose attn_v gets more bits: an 80-block llama with grouped
    /// queries (models/llama.cpp) or an 80-block qwen2 (models/qwen2.cpp).
    var is70B: Bool {
      layers == 80 && (architecture == "qwen2" || (architecture == "llama" && heads != kvHeads))
    }
  }

  /// The architectures whose rules are reproduced here.
  public static let architectures = ["llama", "qwen2", "qwen3", "gemma3"]

  /// Each tensor's type in the mix and which fell back.
  public struct Assignment: Sendable, Equatable {
    /// The type of every tensor llama.cpp quantizes; the others (norms, vectors) stay as stored.
    public let types: [String: GGMLType]
    /// Tensors whose rows did not fit the type the rules chose, in llama.cpp's order (its
    /// "N of M tensor(s) required fallback quantization").
    public let fallbacks: [String]
  }

  /// The mix for `tensors` (GGUF names and Pare's shapes, [rows, columns]: ggml's `ne` reversed)
  /// of `model`. Throws for an architecture not in `architectures`.
  public func assign(_ tensors: [(name: String, shape: [Int])], model: Model) throws(LlamaQuantMixError) -> Assignment {
    guard Self.architectures.contains(model.architecture) else {
      throw LlamaQuantMixError("no llama.cpp mix rules for architecture '\(model.architecture)' "
        + "(Pare reproduces them for \(Self.architectures.joined(separator: ", ")))")
    }
    guard model.layers > 0 else { throw LlamaQuantMixError("a model with no blocks has no llama.cpp mix") }
    var rules = Rules(mix: self, model: model, names: tensors.map(\.name))
    var types: [String: GGMLType] = [:]
    for tensor in Self.llamaOrder(tensors) where Self.quantizes(name: tensor.name, shape: tensor.shape) {
      types[tensor.name] = rules.type(name: tensor.name, rowLength: tensor.shape.last ?? 1)
    }
    return Assignment(types: types, fallbacks: rules.fallbacks)
  }

  /// `assign(_:model:).types`.
  public func types(for tensors: [(name: String, shape: [Int])], model: Model) throws(LlamaQuantMixError) -> [String: GGMLType] {
    try assign(tensors, model: model).types
  }

  /// Bytes of a tensor of `shape` stored as `type`: whole rows of whole blocks (nil when the rows
  /// do not fit the type's block).
  public static func bytes(of type: GGMLType, shape: [Int]) -> Int? {
    let rowLength = shape.last ?? 1
    guard rowLength % type.blockSize == 0 else { return nil }
    let elements = shape.reduce(1, *)
    return elements / type.blockSize * type.bytesPerBlock
  }

  /// Whether llama.cpp quantizes the tensor at all (`tensor_allows_quantization`): matrices
  /// (two or more axes longer than one, as `ggml_n_dims` counts them) whose names end in
  /// "weight", except norms, position embeddings, token types and the few small tensors the
  /// function names.
  public static func quantizes(name: String, shape: [Int]) -> Bool {
    // ggml_n_dims: the axes up to the last one longer than 1 (ne is the shape reversed).
    let ne = Array(shape.reversed())
    let dims = (ne.lastIndex(where: { $0 > 1 }) ?? 0) + 1
    guard dims >= 2, name.hasSuffix("weight") else { return false }
    let excludedParts = ["_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel",
                         "per_layer_model_proj", "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight",
                         "indexer.q_proj.weight", "attn_rel_b.weight", ".position_embd", ".rel_pos", ".patch_embd",
                         "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
                         "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight",
                         "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight",
                         "time_mix_decay_w1.weight", "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight"]
    if excludedParts.contains(where: { name.contains($0) }) { return false }
    return name != "position_embd.weight" && name != "token_types.weight"
  }

  /// The order llama.cpp visits tensors in (`llama_model_loader::weights_map`): tensors outside
  /// the blocks first, then block by block, by name within each.
  static func llamaOrder(_ tensors: [(name: String, shape: [Int])]) -> [(name: String, shape: [Int])] {
    tensors.map { (key: (block($0.name) ?? -1, $0.name), tensor: $0) }
      .sorted { $0.key.0 != $1.key.0 ? $0.key.0 < $1.key.0 : $0.key.1.utf8.lexicographicallyPrecedes($1.key.1.utf8) }
      .map(\.tensor)
  }

  /// N of "blk.N.…" (the number `sscanf(name, "blk.%d.")` reads), nil for other names.
  static func block(_ name: String) -> Int? {
    guard name.hasPrefix("blk.") else { return nil }
    let digits = name.dropFirst(4).prefix { $0.isASCII && $0.isNumber }
    return digits.isEmpty ? nil : Int(digits)
  }
}

/// A file type or model the mixes do not cover; one line.
public struct LlamaQuantMixError: Error, Equatable, CustomStringConvertible {
  /// The reason.
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}
