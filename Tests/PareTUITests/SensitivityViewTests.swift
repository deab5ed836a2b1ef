import PareTerminal
import PareWorkbench
import Testing
@testable import PareTUI

/// The sensitivity view, the `a` prompt and the frontier on the status line, as pure update and
/// view logic (the screens themselves are pinned by `ViewGoldenTests`).
struct SensitivityViewTests {
  @discardableResult
  func press(_ state: inout ExplorerState, _ keys: KeyEvent...) -> [Effect] {
    keys.flatMap { update(&state, .key($0)) }
  }

  func type(_ state: inout ExplorerState, _ text: String) -> [Effect] {
    text.flatMap { update(&state, .key(.character($0))) } + update(&state, .key(.enter))
  }

  @Test func tabAsksForTheMapOnceAndAFailedOneAgain() {
    var state = Fixtures.lenet(view: .stats)
    state.sensitivity = .notComputed
    #expect(press(&state, .tab) == [.loadSensitivity])
    #expect(state.detailView == .sensitivity && state.sensitivity == .computing(nil))
    #expect(press(&state, .tab, .tab, .tab, .tab, .tab).isEmpty)
    state.sensitivity = .failed("out of memory")
    #expect(press(&state, .tab, .tab, .tab, .tab, .tab) == [.loadSensitivity])
    state.sensitivity = .unavailable
    #expect(press(&state, .tab, .tab, .tab, .tab, .tab).isEmpty)
  }

  @Test func aAsksForARatioAndEnterStartsTheSearch() {
    var state = Fixtures.lenet()
    press(&state, .character("a"))
    #expect(state.overlay == .prompt(Prompt(purpose: .searchTarget, text: "", isSelected: true)))
    #expect(type(&state, "8x") == [.searchPlan(.ratio(8))])
    #expect(state.overlay == nil)
    #expect(state.search.running == RunningSearch(target: .ratio(8)))
    // The next `a` proposes the last ratio, selected; a second search replaces the first, saying so.
    press(&state, .character("a"))
    #expect(state.overlay == .prompt(Prompt(purpose: .searchTarget, text: "8", isSelected: true)))
    press(&state, .backspace)
    #expect(type(&state, "12.5") == [.searchPlan(.ratio(12.5))])
    #expect(state.message?.text == "replacing the running 8x search")
    #expect(state.search.running == RunningSearch(target: .ratio(12.5)))
  }

  @Test func typingReplacesTheProposedRatioAndAnArrowKeepsIt() {
    var state = Fixtures.lenet()
    state.search.lastTarget = .ratio(8)
    press(&state, .character("a"))
    #expect(type(&state, "30") == [.searchPlan(.ratio(30))])
    press(&state, .character("a"), .left)
    #expect(type(&state, "0") == [.searchPlan(.ratio(300))])
  }

  @Test(arguments: ["abc", "1", "0.5", "-8", "inf", "nan"])
  func aBadRatioIsAClearMessage(text: String) {
    var state = Fixtures.lenet()
    press(&state, .character("a"))
    #expect(type(&state, text).isEmpty)
    #expect(state.message?.isError == true)
    #expect(state.message?.text.hasPrefix("'\(text)' is not a ratio") == true)
    #expect(state.search.running == nil)
  }

  @Test func escapeCancelsThePromptAndTabStaysInIt() {
    var state = Fixtures.lenet()
    press(&state, .character("a"), .character("8"), .tab)
    #expect(state.overlay == .prompt(Prompt(purpose: .searchTarget, text: "8")))
    #expect(press(&state, .escape).isEmpty)
    #expect(state.overlay == nil && state.search.running == nil)
  }

  @Test func aWithoutEvaluationDataSaysWhy() {
    var state = Fixtures.lenet()
    state.sensitivity = .unavailable
    #expect(press(&state, .character("a")).isEmpty)
    #expect(state.overlay == nil)
    #expect(state.message?.text == "nothing to measure: " + state.noMeasurementReason)
  }

  @Test func theStatusLineSaysWhereThePlanSitsAgainstTheFrontier() {
    var state = Fixtures.lenet(width: 120, height: 30)
    // The plan is 105.5 kB at 0.9420; the best known point no larger is the 9.7x one.
    state.search.frontier = [
      FrontierPoint(compressedBytes: 110_390, ratio: 9.66, value: 0.946),
      FrontierPoint(compressedBytes: 99_910, ratio: 10.67, value: 0.944),
      FrontierPoint(compressedBytes: 66_140, ratio: 16.12, value: 0.940),
    ]
    var line = statusLine(state)
    #expect(line.contains("frontier at 10.7x: 0.9440 (you: -0.20 pts)"))
    // At 80 columns it does not fit beside the rest, so it is left out, not cut.
    state.width = 80
    #expect(!statusLine(state).contains("frontier"))
    // Nothing while the metric is being measured, or when no known plan is as small.
    state.width = 120
    state.isEvaluating = true
    #expect(!statusLine(state).contains("frontier"))
    state.isEvaluating = false
    state.search.frontier = [FrontierPoint(compressedBytes: 200_000, ratio: 5.3, value: 0.945)]
    line = statusLine(state)
    #expect(!line.contains("frontier"))
  }

