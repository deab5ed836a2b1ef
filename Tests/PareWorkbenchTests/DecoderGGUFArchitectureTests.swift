import Foundation
import PareCore
import PareEngine
import PareFormats
@testable import PareWorkbench
import Testing

/// GGUFs that llama.cpp's own converter wrote (scripts/convert_tiny_ggufs.py, F32) from the tiny
/// Hugging Face decoders: qwen2 (q/k/v biases, tied head), qwen3 (per-head q/k norms, head_dim
/// 24) and a llama with Llama 3.1's rope scaling, which the converter stores as the per-frequency
/// factors rope_freqs.weight. Each gives the logits of the checkpoint it was converted from
/// (expected.safetensors, numpy's float64 forward checked against transformers).
@Suite struct DecoderGGUFArchitectureTests {
  static func path(_ relative: String) -> String { DecoderLanguageModelTests.path(relative) }
  static func converted(_ name: String) -> String { path("Tests/PareWorkbenchTests/Fixtures/converted-gguf/\(name)") }
  static func decoder(_ name: String) -> String { path("Tests/PareEngineTests/Fixtures/decoders/\(name)") }
  static func input(_ name: String) -> String { path("Tests/inputs/gguf-models/\(name)") }

  @Test(arguments: [("tiny-qwen2.gguf", "qwen2"), ("tiny-qwen3.gguf", "qwen3"), ("tiny-llama3-rope.gguf", "llama3-tied")])
  func aConvertedGGUFGivesTheHuggingFaceLogits(gguf: String, checkpoint: String) throws {
    let model = try DecoderLanguageModelTests.family(Self.converted(gguf))
    let difference = try DecoderLanguageModelTests.logitsDifference(model, fixture: Self.decoder(checkpoint))
    // The same tolerance as tiny-llama.gguf's test (DecoderLanguageModelTests).
    #expect(difference <= 1e-3, "\(gguf): max |difference| / max |logit| = \(difference)")
  }

  /// What each file's metadata and tensors make of the config: the same model as its config.json.
  @Test func theConfigsMatchTheirCheckpoints() throws {
    let qwen2 = try DecoderLanguageModelTests.family(Self.converted("tiny-qwen2.gguf")).config
    #expect(qwen2.modelType == "qwen2" && qwen2.architecture == .llama && qwen2.ropePairing == .halves)
    #expect(qwen2.qkvBias && !qwen2.outputBias && !qwen2.qkNorm && qwen2.tiedHead && qwen2.names == .gguf)
    #expect(qwen2.globalRope == DecoderConfig.Rope(base: 1e6) && qwen2.window(ofLayer: 0) == nil)
    let qwen3 = try DecoderLanguageModelTests.family(Self.converted("tiny-qwen3.gguf")).config
    #expect(qwen3.modelType == "qwen3" && qwen3.ropePairing == .halves && qwen3.qkNorm && !qwen3.qkvBias && !qwen3.tiedHead)
    #expect(qwen3.headDim == 24 && qwen3.hiddenSize == 64 && qwen3.headCount == 4 && qwen3.kvHeadCount == 2)
    #expect(qwen3.queryScale == 1 / Float(24).squareRoot())
    let llama = try DecoderLanguageModelTests.family(Self.converted("tiny-llama3-rope.gguf")).config
    #expect(llama.ropePairing == .adjacent && llama.tiedHead && llama.globalRope.frequencyFactors.count == 8)
  }

