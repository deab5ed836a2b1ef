import Foundation
import PareCompression
import PareCore
import PareEngine
import PareFormats
@testable import PareWorkbench
import Testing

/// The language-model family end to end: recognised from config.json or a GGUF, its text cut into
/// windows, measured by KL against itself.
@Suite struct DecoderLanguageModelTests {
  static let root = NetworkEvaluatorTests.root
  static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
  static let tinyLlama = path("assets/models/tiny-llama")
  static let sentences = path("assets/data/sentences.txt")

  static func family(_ path: String) throws -> DecoderLanguageModel {
    try #require(try OpenedModel(path: path).family as? DecoderLanguageModel)
  }

  /// The tiny Llama fixture as llama.cpp's converter writes it (scripts/make_tiny_gguf.py: GGUF
  /// names, q/k rows permuted, F32): Pare's GGUF path gives the logits numpy computed from the
  /// Hugging Face layout.
  @Test func aLlamaGGUFGivesTheHuggingFaceLogits() throws {
    let model = try Self.family(Self.path("Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf"))
    #expect(model.config.ropePairing == .adjacent && model.config.names == .gguf && !model.config.tiedHead)
    let difference = try Self.logitsDifference(model, fixture: Self.path("Tests/PareEngineTests/Fixtures/decoders/llama"))
    #expect(difference <= 1e-3, "max |difference| / max |logit| = \(difference)")
  }

  /// The largest difference between `model`'s logits on a checkpoint fixture's ids and
  /// transformers' (its expected.safetensors), over their largest magnitude; infinity when the
  /// shapes differ.
  static func logitsDifference(_ model: DecoderLanguageModel, fixture: String) throws -> Float {
    let ids = try JSONDecoder().decode([Int32].self, from: Data(contentsOf: URL(fileURLWithPath: fixture + "/ids.json")))
    let expected = try WeightStore(file: fixture + "/expected.safetensors").tensor(named: "logits")
    let logits = try model.network().logits(window: ids)
    guard logits.shape == expected.shape else { return .infinity }
    let scale = expected.scalars.map(abs).max() ?? 1
    return (zip(logits.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity) / scale
  }

  @Test func theUncompressedModelHasNoDivergenceAndAnEditHasSome() throws {
    let model = try Self.family(Self.tinyLlama)
    let data = EvaluationData(path: Self.sentences, limit: 3, itemLength: 64)
    let evaluator = try model.evaluator(on: data, compression: CompressionCache(byteLimit: 64 << 20), cachesActivations: true)
    #expect(evaluator.baseline.value == 0 && evaluator.baseline.samples == 3)
    #expect(Int(try #require(evaluator.baseline.secondary("scored_tokens"))) == 3 * 31)
    let perplexity = try #require(evaluator.baseline.secondary("perplexity"))
    #expect(perplexity.isFinite && perplexity > 1)
    let spec = CompressionSpec(quantize: .init(scheme: .int, bits: 2, granularity: .channel, symmetric: true))
    let plan = Plan(tensors: ["model.layers.1.mlp.down_proj.weight": spec])
    let measured = try evaluator.evaluate(plan) { false }
    #expect(measured.value > 0 && measured.kind.direction == .lowerIsBetter)
    #expect(try #require(measured.secondary("same_top")) < 1)
    // Measuring the uncompressed model again gives 0 again, from the cache's restart.
    #expect(try evaluator.evaluate(Plan()) { false }.value == 0)
  }

  @Test func aTextShorterThanOneWindowIsRefused() throws {
    let model = try Self.family(Self.tinyLlama)
    let short = FileManager.default.temporaryDirectory.appendingPathComponent("pare-short-\(getpid()).txt")
    try Data("Too short.".utf8).write(to: short)
    defer { try? FileManager.default.removeItem(at: short) }
    #expect {
      try model.evaluator(on: EvaluationData(path: short.path), compression: CompressionCache(byteLimit: 1 << 20), cachesActivations: false)
    } throws: { error in
      "\(error)".hasPrefix(short.path + ": the text is ") && "\(error)".contains("shorter than one window of 512")
    }
  }

  @Test func forwardWritesTheFirstWindowsLogits() throws {
    let model = try Self.family(Self.tinyLlama)
    let logits = try model.forward(input: Self.sentences, replacements: [:])
    #expect(logits.shape == [512, 660])
  }
}
