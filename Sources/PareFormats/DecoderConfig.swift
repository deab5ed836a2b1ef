import Foundation

/// Everything a decoder language model's forward pass needs: the Llama family (`llama`,
/// `mistral`, `qwen2`, `qwen3`) and Gemma 3 (`gemma3_text`), from a Hugging Face config.json
/// (`load(configData:file:weights:)`) or built by the caller from GGUF metadata (`init`).
///
/// Facts a GGUF source must set right, since nothing un-permutes or rewrites weights:
/// - RoPE pairing: Hugging Face checkpoints rotate halves, pairs (i, i + d/2) (llama.cpp's "neox"
///   rope). llama.cpp's converter permutes the q/k rows of `llama`-architecture models so that
///   its "normal" rope rotates adjacent pairs (2i, 2i + 1): such a GGUF needs `.adjacent`;
///   GGUF gemma3, qwen2 and qwen3 keep `.halves` (llama.cpp's "neox" rope, rows as in HF).
/// - RMSNorm weights: Hugging Face Gemma multiplies by (1 + w) (`normWeightOffset` 1); llama.cpp's
///   gemma converter stores w + 1 already, so a GGUF gemma multiplies by w (offset 0).
/// - GGUF gemma3: local (sliding) layers use RoPE base 10000, global ones
///   `gemma3.rope.freq_base`; the window is `gemma3.attention.sliding_window`; every 6th layer
///   is global (layers 5, 11, 17 of 18).
/// - Tensor names follow `DecoderTensorNames.gguf`; every weight is [out, in] row-major as in
///   Hugging Face (GGUF lists dimensions innermost first).
public struct DecoderConfig: Sendable, Equatable {
  /// Which block layout the layers have.
  public enum Architecture: String, Sendable, Equatable {
    /// Pre-norm blocks: x + attn(norm(x)), then x + mlp(norm(x)).
    case llama
    /// Gemma 3: norms before and after attention and MLP, embeddings scaled by √width.
    case gemma3
  }

  /// The gated MLP's nonlinearity, applied to the gate projection.
  public enum Activation: String, Sendable, Equatable {
    /// x·σ(x) (`silu`).
    case silu
    /// GELU with the tanh approximation (`gelu_pytorch_tanh`).
    case geluTanh
  }

  /// Which features of a head RoPE rotates together.
  public enum RopePairing: String, Sendable, Equatable {
    /// (i, i + d/2): Hugging Face, llama.cpp "neox".
    case halves
    /// (2i, 2i + 1): llama.cpp "normal", for its permuted llama q/k rows.
    case adjacent
  }

