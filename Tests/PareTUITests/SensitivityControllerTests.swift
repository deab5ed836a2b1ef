import Foundation
import Testing
@testable import PareCompression
@testable import PareEngine
@testable import PareFormats
@testable import PareTerminal
@testable import PareTUI
@testable import PareWorkbench

/// The sensitivity view and the `a` search on the bundled lenet-300-100, driven headless with
/// the real evaluators, each test with its own cache folder (never the user's ~/.cache). Few
/// candidates and a small evolutionary budget keep a debug build's sweep to seconds.
@Suite(.serialized)
struct SensitivityControllerTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let modelPath = root.appendingPathComponent("assets/models/lenet-300-100").path
  static let dataPath = root.appendingPathComponent("assets/data/mnist-test.safetensors").path

  /// A fresh cache folder, removed by `removeCache`.
  let cache = FileManager.default.temporaryDirectory.appendingPathComponent("pare-cache-\(UUID().uuidString)")

  func removeCache() { try? FileManager.default.removeItem(at: cache) }

  func explorer() throws -> ExplorerController {
    let opened = try OpenedModel(path: Self.modelPath), model = opened.directory
    let compression = CompressionCache(), sweepCompression = CompressionCache()
    let evaluator = try #require(opened.family).evaluator(on: EvaluationData(path: Self.dataPath), compression: compression,
                                                          cachesActivations: true)
    let session = try Session(model: model, evaluator: evaluator, compression: compression)
    let candidates = try Candidate.parseList("int2,int3,int4,int8")
    let source = SensitivitySource(
      modelFingerprint: model.weights.fingerprint(), dataSHA256: try DataReference(EvaluationData(path: Self.dataPath), items: "samples").sha256, compression: sweepCompression, sessionCompression: compression,
      environment: ["PARE_CACHE_DIR": cache.path], mapCandidates: Array(candidates.prefix(3)), searchCandidates: candidates,
      searchOptions: PlanSearch.Options(evaluations: 4)) { evaluator.sibling(compression: sweepCompression) }
    return ExplorerController(terminal: FakeTerminal(width: 120, height: 30), session: session, store: nil, sensitivity: source)
  }

  /// Ticks until `done` or 120 seconds (a debug build's sweep takes a few).
  func tick(_ controller: ExplorerController, until done: (ExplorerState) -> Bool) {
    let deadline = Date().addingTimeInterval(120)
    repeat {
      controller.handle(.tick)
      Thread.sleep(forTimeInterval: 0.01)
    } while !done(controller.state) && Date() < deadline
  }

  func settled(_ state: ExplorerState) -> Bool { !state.isEvaluating && state.search.running == nil }

  @Test func tabReachesTheMapWhichIsSweptInTheBackgroundThenReadFromTheCache() throws {
    defer { removeCache() }
    let first = try explorer()
    for _ in 0..<4 { first.handle(.key(.tab)) }
    #expect(first.state.detailView == .sensitivity)
    #expect(first.state.sensitivity == .computing(nil))
    tick(first) { $0.sensitivity.table != nil }
    let table = try #require(first.state.sensitivity.table)
    #expect(table.tensors.map(\.name) == ["fc1.weight", "fc2.weight", "fc3.weight"])
    #expect(table.cells.count == 9)
    #expect(render(first.state).text.contains("int"))
    let files = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("sensitivity").path)
    #expect(files.count == 1)

    // A second explorer finds every cell in the cache: the map is there without asking.
    let second = try explorer()
    tick(second) { $0.sensitivity.table != nil }
    #expect(second.state.sensitivity.table == table)
  }

  @Test func aWithTarget8AppliesAPlanOfAtLeast8xAsOneUndoStep() throws {
    defer { removeCache() }
    let controller = try explorer()
    tick(controller, until: settled)
    let before = controller.state
    controller.handle(.key(.character("a")))
    for character in "8" { controller.handle(.key(.character(character))) }
    controller.handle(.key(.enter))
    #expect(controller.state.search.running?.target == .ratio(8))
    tick(controller, until: settled)
    let after = controller.state
    #expect(!after.plan.tensors.isEmpty)
    #expect(after.ratio >= 8)
    #expect(after.message?.text.hasPrefix("8x search: ") == true)
    #expect(after.sensitivity.table != nil)  // the search's sweep filled the map too
    #expect(after.search.frontier.count >= 1)
    #expect(after.frontierComparison != nil)
    controller.handle(.key(.character("u")))
    tick(controller, until: settled)
    #expect(controller.state.plan == before.plan)
    #expect(controller.state.compressedBytes == before.compressedBytes)
    #expect(controller.state.metric == before.metric)
  }

  @Test func anEditDuringTheSearchIsKeptInTheHistory() throws {
    defer { removeCache() }
    let controller = try explorer()
    tick(controller, until: settled)
    controller.handle(.key(.character("a")))
    controller.handle(.key(.character("9")))
    controller.handle(.key(.enter))
    // fc1.weight (the second row) to int8 while the search runs.
    controller.handle(.key(.down))
    controller.handle(.key(.character("b")))
    let edited = controller.state.plan
    tick(controller, until: settled)
    #expect(controller.state.ratio >= 9)
    controller.handle(.key(.character("u")))
    #expect(controller.state.plan == edited)
  }

  @Test func aRatioNoPlanReachesIsAMessage() throws {
    defer { removeCache() }
    let controller = try explorer()
    tick(controller, until: settled)
    controller.handle(.key(.character("a")))
    for character in "1000" { controller.handle(.key(.character(character))) }
    controller.handle(.key(.enter))
    tick(controller, until: settled)
    #expect(controller.state.message?.isError == true)
    #expect(controller.state.message?.text.hasPrefix("1000x search: a budget of") == true)
    #expect(controller.state.plan.tensors.isEmpty)
  }

  @Test func aLlamaCppFileTypeIsRefusedOnAClassifier() throws {
    defer { removeCache() }
    let controller = try explorer()
    #expect(controller.state.search.llamaMixRefusal == "llama.cpp's mixes are for language models")
    controller.handle(.key(.character("a")))
    for character in "q4_k_m" { controller.handle(.key(.character(character))) }
    controller.handle(.key(.enter))
    #expect(controller.state.search.running == nil)
    #expect(controller.state.message?.isError == true)
    #expect(controller.state.message?.text == "'q4_k_m' is a llama.cpp file type, but llama.cpp's mixes are for language models")
  }

  @Test func escapeStopsASearchAndNothingItFoundIsApplied() throws {
    defer { removeCache() }
    let controller = try explorer()
    tick(controller, until: settled)
    controller.handle(.key(.character("a")))
    controller.handle(.key(.character("8")))
    controller.handle(.key(.enter))
    #expect(controller.state.search.running?.target == .ratio(8))
    controller.handle(.key(.escape))
    #expect(controller.state.search.running == nil)
    #expect(controller.state.message?.text == "stopped the 8x search")
    tick(controller) { _ in controller.isIdle }
    #expect(controller.isIdle)
    #expect(controller.state.plan.tensors.isEmpty)
    #expect(controller.state.search.frontier.isEmpty)
    // A new search runs as usual afterwards.
    controller.handle(.key(.character("a")))
    controller.handle(.key(.enter))
    tick(controller, until: settled)
    #expect(controller.state.ratio >= 8)
  }

  @Test func escapeStopsTheSweepWhichTabStartsAgainAndProgressSaysHowLongIsLeft() throws {
    defer { removeCache() }
    let controller = try explorer()
    for _ in 0..<4 { controller.handle(.key(.tab)) }
    #expect(controller.state.sensitivity == .computing(nil))
    controller.handle(.key(.escape))
    #expect(controller.state.sensitivity == .stopped)
    tick(controller) { _ in controller.isIdle }
    #expect(controller.state.sensitivity == .stopped)
    // Tab round to the map: the sweep starts again, reporting the time left once a cell is in.
    for _ in 0..<5 { controller.handle(.key(.tab)) }
    #expect(controller.state.sensitivity == .computing(nil))
    var timesLeft: [Double] = []
    tick(controller) { state in
      if case let .computing(progress?) = state.sensitivity, let left = progress.secondsLeft { timesLeft.append(left) }
      return state.sensitivity.table != nil
    }
    #expect(controller.state.sensitivity.table != nil)
    #expect(!timesLeft.isEmpty && timesLeft.allSatisfy { $0 >= 0 && $0.isFinite })
  }

  @Test func quittingStopsTheSweep() throws {
    defer { removeCache() }
    let controller = try explorer()
    for _ in 0..<4 { controller.handle(.key(.tab)) }
    #expect(controller.handle(.key(.character("q"))))
    // Nothing more arrives: the sweep stops at its next check and reports nothing.
    for _ in 0..<100 {
      controller.handle(.tick)
      Thread.sleep(forTimeInterval: 0.01)
    }
    #expect(controller.state.sensitivity == .computing(nil))
  }
}
