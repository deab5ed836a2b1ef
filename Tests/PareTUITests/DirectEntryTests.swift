import Testing
@testable import PareCompression
@testable import PareCore
@testable import PareTerminal
@testable import PareTUI
@testable import PareWorkbench

/// `=`: a tensor's spec typed in the CLI's candidate syntax (read by `Candidate.parse`), with
/// the spellings of a prompt; bad input keeps the prompt open and says why.
struct DirectEntryTests {
  let matrix = [300, 784]

  func spec(_ text: String, shape: [Int] = [300, 784]) -> CompressionSpec? {
    try? SpecEntry.spec(text, shape: shape, dtype: .f32).get()
  }

  func error(_ text: String, shape: [Int] = [300, 784]) -> String? {
    if case let .failure(problem) = SpecEntry.spec(text, shape: shape, dtype: .f32) { return problem.message }
    return nil
  }

  @Test func theCandidateSyntaxAndItsPromptSpellingsGiveTheSameSpecs() throws {
    let int4g64 = CompressionSpec(quantize: QuantizeSpec(scheme: .int, bits: 4, granularity: .group, groupSize: 64))
    #expect(spec("int4g64") == int4g64)
    #expect(spec("int4 g64") == int4g64)
    #expect(spec("INT4 G64") == int4g64)
    #expect(spec("rank 64") == CompressionSpec(lowrank: LowRankSpec(rank: 64)))
    #expect(spec("r64 int8") == CompressionSpec(lowrank: LowRankSpec(rank: 64), quantize: QuantizeSpec(bits: 8)))
    // rank/8 of min(300, 784) = 37, as `pare sensitivity` reads it.
    #expect(spec("rank/8+int8") == CompressionSpec(lowrank: LowRankSpec(rank: 37), quantize: QuantizeSpec(bits: 8)))
    let prune = CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(bits: 4))
    #expect(spec("prune 50% int4") == prune)
    #expect(spec("prune50+int4") == prune)
    #expect(spec("50% int4") == prune)
    #expect(spec("2:4") == CompressionSpec(prune: .nm(2, 4)))
    #expect(spec("cb4 ch") == CompressionSpec(quantize: QuantizeSpec(scheme: .codebook, bits: 4, granularity: .channel)))
    #expect(spec("fp16") == CompressionSpec(quantize: QuantizeSpec(scheme: .fp16, granularity: .tensor)))
  }

  @Test func noneOrNothingClearsTheSpec() throws {
    #expect(try SpecEntry.spec("none", shape: matrix, dtype: .f32).get() == nil)
    #expect(try SpecEntry.spec("  ", shape: matrix, dtype: .f32).get() == nil)
  }

  @Test func aVectorIsQuantizedPerTensorUnlessAGranularityIsTyped() {
    #expect(spec("int8", shape: [300]) == CompressionSpec(quantize: QuantizeSpec(bits: 8, granularity: .tensor)))
    #expect(error("rank 4", shape: [300]) != nil)
  }

  @Test func badInputSaysWhatIsWrong() {
    #expect(error("int9")?.contains("int9") == true)
    #expect(error("int4 int8")?.contains("more than one quantization step") == true)
    #expect(error("g64")?.contains("put it after a format") == true)
    #expect(error("rank 64 rank/8")?.contains("give one") == true)
    #expect(error("rank 301") != nil)
    #expect(error("prune 50% rank 8")?.contains("prune together with lowrank") == true)
  }

  @Test func theTextItStartsFromReadsBackAsTheSameSpec() {
    let specs = [
      CompressionSpec(quantize: QuantizeSpec(scheme: .int, bits: 4, granularity: .group, groupSize: 64)),
      CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(bits: 4)),
      CompressionSpec(lowrank: LowRankSpec(rank: 32), quantize: QuantizeSpec(bits: 8)),
      CompressionSpec(prune: .nm(2, 4)),
    ]
    for spec in specs { #expect(self.spec(SpecEntry.text(of: spec)) == spec) }
    #expect(SpecEntry.text(of: specs[1]) == "prune50 int4")
    #expect(SpecEntry.text(of: specs[2]) == "rank 32 int8")
  }

  // MARK: - The prompt

  func state() -> ExplorerState {
    var s = ExplorerState(modelName: "m", rows: [
      TensorRow(name: "w", shape: [300, 784], dtype: .f32, params: 235_200, originalBytes: 940_800),
      TensorRow(name: "ids", shape: [8], dtype: .i64, params: 8, originalBytes: 64, isCompressible: false),
    ], width: 80, height: 24)
    s.rows[0].spec = CompressionSpec(quantize: QuantizeSpec(bits: 5))
    return s
  }

  @discardableResult
  func press(_ s: inout ExplorerState, _ keys: KeyEvent...) -> [Effect] { keys.flatMap { update(&s, .key($0)) } }

  func type(_ s: inout ExplorerState, _ text: String) { for c in text { _ = update(&s, .key(.character(c))) } }

  @Test func equalsOpensWithTheSpecSelectedAndEnterSetsWhatWasTyped() {
    var s = state()
    press(&s, .character("="))
    #expect(s.overlay == .prompt(Prompt(purpose: .spec(tensor: "w"), text: "int5", isSelected: true)))
    type(&s, "int4 g64")
    let spec = CompressionSpec(quantize: QuantizeSpec(scheme: .int, bits: 4, granularity: .group, groupSize: 64))
    #expect(press(&s, .enter) == [.setSpec(tensor: "w", spec: spec)])
    #expect(s.overlay == nil)
    // `:` opens it too.
    press(&s, .character(":"))
    #expect(s.overlay != nil)
  }

  @Test func badInputKeepsThePromptWithTheTextAndTheError() {
    var s = state()
    press(&s, .character("="))
    type(&s, "int9 g64")
    #expect(press(&s, .enter).isEmpty)
    guard case let .prompt(prompt) = s.overlay else { Issue.record("the prompt closed"); return }
    #expect(prompt.text == "int9 g64")
    #expect(prompt.error?.contains("int9") == true)
    #expect(s.messageLog.last?.isError == true)
    // Editing clears the error; a fix is set.
    press(&s, .left, .left, .left, .left, .backspace, .character("4"))
    guard case let .prompt(fixed) = s.overlay else { Issue.record("the prompt closed"); return }
    #expect(fixed.text == "int4 g64" && fixed.error == nil)
    #expect(press(&s, .enter).count == 1)
  }

  @Test func aTensorWithoutWeightsSaysSo() {
    var s = state()
    press(&s, .down, .character("="))
    #expect(s.overlay == nil)
    #expect(s.message?.isError == true)
  }

  // MARK: - Line editing

  @Test func thePromptEditsAsReadlineDoes() {
    var p = Prompt(purpose: .exportPlan, text: "~/models/plan.json")
    #expect(p.edit(.control("w")) && p.text == "~/models/")
    #expect(p.edit(.control("w")) && p.text == "~/")
    #expect(p.edit(.home) && p.cursor == 0)
    #expect(p.edit(.character("x")) && p.text == "x~/" && p.cursor == 1)
    #expect(p.edit(.end) && p.edit(.character("a")) && p.text == "x~/a")
    #expect(p.edit(.left) && p.edit(.left) && p.edit(.control("u")) && p.text == "/a" && p.cursor == 0)
    #expect(p.edit(.delete) && p.text == "a")
    let tookF1 = p.edit(.function(1))
    #expect(!tookF1)
    var selected = Prompt(purpose: .searchTarget, text: "8", isSelected: true)
    #expect(selected.edit(.right) && !selected.isSelected && selected.text == "8")
    #expect(selected.edit(.character("0")) && selected.text == "80")
  }
}