  /// How the RoPE frequencies are rescaled for longer contexts.
  public enum RopeScaling: Sendable, Equatable {
    case none
    /// Every frequency divided by `factor` (positions divided by it).
    case linear(factor: Double)
    /// Llama 3.1's: low frequencies divided by `factor`, high ones kept, a smooth blend between.
    case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalMaxPositions: Int)
  }

  /// RoPE of one kind of layer: its base (θ), scaling and per-frequency factors.
  public struct Rope: Sendable, Equatable {
    public var base: Double
    public var scaling: RopeScaling
    /// Divisors of the frequencies one by one, `headDim / 2` of them, or empty: llama.cpp's
    /// `rope_freqs.weight` (ggml_rope_ext's freq_factors), which is how its converter stores Llama
    /// 3.1's llama3 scaling in a GGUF (the same frequencies as `RopeScaling.llama3`, in Float32).
    public var frequencyFactors: [Double]

    public init(base: Double, scaling: RopeScaling = .none, frequencyFactors: [Double] = []) {
      (self.base, self.scaling, self.frequencyFactors) = (base, scaling, frequencyFactors)
    }

    /// The `headDim / 2` rotation frequencies: base^(−2i/d), rescaled (transformers'
    /// `_compute_default_rope_parameters`, `_compute_linear_…`, `_compute_llama3_parameters`),
    /// then divided by the frequency factors if there are any.
    public func inverseFrequencies(headDim: Int) -> [Double] {
      (0..<(headDim / 2)).map { i in
        let f = 1 / pow(base, Double(2 * i) / Double(headDim))
        let scaled: Double
        switch scaling {
        case .none: scaled = f
        case let .linear(factor): scaled = f / factor
        case let .llama3(factor, low, high, original):
          let wavelength = 2 * Double.pi / f, old = Double(original)
          if wavelength < old / high { scaled = f } else if wavelength > old / low { scaled = f / factor } else {
            let smooth = (old / wavelength - low) / (high - low)
            scaled = (1 - smooth) * f / factor + smooth * f
          }
        }
        return frequencyFactors.indices.contains(i) ? scaled / frequencyFactors[i] : scaled
      }
    }
  }

  /// The Hugging Face `model_type` (or the GGUF architecture), for messages.
  public var modelType: String
  public var architecture: Architecture
  /// Rows of the embedding table and of the head.
  public var vocabSize: Int
  /// Width of every token state (`hidden_size`).
  public var hiddenSize: Int
  /// Transformer blocks (`num_hidden_layers`).
  public var layerCount: Int
  /// Query heads (`num_attention_heads`).
  public var headCount: Int
  /// Key/value heads (`num_key_value_heads`); query head h reads KV head h / (heads / kvHeads).
  public var kvHeadCount: Int
  /// Features per head (`head_dim`, which need not be hidden / heads).
  public var headDim: Int
  /// Width of the gated MLP (`intermediate_size`).
  public var intermediateSize: Int
  /// Epsilon of every RMSNorm.
  public var rmsNormEps: Float
  /// RoPE of full-attention layers (all layers of the Llama family).
  public var globalRope: Rope
  /// RoPE of sliding-window layers (Gemma 3's `rope_local_base_freq`).
  public var localRope: Rope
  /// Keys a sliding layer sees: position i sees j when j ≤ i and i − j < window.
  public var slidingWindow: Int?
  /// Per layer, whether it attends through the sliding window (`layerCount` entries), or empty:
  /// every layer does when `slidingWindow` is set (Mistral).
  public var slidingLayers: [Bool]
  /// Multiplies Q·Kᵀ: 1/√head_dim, Gemma's `query_pre_attn_scalar`^(−1/2).
  public var queryScale: Float
  /// Whether q, k and v projections have biases (Qwen2, `attention_bias`).
  public var qkvBias: Bool
  /// Whether the output projection has a bias (`attention_bias`).
  public var outputBias: Bool
  /// Whether q and k are RMS-normalised per head before RoPE (Qwen3, Gemma 3).
  public var qkNorm: Bool
  /// Whether the head is the embedding table (`tie_word_embeddings`).
  public var tiedHead: Bool
  /// Added to every RMSNorm weight: 1 for Hugging Face Gemma's (1 + w), else 0.
  public var normWeightOffset: Float
  /// Multiplies the embeddings: √hidden for Gemma, else 1.
  public var embeddingScale: Float
  public var activation: Activation
  public var ropePairing: RopePairing
  /// The positions the model was trained for (informational; longer windows still run).
  public var maxPositions: Int
  /// Where every tensor is.
  public var names: DecoderTensorNames

  /// A config from its parts, for sources other than config.json (GGUF metadata). Gemma's
  /// defaults differ; pass every field that the source states.
  public init(
    modelType: String, architecture: Architecture, vocabSize: Int, hiddenSize: Int, layerCount: Int,
    headCount: Int, kvHeadCount: Int, headDim: Int, intermediateSize: Int, rmsNormEps: Float,
    globalRope: Rope, localRope: Rope? = nil, slidingWindow: Int? = nil, slidingLayers: [Bool]? = nil,
    queryScale: Float? = nil, qkvBias: Bool = false, outputBias: Bool = false, qkNorm: Bool = false,
    tiedHead: Bool, normWeightOffset: Float = 0, embeddingScale: Float = 1, activation: Activation = .silu,
    ropePairing: RopePairing = .halves, maxPositions: Int = 0, names: DecoderTensorNames
  ) {
    (self.modelType, self.architecture, self.vocabSize, self.hiddenSize, self.layerCount) =
      (modelType, architecture, vocabSize, hiddenSize, layerCount)
    (self.headCount, self.kvHeadCount, self.headDim, self.intermediateSize, self.rmsNormEps) =
      (headCount, kvHeadCount, headDim, intermediateSize, rmsNormEps)
    (self.globalRope, self.localRope, self.slidingWindow) = (globalRope, localRope ?? globalRope, slidingWindow)
    self.slidingLayers = slidingLayers ?? []
    self.queryScale = queryScale ?? 1 / Float(headDim).squareRoot()
    (self.qkvBias, self.outputBias, self.qkNorm, self.tiedHead) = (qkvBias, outputBias, qkNorm, tiedHead)
    (self.normWeightOffset, self.embeddingScale, self.activation, self.ropePairing) =
      (normWeightOffset, embeddingScale, activation, ropePairing)
    (self.maxPositions, self.names) = (maxPositions, names)
  }

  /// Whether layer `layer` attends through the sliding window, and how far.
  public func window(ofLayer layer: Int) -> Int? {
    guard !slidingLayers.isEmpty else { return slidingWindow }
    return slidingLayers.indices.contains(layer) && slidingLayers[layer] ? slidingWindow : nil
  }

  /// The RoPE of layer `layer`: local for sliding layers of Gemma 3, else global.
  public func rope(ofLayer layer: Int) -> Rope {
    architecture == .gemma3 && window(ofLayer: layer) != nil ? localRope : globalRope
  }
}
