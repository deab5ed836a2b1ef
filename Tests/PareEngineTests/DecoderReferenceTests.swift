import Foundation
import Testing
@testable import PareCore
@testable import PareEngine
@testable import PareFormats

/// Logits of the tiny decoders against scripts/decoder_reference.py's numpy forward (float64,
/// no shared code), which the script checked against transformers.
struct DecoderReferenceTests {
  @Test(arguments: DecoderFixture.names)
  func logitsMatchTheNumpyReference(name: String) throws {
    let network = try DecoderFixture.network(name)
    let ids = try DecoderFixture.ids(name)
    #expect(ids.count == 64)
    let logits = try network.logits(window: ids)
    let expected = try DecoderFixture.expectedLogits(name)
    #expect(logits.shape == expected.shape)
    let difference = relativeDifference(logits, expected)
    #expect(difference <= 1e-3, "\(name): max |difference| / max |logit| = \(difference)")
    print("\(name): max |difference| / max |logit| \(difference)")
  }

  @Test func configsSayWhatTheFixturesAre() throws {
    let llama3 = try DecoderFixture.config("llama3-tied")
    #expect(llama3.tiedHead && llama3.architecture == .llama && llama3.activation == .silu)
    #expect(llama3.globalRope == .init(base: 10000, scaling: .llama3(factor: 4, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositions: 64)))
    let mistral = try DecoderFixture.config("mistral-sharded")
    #expect(mistral.slidingWindow == 16 && mistral.window(ofLayer: 1) == 16 && !mistral.tiedHead)
    let qwen2 = try DecoderFixture.config("qwen2")
    #expect(qwen2.qkvBias && !qwen2.outputBias && !qwen2.qkNorm && qwen2.window(ofLayer: 0) == nil)
    let qwen3 = try DecoderFixture.config("qwen3")
    #expect(qwen3.qkNorm && qwen3.headDim == 24 && !qwen3.qkvBias)
    let gemma = try DecoderFixture.config("gemma3")
    #expect(gemma.architecture == .gemma3 && gemma.tiedHead && gemma.normWeightOffset == 1 && gemma.activation == .geluTanh)
    #expect(gemma.slidingLayers == [true, false, true] && gemma.slidingWindow == 8)
    #expect(gemma.rope(ofLayer: 0) == .init(base: 10000) && gemma.rope(ofLayer: 1) == .init(base: 1e6, scaling: .linear(factor: 2)))
    #expect(abs(gemma.queryScale - 1 / Float(24).squareRoot()) < 1e-7 && gemma.embeddingScale == 8)
  }

  /// The v4 layout of Gemma 3's keys (rope_theta + rope_scaling, rope_local_base_freq,
  /// sliding_window_pattern) gives the same config as the v5 layout the fixture has.
  @Test func gemmaV4KeysGiveTheSameConfig() throws {
    let data = try DecoderFixture.editedConfig("gemma3") { object in
      object["rope_parameters"] = nil
      object["layer_types"] = nil
      object["_sliding_window_pattern"] = nil
      object["sliding_window_pattern"] = 2
      object["rope_theta"] = 1e6
      object["rope_local_base_freq"] = 1e4
      object["rope_scaling"] = ["rope_type": "linear", "factor": 2.0]
    }
    let v4 = try DecoderConfig.load(configData: data, file: "config.json", weights: DecoderFixture.weights("gemma3"))
    #expect(v4 == (try DecoderFixture.config("gemma3")))
  }

  /// llama3 scaling by hand for head_dim 16, base 10000, factor 4, original 64, factors 1 and 4:
  /// wavelengths below 16 are kept, above 64 divided by 4, between blended.
  @Test func llama3FrequenciesFollowTheWavelengths() {
    let rope = DecoderConfig.Rope(base: 10000, scaling: .llama3(factor: 4, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositions: 64))
    let plain = DecoderConfig.Rope(base: 10000).inverseFrequencies(headDim: 16)
    let scaled = rope.inverseFrequencies(headDim: 16)
    #expect(scaled[0] == plain[0])  // wavelength 2π
    let smooth = (64 / (2 * Double.pi / plain[1]) - 1) / 3
    #expect(abs(scaled[1] - ((1 - smooth) * plain[1] / 4 + smooth * plain[1])) < 1e-15)
    #expect(scaled[3] == plain[3] / 4)  // wavelength 2π·10000^(3/8) ≈ 199
  }

