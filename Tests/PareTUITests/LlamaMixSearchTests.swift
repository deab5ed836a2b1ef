import Foundation
import PareCompression
import PareTerminal
import Testing
@testable import PareFormats
@testable import PareTUI
@testable import PareWorkbench

/// `a` at a llama.cpp mix's size (`q4_k_m`), as pure update and view logic: what the prompt
/// takes on a language model and refuses elsewhere, the effect it starts, and the message the
/// outcome gives (the search itself runs in `LlamaMixControllerTests`).
struct LlamaMixSearchTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let gguf = root.appendingPathComponent("Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf").path

  @discardableResult
  func press(_ state: inout ExplorerState, _ keys: KeyEvent...) -> [Effect] {
    keys.flatMap { update(&state, .key($0)) }
  }

  /// `a`, the text, Enter.
  func search(_ state: inout ExplorerState, _ text: String) -> [Effect] {
    press(&state, .character("a"))
    return text.flatMap { update(&state, .key(.character($0))) } + update(&state, .key(.enter))
  }

  /// A state whose `a` takes file types, as a language model's does.
  func languageModel(width: Int = 80) -> ExplorerState {
    var state = Fixtures.lenet(width: width)
    state.search.llamaMixRefusal = nil
    return state
  }

  @Test(arguments: [("q4_k_m", LlamaQuantMix.FileType.q4_k_m), ("Q5_K_M", .q5_k_m), ("q3_K_m", .q3_k_m), ("Q8_0", .q8_0)])
  func aLanguageModelsPromptTakesAFileTypeInAnyCase(text: String, fileType: LlamaQuantMix.FileType) {
    var state = languageModel()
    #expect(search(&state, text) == [.searchPlan(.llamaMix(fileType))])
    #expect(state.overlay == nil && state.message == nil)
    #expect(state.search.running == RunningSearch(target: .llamaMix(fileType)))
    #expect(state.search.lastTarget == .llamaMix(fileType))
    // The next `a` proposes it again, as llama-quantize spells it.
    press(&state, .character("a"))
    #expect(state.overlay == .prompt(Prompt(purpose: .searchTarget, text: fileType.rawValue, isSelected: true)))
  }

  /// On a model stored quantized, a search at a mix's size starts with the CLI's warning.
  @Test func aMixSearchOnAQuantizedSourceSaysWhyTheComparisonIsLopsided() {
    var state = languageModel()
    state.search.llamaMixWarning = "211 of the model's tensors are stored quantized"
    #expect(search(&state, "q4_k_m") == [.searchPlan(.llamaMix(.q4_k_m))])
    #expect(state.message?.text == "note: 211 of the model's tensors are stored quantized")
    state.message = nil
    state.search.running = nil
    #expect(search(&state, "8") == [.searchPlan(.ratio(8))])
    #expect(state.message == nil)
  }

  @Test func aLanguageModelsPromptStillTakesARatioAndARunningMixIsNamed() {
    var state = languageModel()
    #expect(search(&state, "q4_k_m") == [.searchPlan(.llamaMix(.q4_k_m))])
    #expect(search(&state, "8x") == [.searchPlan(.ratio(8))])
    #expect(state.message?.text == "replacing the running Q4_K_M search")
    #expect(search(&state, "Q4_K_M") == [.searchPlan(.llamaMix(.q4_k_m))])
    #expect(state.message?.text == "replacing the running 8x search")
    // Named so on the status line, at Esc and at the quit question.
    state.message = nil
    var running = RunningSearch(target: .llamaMix(.q4_k_m))
    running.evaluations = WorkProgress(completed: 3, total: 100)
    state.search.running = running
    #expect(statusLine(state).hasPrefix("searching Q4_K_M: 3/100 plans…"))
    press(&state, .character("q"))
    #expect(state.overlay == .confirm(.quit(unsaved: true, searchTarget: .llamaMix(.q4_k_m))))
    #expect(render(state).text.contains("The running Q4_K_M search stops."))
    press(&state, .character("n"))
    #expect(press(&state, .escape) == [.cancelBackground])
    #expect(state.message?.text == "stopped the Q4_K_M search")
  }

  @Test(arguments: ["q4_k_x", "abc", "q4"])
  func anUnknownWordOnALanguageModelNamesTheFileTypes(text: String) {
    var state = languageModel()
    #expect(search(&state, text).isEmpty)
    #expect(state.message?.isError == true)
    #expect(state.message?.text == "'\(text)' is neither a ratio nor a llama.cpp file type: type a number above 1 "
      + "(8: an eighth of the size) or one of q2_k, q3_k_s, q3_k_m, q3_k_l, q4_0, q4_1, q5_0, q5_1, q4_k_s, q4_k_m, "
      + "q5_k_s, q5_k_m, q6_k, q8_0")
    #expect(state.search.running == nil && state.search.lastTarget == nil)
  }

  @Test(arguments: ["0.5", "1", "inf"])
  func aBadRatioOnALanguageModelIsStillNoRatio(text: String) {
    var state = languageModel()
    #expect(search(&state, text).isEmpty)
    #expect(state.message?.text.hasPrefix("'\(text)' is not a ratio") == true)
  }

  @Test func aFileTypeOnAnotherModelIsRefusedSayingWhy() {
    // lenet: the refusal `pare explore` sets for a model that is no language model.
    var state = Fixtures.lenet()
    state.search.llamaMixRefusal = LlamaMixSupport.of(config: nil, family: "an image classifier").refusal
    #expect(search(&state, "q4_k_m").isEmpty)
    #expect(state.message?.isError == true)
    #expect(state.message?.text == "'q4_k_m' is a llama.cpp file type, but llama.cpp's mixes are for language models "
      + "(llama, qwen2, qwen3, gemma3), and this is an image classifier")
    #expect(state.search.running == nil)
    // An unknown word there is no ratio, as before (file types are not offered).
    #expect(search(&state, "abc").isEmpty)
    #expect(state.message?.text.hasPrefix("'abc' is not a ratio") == true)
    // The state's own default (no source) refuses too.
    #expect(ExplorerState(modelName: "m", rows: [], width: 80, height: 24).search.llamaMixRefusal != nil)
  }

  @Test func aDecoderLlamaCppHasRulesForTakesFileTypes() throws {
    let model = try #require(try OpenedModel(path: Self.gguf).family as? DecoderLanguageModel)
    #expect(LlamaMixSupport.of(config: model.config, family: "a language model") == .decoder(model.config))
    #expect(LlamaMixSupport.of(config: model.config, family: "a language model").refusal == nil)
  }

  @Test func theLanguageModelsPromptListsTheMixes() {
    var state = languageModel()
    press(&state, .character("a"))
    let text = render(state).text
    #expect(text.contains("Target ratio (e.g. 8) or llama.cpp mix (e.g. q4_k_m):"))
    // Wrapped in the box, every file type is listed.
    let listed = Set(text.split(whereSeparator: { " │\n".contains($0) }).map(String.init))
    #expect(LlamaQuantMix.FileType.allCases.allSatisfy { listed.contains($0.rawValue) })
    // Another model's prompt asks for a ratio only.
    var lenet = Fixtures.lenet()
    press(&lenet, .character("a"))
    #expect(!render(lenet).text.contains("q4_k_m"))
    #expect(render(lenet).text.contains("Target ratio (e.g. 8 for an eighth of the size):"))
  }

  // MARK: - The outcome's message

  /// tiny-llama.gguf's weights, for plans of real sizes.
  static let weights: WeightStore? = try? OpenedModel(path: gguf).directory.weights

  /// A plan compressing `tensors` to int4 (sizes differ per plan), measured as `kl`.
  func measured(_ tensors: [String], kl: Double) throws -> MeasuredPlan {
    let weights = try #require(Self.weights)
    let specs = Dictionary(uniqueKeysWithValues: tensors.map { ($0, CompressionSpec(quantize: QuantizeSpec(bits: 4))) })
    let applied = try AppliedPlan(plan: Plan(tensors: specs), weights: weights, cache: CompressionCache())
    return MeasuredPlan(applied, choices: [:], predicted: nil,
                        measured: PlanMetric(kind: DecoderLanguageModel.metric, value: kl, baseline: 0))
  }

  /// A Q4_K_M search's outcome: found, then the mix without and with an imatrix.
  func outcome(found: MeasuredPlan, plain: MeasuredPlan, weighted: MeasuredPlan, startedFrom: String?) -> SearchOutcome {
    SearchOutcome(budget: plain.compressedBytes, allocated: found, found: found, evaluations: 4, improvements: 1,
                  seeds: [MeasuredSeed(name: "llama.cpp Q4_K_M", plan: plain),
                          MeasuredSeed(name: "llama.cpp Q4_K_M + imatrix", plan: weighted)],
                  startedFrom: startedFrom)
  }

  @Test func theMessageSetsThePlanFoundBesideBothMixesAndFitsTheStatusLine() throws {
    let found = try measured(["blk.0.attn_q.weight", "blk.1.attn_q.weight"], kl: 0.0197)
    let plain = try measured(["blk.0.attn_k.weight"], kl: 0.0735)
    let weighted = try measured(["blk.0.attn_v.weight"], kl: 0.0377)
    let result = outcome(found: found, plain: plain, weighted: weighted, startedFrom: "llama.cpp Q4_K_M + imatrix")
    // Wide: everything.
    var state = languageModel(width: 160)
    state.search.running = RunningSearch(target: .llamaMix(.q4_k_m))
    #expect(update(&state, .sensitivity(.found(result))) == [.applyPlan(tensors: found.plan.tensors)])
    let (foundSize, mixSize) = (Format.bytes(found.compressedBytes), Format.bytes(plain.compressedBytes))
    #expect(state.message?.text == "Q4_K_M search: KL 0.0197 at \(foundSize) (llama.cpp Q4_K_M 0.0735, + imatrix 0.0377 "
      + "at \(mixSize)); u undoes")
    #expect(statusLine(state).hasPrefix(try #require(state.message?.text)))
    #expect(state.search.running == nil)
    // Every plan measured is a point of the frontier, the mixes too.
    for plan in [found, plain, weighted] {
      #expect(state.search.frontier.contains(FrontierPoint(compressedBytes: plan.compressedBytes, ratio: plan.ratio, value: plan.measured.value)))
    }
    // At 80 columns a shorter form, whole on the status line.
    for (width, expected) in [
      (100, "Q4_K_M search: KL 0.0197 at \(foundSize) (llama.cpp 0.0735, + imatrix 0.0377); u undoes"),
      (80, "Q4_K_M search: KL 0.0197 (llama.cpp 0.0735, imatrix 0.0377); u undoes"),
    ] {
      var narrow = languageModel(width: width)
      narrow.search.running = RunningSearch(target: .llamaMix(.q4_k_m))
      _ = update(&narrow, .sensitivity(.found(result)))
      #expect(narrow.message?.text == expected)
      #expect(statusLine(narrow).hasPrefix(expected))
    }
  }

  @Test func theMessageSaysWhenThePlanFoundIsTheMixItself() throws {
    let plain = try measured(["blk.0.attn_k.weight"], kl: 0.0735)
    let weighted = try measured(["blk.0.attn_v.weight"], kl: 0.0377)
    let result = outcome(found: weighted, plain: plain, weighted: weighted, startedFrom: "llama.cpp Q4_K_M + imatrix")
    var state = languageModel(width: 160)
    state.search.running = RunningSearch(target: .llamaMix(.q4_k_m))
    #expect(update(&state, .sensitivity(.found(result))) == [.applyPlan(tensors: weighted.plan.tensors)])
    #expect(state.message?.text == "Q4_K_M search: nothing beat llama.cpp Q4_K_M + imatrix, KL 0.0377 at "
      + "\(Format.bytes(weighted.compressedBytes)) (without imatrix 0.0735); u undoes")
    // The mix without an imatrix, found best: the other is the one with it.
    let plainBest = outcome(found: plain, plain: plain, weighted: weighted, startedFrom: "llama.cpp Q4_K_M")
    state.search.running = RunningSearch(target: .llamaMix(.q4_k_m))
    _ = update(&state, .sensitivity(.found(plainBest)))
    #expect(state.message?.text == "Q4_K_M search: nothing beat llama.cpp Q4_K_M, KL 0.0735 at "
      + "\(Format.bytes(plain.compressedBytes)) (+ imatrix 0.0377); u undoes")
    // Already the current plan: nothing to apply.
    state.plan = plain.plan
    state.search.running = RunningSearch(target: .llamaMix(.q4_k_m))
    #expect(update(&state, .sensitivity(.found(plainBest))).isEmpty)
    #expect(state.message?.text.hasPrefix("Q4_K_M search: the current plan is the one found, nothing beat llama.cpp Q4_K_M") == true)
  }

  @Test func aFailedMixSearchIsNamed() {
    var state = languageModel()
    state.search.running = RunningSearch(target: .llamaMix(.q6_k))
    _ = update(&state, .sensitivity(.searchFailed("no plan fits")))
    #expect(state.message == Message(text: "Q6_K search: no plan fits", isError: true, expiresAt: .max))
  }

  private func statusLine(_ state: ExplorerState) -> String {
    String(render(state).text.split(separator: "\n", omittingEmptySubsequences: false)[state.height - 2])
  }
}
