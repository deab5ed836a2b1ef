import Foundation
import PareTerminal
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

  @Test func quitConfirmation() throws {
    var state = Fixtures.lenet()
    state.overlay = .confirm(.quitUnsaved)
    try expectGolden("quit-confirm-80x24", state)
  }

  @Test func terminalTooSmall() throws {
    try expectGolden("too-small-60x20", Fixtures.lenet(width: 60, height: 20))
  }

  @Test func asciiGlyphs() throws {
    try expectGolden("ascii-histogram-80x24", Fixtures.lenet(glyphs: .ascii))
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