  /// llama.cpp's converter permutes each head's q/k rows so that row 2i + j holds what row
  /// j·d/2 + i held; with adjacent RoPE pairs the permuted weights give the same logits.
  @Test func permutedWeightsWithAdjacentPairsGiveTheSameLogits() throws {
    let name = "llama"
    var config = try DecoderFixture.config(name)
    let weights = try DecoderFixture.weights(name)
    let d = config.headDim
    func permuted(_ tensor: Tensor, heads: Int) throws -> Tensor {
      let width = tensor.shape[1]
      var scalars = tensor.scalars
      for h in 0..<heads {
        for i in 0..<(d / 2) {
          for j in 0..<2 {
            let to = h * d + 2 * i + j, from = h * d + j * (d / 2) + i
            for c in 0..<width { scalars[to * width + c] = tensor.scalars[from * width + c] }
          }
        }
      }
      return try Tensor(shape: tensor.shape, scalars: scalars)
    }
    config.ropePairing = .adjacent
    let network = try DecoderNetwork(config: config) { name in
      let tensor = try weights.tensor(named: name)
      if name.hasSuffix("q_proj.weight") { return try permuted(tensor, heads: config.headCount) }
      if name.hasSuffix("k_proj.weight") { return try permuted(tensor, heads: config.kvHeadCount) }
      return tensor
    }
    let ids = try DecoderFixture.ids(name)
    #expect(relativeDifference(try network.logits(window: ids), try DecoderFixture.expectedLogits(name)) <= 1e-3)
  }

  /// A config built field by field as from GGUF metadata, over the gemma3 fixture's tensors under
  /// llama.cpp's names with the norms stored as 1 + w (offset 0): the reference's logits.
  @Test func ggufNamesAndStoredNormsGiveTheSameLogits() throws {
    let hf = try DecoderFixture.config("gemma3")
    let weights = try DecoderFixture.weights("gemma3")
    let gguf = DecoderConfig(
      modelType: "gemma3", architecture: .gemma3, vocabSize: 256, hiddenSize: 64, layerCount: 3, headCount: 4,
      kvHeadCount: 2, headDim: 16, intermediateSize: 80, rmsNormEps: 1e-6,
      globalRope: .init(base: 1e6, scaling: .linear(factor: 2)), localRope: .init(base: 10000), slidingWindow: 8,
      slidingLayers: [true, false, true], queryScale: 1 / Float(24).squareRoot(), qkNorm: true, tiedHead: true,
      normWeightOffset: 0, embeddingScale: Float(64).squareRoot(), activation: .geluTanh, names: .gguf)
    let ggufNames = gguf.tensorShapes.map(\.name)
    #expect(ggufNames.contains("blk.2.post_ffw_norm.weight") && ggufNames.first == "token_embd.weight")
    let huggingFace = Dictionary(uniqueKeysWithValues: zip(ggufNames, hf.tensorShapes.map(\.name)))
    let network = try DecoderNetwork(config: gguf) { name in
      guard let original = huggingFace[name] else { return nil }
      var tensor = try weights.tensor(named: original)
      if tensor.rank == 1 { for i in tensor.scalars.indices { tensor.scalars[i] += 1 } }
      return tensor
    }
    let ids = try DecoderFixture.ids("gemma3")
    #expect(relativeDifference(try network.logits(window: ids), try DecoderFixture.expectedLogits("gemma3")) <= 1e-3)
    #expect(network.layerIndex(ofTensor: "blk.1.attn_q_norm.weight") == 2 && network.layerIndex(ofTensor: "output_norm.weight") == 4)
  }

  /// transformers v5's `rope_parameters` for llama3 scaling read as v4's rope_theta + rope_scaling.
  @Test func llamaV5RopeParametersGiveTheSameConfig() throws {
    let data = try DecoderFixture.editedConfig("llama3-tied") { object in
      var parameters = object["rope_scaling"] as? [String: Any] ?? [:]
      parameters["rope_theta"] = object["rope_theta"]
      object["rope_parameters"] = parameters
      object["rope_scaling"] = nil
      object["rope_theta"] = nil
    }
    let v5 = try DecoderConfig.load(configData: data, file: "config.json", weights: DecoderFixture.weights("llama3-tied"))
    #expect(v5 == (try DecoderFixture.config("llama3-tied")))
  }
}
