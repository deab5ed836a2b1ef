import Foundation
import Testing
@testable import PareCore
@testable import PareEngine
@testable import PareFormats

/// config.json refused with one line naming the file and the key or tensor.
struct DecoderConfigTests {
  func error(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> ModelError? {
    let data = try DecoderFixture.editedConfig(name, change), weights = try DecoderFixture.weights(name)
    do {
      _ = try DecoderConfig.load(configData: data, file: "dir/config.json", weights: weights)
      return nil
    } catch { return error }
  }

  @Test func aMissingLayerIsNamedWithoutAllocating() throws {
    let e = try #require(try error("llama") { $0["num_hidden_layers"] = 1_000_000 })
    #expect(e.file == "dir/config.json")
    #expect(e.message.contains("tensor 'model.layers.2.input_layernorm.weight' [64] is missing"), "\(e)")
  }

  @Test func aWrongShapeNamesTheWeightsFileAndTensor() throws {
    let e = try #require(try error("qwen3") { $0["intermediate_size"] = 81 })
    #expect(e.file.hasSuffix("qwen3/model.safetensors"))
    #expect(e.message == "tensor 'model.layers.0.mlp.gate_proj.weight' has shape [80, 64], expected [81, 64] from the config")
  }

  @Test func anUntiedHeadMustBeThere() throws {
    let e = try #require(try error("qwen2") { $0["tie_word_embeddings"] = false })
    #expect(e.message.contains("tensor 'lm_head.weight' [256, 64] is missing"), "\(e)")
  }

  @Test func unsupportedRopeScalingIsNamed() throws {
    let e = try #require(try error("llama3-tied") { $0["rope_scaling"] = ["rope_type": "yarn", "factor": 4.0] })
    #expect(e.message == "rope type 'yarn' is not supported; Pare runs default, linear and llama3 RoPE")
    let missing = try #require(try error("llama3-tied") { $0["rope_scaling"] = ["rope_type": "llama3", "factor": 4.0] })
    #expect(missing.message == "rope_scaling.low_freq_factor is missing")
  }

  @Test func unsupportedModelTypesAreNamed() throws {
    let vision = try #require(try error("gemma3") { $0["model_type"] = "gemma3" })
    #expect(vision.message.contains("model_type 'gemma3' is not a decoder Pare runs") && vision.message.contains("gemma3_text"))
    let phi = try #require(try error("llama") { $0["model_type"] = "phi3" })
    #expect(phi.message.hasPrefix("model_type 'phi3' is not a decoder Pare runs (llama, mistral, qwen2, qwen3, gemma3_text)"))
    let act = try #require(try error("llama") { $0["hidden_act"] = "gelu" })
    #expect(act.message == "hidden_act 'gelu' is not supported for llama; expected silu")
    let softcap = try #require(try error("gemma3") { $0["final_logit_softcapping"] = 30.0 })
    #expect(softcap.message.hasPrefix("final_logit_softcapping is set"))
  }

  @Test func inconsistentSizesAreRefused() throws {
    let heads = try #require(try error("llama") { $0["num_key_value_heads"] = 3 })
    #expect(heads.message == "num_attention_heads 4 is not a multiple of num_key_value_heads 3")
    let types = try #require(try error("gemma3") { $0["layer_types"] = ["full_attention"] })
    #expect(types.message == "layer_types has 1 entries for 3 layers")
    let negative = try #require(try error("llama") { $0["vocab_size"] = -1 })
    #expect(negative.message == "vocab_size is -1; it must be positive")
    let string = try #require(try error("llama") { $0["hidden_size"] = "64" })
    #expect(string.message == "hidden_size must be an integer, not a string")
  }

  /// The GGUF names of llama.cpp, for configs built from GGUF metadata.
  @Test func ggufNames() {
    let names = DecoderTensorNames.gguf
    #expect(names.weight(.query, layer: 3) == "blk.3.attn_q.weight" && names.bias(.key, layer: 0) == "blk.0.attn_k.bias")
    #expect(names.weight(.postFeedForwardNorm, layer: 5) == "blk.5.post_ffw_norm.weight")
    #expect(names.weight(.feedForwardNorm, layer: 0) == "blk.0.ffn_norm.weight" && names.head == "output.weight")
  }
}