  @Test func aRunningSearchIsOnTheStatusLine() {
    var state = Fixtures.lenet(width: 120, height: 30)
    var search = RunningSearch(target: .ratio(8))
    search.evaluations = WorkProgress(completed: 12, total: 100)
    state.search.running = search
    #expect(statusLine(state).hasPrefix("searching 8x: 12/100 plans…"))
    // A sweep for the map in the background, seen from another view.
    state.search.running = nil
    state.sensitivity = .computing(WorkProgress(completed: 1, total: 4))
    #expect(statusLine(state).hasPrefix("sensitivity 25%…"))
  }

  @Test func theSelectedTensorsRowIsReversedAndColoursFollowTheLoss() throws {
    let state = Fixtures.lenet(width: 120, height: 30, view: .sensitivity, selection: "fc3.weight")
    let canvas = render(state)
    let lines = canvas.text.split(separator: "\n", omittingEmptySubsequences: false)
    let row = try #require(lines.firstIndex { $0.contains("│ fc3 ") })
    let runs = canvas.runs(row: row)
    #expect(runs.first { $0.text == "fc3" }?.style.reverse == true)
    #expect(runs.first { $0.text.contains("-75") }?.style.background == .red)
    #expect(runs.first { $0.text.contains("+0.0") }?.style.background == .green)
    #expect(runs.first { $0.text.contains("-0.3") }?.style.background == .yellow)
  }

  @Test func withoutColoursTheMapIsPlainAndALargeLossBold() throws {
    var state = Fixtures.lenet(view: .sensitivity)
    state.colors = false
    let canvas = render(state)
    for row in 0..<canvas.height {
      #expect(canvas.runs(row: row).allSatisfy { $0.style.foreground == nil && $0.style.background == nil })
    }
    // fc3 under rank/8 (-74.6 points) is the full bar, bold.
    let fc3 = try #require(canvas.text.split(separator: "\n").firstIndex { $0.contains("│ fc3 ") })
    #expect(canvas.runs(row: fc3).contains { $0.text.contains("█") && $0.style.bold })
  }

  @Test func layoutHeadsAndLabels() {
    #expect(HeatMapLayout.split("int4") == ("int", "4"))
    #expect(HeatMapLayout.split("rank/8+int4") == ("rank/+int", "8/4"))
    #expect(HeatMapLayout.split("prune97.5") == ("prune", "97.5"))
    #expect(HeatMapLayout.labels(["fc1.weight", "fc2.weight"]) == ["fc1", "fc2"])
    #expect(HeatMapLayout.labels(["a.dense.weight", "b.dense.weight"]) == ["a", "b"])
    #expect(HeatMapLayout.labels(["weight", "x.weight"]) == ["weight", "x.weight"])
    #expect(HeatMapLayout.labels(["fc1.weight"]) == ["fc1.weight"])
    let name = "encoder.layer.5.attention.output.dense"
    #expect(HeatMapLayout.abbreviated(name, toWidth: 40) == name)
    #expect(HeatMapLayout.abbreviated(name, toWidth: 30) == "e.l.5.attention.output.dense")
    #expect(HeatMapLayout.abbreviated(name, toWidth: 20) == "e.l.5.a.output.dense")
    #expect(HeatMapLayout.abbreviated(name, toWidth: 10) == "e.l.5.a.o.dense")
    // Every screen size lays the map out inside the pane.
    for width in [10, 29, 69, 109] {
      let layout = HeatMapLayout(table: Fixtures.lenetSensitivity, width: width)
      let right = layout.cells.map { $0.column + $0.width }.max() ?? 0
      #expect(right <= max(width, 1 + layout.labelWidth + layout.cells.count), "width \(width)")
    }
  }

  @Test(arguments: [(80, 24), (81, 25), (120, 40), (200, 60)])
  func theMapFitsTheScreen(size: (Int, Int)) {
    let state = Fixtures.lenet(width: size.0, height: size.1, view: .sensitivity)
    let canvas = render(state)
    #expect(canvas.width == size.0 && canvas.height == size.1)
    #expect(canvas.text.contains("int"))
  }

  private func statusLine(_ state: ExplorerState) -> String {
    String(render(state).text.split(separator: "\n", omittingEmptySubsequences: false)[state.height - 2])
  }
}
