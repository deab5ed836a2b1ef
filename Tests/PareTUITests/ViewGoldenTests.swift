import Foundation
import PareTerminal
import PareWorkbench
import Testing
@testable import PareTUI

/// Golden screens: `render(state).text` compared with text files under `Golden/`.
///
/// To (re)write the files after an intended change of the view, run
///
///     PARE_UPDATE_GOLDENS=1 swift test --scratch-path .build-tui --filter ViewGoldenTests
///
/// then read every changed screen (`git diff Tests/PareTUITests/Golden`) before keeping it.
/// Without the variable a mismatch fails and names the first line that differs.
struct ViewGoldenTests {
  @Test(arguments: DetailView.allCases, [(80, 24), (160, 48)])
  func detailViews(view: DetailView, size: (Int, Int)) throws {
    // Each view shows the tensor whose spec it has the most to say about.
    let selection = view == .spectrum ? "fc2.weight" : "fc1.weight"
    let state = Fixtures.lenet(width: size.0, height: size.1, view: view, selection: selection)
    try expectGolden("lenet-\(view.rawValue)-\(size.0)x\(size.1)", state)
  }

  @Test(arguments: [(120, 30), (80, 24)])
  func sensitivityMap(size: (Int, Int)) throws {
    try expectGolden("lenet-sensitivity-\(size.0)x\(size.1)", Fixtures.lenet(width: size.0, height: size.1, view: .sensitivity))
  }

  @Test(arguments: [(80, 24), (160, 48)])
  func sensitivityMapOfManyTensorsScrollsWithTheSelection(size: (Int, Int)) throws {
    var state = Fixtures.bert(width: size.0, height: size.1)
    state.detailView = .sensitivity
    state.sensitivity = .computed(Fixtures.bertSensitivity)
    try expectGolden("bert-sensitivity-\(size.0)x\(size.1)", state)
  }

  @Test func sensitivityMapWithoutColoursOrUnicode() throws {
    var state = Fixtures.lenet(width: 120, height: 30, view: .sensitivity, glyphs: .ascii)
    state.colors = false
    try expectGolden("ascii-sensitivity-120x30", state)
  }

  @Test func sensitivityMapOfABiasSaysItIsNotSwept() throws {
    try expectGolden("lenet-sensitivity-bias-80x24", Fixtures.lenet(view: .sensitivity, selection: "fc2.bias"))
  }

  @Test func sensitivityProgressWhileASearchWaitsForIt() throws {
    var state = Fixtures.lenet(view: .sensitivity)
    state.sensitivity = .computing(WorkProgress(completed: 12, total: 33))
    var search = RunningSearch(target: .ratio(8))
    search.sweep = WorkProgress(completed: 12, total: 33)
    state.search.running = search
    try expectGolden("sensitivity-progress-80x24", state)
  }

  @Test func targetRatioPrompt() throws {
    var state = Fixtures.lenet()
    state.overlay = .prompt(Prompt(purpose: .searchTarget, text: "8"))
    try expectGolden("search-prompt-80x24", state)
  }

  @Test func helpOverlay() throws {
    var state = Fixtures.lenet()
    state.overlay = .help
    try expectGolden("help-80x24", state)
  }

  @Test func exportPrompt() throws {
    var state = Fixtures.lenet()
    state.overlay = .prompt(Prompt(purpose: .exportPlan, text: "lenet-300-100-pare-plan.json"))
    try expectGolden("export-prompt-80x24", state)
  }

  @Test func modelExportPromptShowsTheFullTarget() throws {
    var state = Fixtures.lenet()
    (state.workingDirectory, state.homeDirectory) = ("/home/me/work", "/home/me")
    state.overlay = .prompt(Prompt(purpose: .exportPackedModel, text: "~/models/lenet-300-100-pare"))
    try expectGolden("export-packed-prompt-80x24", state)
  }

  @Test func directEntryPromptWithAnError() throws {
    var state = Fixtures.lenet()
    guard case let .failure(problem) = SpecEntry.spec("int9 g64", shape: [300, 784], dtype: .f32) else {
      Issue.record("int9 was accepted")
      return
    }
    state.overlay = .prompt(Prompt(purpose: .spec(tensor: "fc1.weight"), text: "int9 g64", error: problem.message))
    try expectGolden("spec-prompt-error-80x24", state)
  }

