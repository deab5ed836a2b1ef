import Foundation
import Testing
@testable import PareCompression
@testable import PareFormats
@testable import PareTerminal
@testable import PareTUI
@testable import PareWorkbench

/// `a` at a llama.cpp mix's size, run for real on tiny-llama.gguf (two blocks, F32) with the
/// real evaluator, as `pare explore` sets it up: two short windows, three candidates, a few
/// evaluations, its own cache folder.
@Suite(.serialized)
struct LlamaMixControllerTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let gguf = root.appendingPathComponent("Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf").path
  static let text = root.appendingPathComponent("assets/data/sentences.txt").path

  let cache = FileManager.default.temporaryDirectory.appendingPathComponent("pare-cache-\(UUID().uuidString)")

  func explorer() throws -> (ExplorerController, DecoderLanguageModel, WeightStore) {
    let opened = try OpenedModel(path: Self.gguf), model = opened.directory
    let family = try #require(opened.family as? DecoderLanguageModel)
    let compression = CompressionCache(byteLimit: 64 << 20), sweepCompression = CompressionCache(byteLimit: 64 << 20)
    let data = EvaluationData(path: Self.text, limit: 2, itemLength: 32)
    let evaluator = try family.evaluator(on: data, compression: compression, cachesActivations: true)
    let session = try Session(model: model, evaluator: evaluator, compression: compression)
    // fp16 for ffn_down, whose rows of 80 fit no ggml block (the mix's F16): without it the
    // knapsack finds no plan within the mix's size, the seeds' own choices having no prediction.
    let candidates = try Candidate.parseList("q4_0,q8_0,fp16")
    let source = SensitivitySource(
      modelFingerprint: model.weights.fingerprint(), dataSHA256: try DataReference(data, items: "windows").sha256,
      compression: sweepCompression, sessionCompression: compression, environment: ["PARE_CACHE_DIR": cache.path],
      mapCandidates: candidates, searchCandidates: candidates, searchOptions: PlanSearch.Options(evaluations: 3),
      llamaMix: .of(config: family.config, family: "a language model")) { evaluator.sibling(compression: sweepCompression) }
    let controller = ExplorerController(terminal: FakeTerminal(width: 160, height: 30), session: session, store: nil,
                                        sensitivity: source)
    return (controller, family, model.weights)
  }

  /// Ticks until `done` or 120 seconds.
  func tick(_ controller: ExplorerController, until done: (ExplorerState) -> Bool) {
    let deadline = Date().addingTimeInterval(120)
    repeat {
      controller.handle(.tick)
      Thread.sleep(forTimeInterval: 0.01)
    } while !done(controller.state) && Date() < deadline
  }

  func settled(_ state: ExplorerState) -> Bool { !state.isEvaluating && state.search.running == nil }

  @Test func q4KMAppliesAPlanWithinTheMixsSizeMeasuredBesideTheMix() throws {
    defer { try? FileManager.default.removeItem(at: cache) }
    let (controller, family, weights) = try explorer()
    #expect(controller.state.search.llamaMixRefusal == nil)
    tick(controller, until: settled)
    controller.handle(.key(.character("a")))
    for character in "Q4_K_M" { controller.handle(.key(.character(character))) }
    controller.handle(.key(.enter))
    #expect(controller.state.search.running?.target == .llamaMix(.q4_k_m))
    tick(controller, until: settled)
    let state = controller.state
    let message = try #require(state.message?.text)
    #expect(state.message?.isError == false, "\(message)")
    #expect(message.hasPrefix("Q4_K_M search: ") && message.hasSuffix("; u undoes"))
    #expect(message.contains("llama.cpp") && message.contains("imatrix"))
    // The budget is the mix's exact size (llama.cpp's types: q5_0, q8_0 and F16 here); the plan
    // found fits it, and both mixes were measured at it.
    let budget = try LlamaQuantMix(fileType: .q4_k_m).bytes(config: family.config, weights: weights)
    #expect(!state.plan.tensors.isEmpty)
    #expect(state.compressedBytes <= budget)
    #expect(state.search.frontier.contains { $0.compressedBytes == budget })
    #expect(state.search.frontier.allSatisfy { $0.value.isFinite && $0.value >= 0 })
    // One undo step takes it back.
    controller.handle(.key(.character("u")))
    tick(controller, until: settled)
    #expect(controller.state.plan.tensors.isEmpty)
  }
}