  /// llama.cpp's converter turns Llama 3.1's llama3 scaling into per-frequency divisors; divided
  /// by them, the plain frequencies are transformers' llama3 ones (to Float32 rounding).
  @Test func ropeFrequencyFactorsGiveTheLlama3Frequencies() throws {
    let checkpoint = Self.decoder("llama3-tied")
    let hf = try DecoderConfig.load(
      configData: Data(contentsOf: URL(fileURLWithPath: checkpoint + "/config.json")), file: checkpoint + "/config.json",
      weights: WeightStore(file: checkpoint + "/model.safetensors"))
    guard case .llama3 = hf.globalRope.scaling else { Issue.record("expected llama3 scaling, got \(hf.globalRope)"); return }
    let gguf = try DecoderLanguageModelTests.family(Self.converted("tiny-llama3-rope.gguf")).config
    #expect(gguf.globalRope.scaling == .none)
    let fromFactors = gguf.globalRope.inverseFrequencies(headDim: 16), llama3 = hf.globalRope.inverseFrequencies(headDim: 16)
    let plain = DecoderConfig.Rope(base: 10_000).inverseFrequencies(headDim: 16)
    #expect(fromFactors.count == 8 && llama3.count == 8)
    for i in 0..<8 { #expect(abs(fromFactors[i] / llama3[i] - 1) < 1e-6, "frequency \(i): \(fromFactors[i]) vs \(llama3[i])") }
    // The scaling matters here: the low frequencies are divided by 4, one lies in the blend.
    #expect(fromFactors[0] == plain[0] && abs(fromFactors[7] * 4 / plain[7] - 1) < 1e-6)
    #expect(gguf.globalRope.frequencyFactors.contains { $0 > 1 && $0 < 4 })
  }

  /// A malformed rope_freqs.weight, and a qwen3 block without its key norm: one line naming the
  /// file and the tensor (Tests/inputs/gguf-models, also run through `pare inspect` by
  /// Tests/check-inputs.sh).
  @Test(arguments: [
    ("rope-freqs-wrong-length.gguf", "tensor 'rope_freqs.weight' is F32 [7], expected a floating [8]"),
    ("rope-freqs-nan.gguf", "tensor 'rope_freqs.weight' holds nan at [3]"),
    ("qwen3-no-attn-k-norm.gguf", "tensor 'blk.0.attn_k_norm.weight' [24] is missing"),
  ])
  func aMalformedModelIsOneLineNamingTheTensor(file: String, message: String) throws {
    let path = Self.input(file)
    #expect {
      _ = try OpenedModel(path: path)
    } throws: { error in
      let text = "\(error)"
      let ok = text.hasPrefix(path + ": ") && text.contains(message) && !text.contains("\n")
      if !ok { Issue.record("\(file): \(text)") }
      return ok
    }
  }

  /// rope_freqs.weight is llama's alone in llama.cpp, which refuses it (an unused tensor) in the
  /// other architectures: a qwen2 GGUF holding it is refused by name.
  @Test func ropeFrequenciesOutsideLlamaAreRefused() throws {
    try withTemporaryGGUF(from: Self.converted("tiny-qwen2.gguf"), adding: ("rope_freqs.weight", [8], [Float](repeating: 1, count: 8))) { path in
      #expect {
        _ = try OpenedModel(path: path)
      } throws: { error in
        "\(error)".hasPrefix(path + ": rope_freqs.weight (per-frequency RoPE factors) is not supported in a qwen2 GGUF")
      }
    }
  }

  /// Copies `source`'s metadata and tensors into a temporary GGUF with one more F32 tensor.
  func withTemporaryGGUF(from source: String, adding extra: (String, [Int], [Float]), _ body: (String) throws -> Void) throws {
    let gguf = try GGUFFile(path: source)
    var writer = GGUFWriter(metadata: gguf.metadata)
    for tensor in gguf.tensors {
      try writer.addTensor(tensor.name, shape: tensor.shape, type: tensor.type, data: gguf.withBytes(of: tensor) { [UInt8]($0) })
    }
    try writer.addTensor(extra.0, shape: extra.1, type: .f32, data: extra.2.withUnsafeBytes { [UInt8]($0) })
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pare-gguf-\(getpid())-\(UUID().uuidString).gguf").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try writer.write(to: path)
    try body(path)
  }
}