  @Test func messageLog() throws {
    var state = Fixtures.lenet()
    state.show("applied fc1.weight's spec to the 3 tensors matching /weight")
    state.tick = 260
    state.show("/nonexistent/plan.json: cannot write the file: No such file or directory", isError: true)
    state.tick = 1500
    state.show("undo: fc1.weight int5 ch → int4 ch")
    state.overlay = .messages
    try expectGolden("messages-80x24", state)
  }

  @Test func helpScrolledToItsEnd() throws {
    var state = Fixtures.lenet()
    state.overlay = .help
    state.helpScroll = View(state: state).helpScrollLimit
    try expectGolden("help-end-80x24", state)
  }

  @Test func restoreQuestion() throws {
    var state = Fixtures.lenet()
    state.overlay = .confirm(.restoreSession(tensors: 3))
    try expectGolden("restore-question-80x24", state)
  }

  @Test func sensitivityMapWithTheFourthCellPicked() throws {
    var state = Fixtures.lenet(width: 120, height: 30, view: .sensitivity)
    state.mapColumn = 3
    try expectGolden("lenet-sensitivity-cell-120x30", state)
  }

  @Test func quitConfirmation() throws {
    var state = Fixtures.lenet()
    state.overlay = .confirm(.quit(unsaved: true, searchTarget: nil))
    try expectGolden("quit-confirm-80x24", state)
  }

  @Test func terminalTooSmall() throws {
    try expectGolden("too-small-60x20", Fixtures.lenet(width: 60, height: 20))
  }

  @Test func asciiGlyphs() throws {
    try expectGolden("ascii-histogram-80x24", Fixtures.lenet(glyphs: .ascii))
  }

  @Test(arguments: TableSort.Key.allCases.filter { $0 != .file })
  func sortedTable(key: TableSort.Key) throws {
    var state = Fixtures.lenet(selection: "fc2.weight")
    state.sort = TableSort(key: key)
    try expectGolden("lenet-sorted-by-\(key.rawValue)-80x24", state)
  }

  @Test func reversedSortInASCII() throws {
    var state = Fixtures.lenet(glyphs: .ascii)
    state.sort = TableSort(key: .size, isReversed: true)
    try expectGolden("ascii-sorted-by-size-reversed-80x24", state)
  }

  @Test func asciiHelpNamesTheArrowKeys() throws {
    var state = Fixtures.lenet(glyphs: .ascii)
    state.overlay = .help
    try expectGolden("ascii-help-80x24", state)
  }

  @Test func headerSaysHowManySentencesATextEncoderIsMeasuredOn() throws {
    var state = Fixtures.bert(width: 120, height: 30)
    state.canEvaluate = true
    state.sampledItems = "sentences"
    state.metric = PlanMetric(kind: SentenceEncoder.metric, value: 0.9978, baseline: 1, samples: 64)
    try expectGolden("bert-sample-size-120x30", state)
  }

  @Test func longNamesScrolledToASelectionNearTheBottom() throws {
    try expectGolden("bert-scrolled-160x48", Fixtures.bert())
  }
}

/// Compares the screen of `state` with `Golden/<name>.txt`, or writes it when
/// `PARE_UPDATE_GOLDENS=1`.
func expectGolden(_ name: String, _ state: ExplorerState, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden").appendingPathComponent(name + ".txt")
  let actual = render(state).text
  if ProcessInfo.processInfo.environment["PARE_UPDATE_GOLDENS"] == "1" {
    try actual.write(to: url, atomically: true, encoding: .utf8)
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    Issue.record("no golden screen \(url.lastPathComponent); write it with PARE_UPDATE_GOLDENS=1",
                 sourceLocation: sourceLocation)
    return
  }
  guard actual != expected else { return }
  let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
  let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let line = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    ?? min(actualLines.count, expectedLines.count)
  let show = { (lines: [Substring]) in line < lines.count ? "\"\(lines[line])\"" : "(no line)" }
  Issue.record("""
    \(name): line \(line + 1) differs
      expected: \(show(expectedLines))
      actual:   \(show(actualLines))
    whole screen:
    \(actual)
    """, sourceLocation: sourceLocation)
}
