import Testing
@testable import PareCompression
@testable import PareCore
@testable import PareTerminal
@testable import PareTUI
@testable import PareWorkbench

/// The message log and how long messages stay, the mouse (wheel, detail tabs), the map's cell
/// and Enter, Esc stopping background work, the help's scrolling, the restore question, and the
/// time left that progress shows.
struct MessagesMouseAndProgressTests {
  func state(rows: Int = 40) -> ExplorerState {
    ExplorerState(modelName: "m", rows: (0..<rows).map { i in
      TensorRow(name: "layer\(i).weight", shape: [8, 8], dtype: .f32, params: 64, originalBytes: 256)
    }, width: 80, height: 24)
  }

  @discardableResult
  func press(_ s: inout ExplorerState, _ keys: KeyEvent...) -> [Effect] { keys.flatMap { update(&s, .key($0)) } }

  @Test func anErrorStaysUntilTheNextKeyANoteExpiresAndBothAreLogged() {
    var s = state()
    s.show("cannot write", isError: true)
    for _ in 0..<1000 { _ = update(&s, .tick) }
    #expect(s.message?.text == "cannot write")
    press(&s, .down)
    #expect(s.message == nil)
    s.show("a note")
    for _ in 0..<messageTicks { _ = update(&s, .tick) }
    #expect(s.message == nil)
    #expect(s.messageLog.map(\.text) == ["cannot write", "a note"])
    #expect(s.messageLog.map(\.isError) == [true, false])
    press(&s, .character("M"))
    #expect(s.overlay == .messages)
    press(&s, .character("x"))
    #expect(s.overlay == nil)
  }

  @Test func theLogKeepsTheLatestMessages() {
    var s = state()
    for i in 0..<(messageLogLimit + 5) { s.show("message \(i)") }
    #expect(s.messageLog.count == messageLogLimit)
    #expect(s.messageLog.first?.text == "message 5")
  }

  @Test func theWheelScrollsTheTableAndTakesTheSelectionAlong() {
    var s = state()
    #expect(update(&s, .key(.wheelDown)) == [.loadDetail(tensor: "layer3.weight")])
    #expect(s.scrollOffset == 3 && s.selection == "layer3.weight")
    press(&s, .wheelDown, .wheelDown)
    #expect(s.scrollOffset == 9)
    press(&s, .down)
    #expect(s.selection == "layer10.weight")
    // Up again: the selection stays while it is on the screen.
    press(&s, .wheelUp)
    #expect(s.scrollOffset == 6 && s.selection == "layer10.weight")
    for _ in 0..<10 { press(&s, .wheelDown) }
    #expect(s.scrollOffset == 40 - s.tableRows)
  }

  @Test func aClickOnADetailTabShowsThatView() {
    var s = Fixtures.lenet()
    // At 80 columns the pane starts at column 50; the tabs read " hist svd sparse stats sens".
    let geometry = ScreenGeometry(s)
    let line = render(s).text.split(separator: "\n")[1]
    let column = Array(line).firstIndex(of: "v").map { $0 } ?? 0  // the "v" of "svd"
    #expect(geometry.tab(atColumn: column) == .spectrum)
    press(&s, .mouse(row: 1, column: column))
    #expect(s.detailView == .spectrum)
    // A click on the tab row beside the tabs, or on the pane below, does nothing.
    press(&s, .mouse(row: 5, column: column))
    #expect(s.detailView == .spectrum)
  }

  @Test func arrowsPickAMapCellAndEnterAppliesItsCandidate() throws {
    var s = Fixtures.lenet(view: .sensitivity)
    let table = try #require(s.sensitivity.table)
    #expect(s.mapColumn == 0)
    press(&s, .right, .right)
    #expect(s.mapColumn == 2 && s.detailView == .sensitivity)
    let expected = table.candidates[2].spec(forShape: [300, 784])
    #expect(press(&s, .enter) == [.setSpec(tensor: "fc1.weight", spec: expected)])
    #expect(s.message?.text == "fc1.weight: \(table.candidates[2]) from the map (u undoes)")
    // ← past the first cell switches views, as elsewhere.
    press(&s, .left, .left, .left)
    #expect(s.mapColumn == 0 && s.detailView == .stats)
    // Enter elsewhere says where it works.
    #expect(press(&s, .enter).isEmpty)
    #expect(s.message?.text.contains("sensitivity map") == true)
  }

  /// A click on a map cell selects its tensor and candidate, as arrows would, and Enter then
  /// applies it; a click on the map's labels or heads does nothing.
  @Test func aClickOnAMapCellSelectsItsTensorAndCandidate() throws {
    var s = Fixtures.lenet(view: .sensitivity)
    let table = try #require(s.sensitivity.table)
    var view = View(state: s)
    view.draw()
    let cell = try #require(view.mapCells.first { $0.tensor != s.selection && $0.candidateIndex == 3 })
    // The cell is where the screen shows it: the map row's label is left of it.
    #expect(mapCell(atRow: cell.row, column: cell.columns.lowerBound, s) == cell)
    #expect(mapCell(atRow: cell.row, column: cell.columns.upperBound - 1, s) == cell)
    press(&s, .mouse(row: cell.row, column: cell.columns.lowerBound))
    #expect(s.selection == cell.tensor && s.mapColumn == 3 && s.detailView == .sensitivity)
    let shape = try #require(table.tensors.first { $0.name == cell.tensor }).shape
    #expect(press(&s, .enter) == [.setSpec(tensor: cell.tensor, spec: table.candidates[3].spec(forShape: shape))])
    // The heads (two rows above the first map row) are no cell.
    let top = try #require(view.mapCells.map(\.row).min())
    press(&s, .mouse(row: top - 1, column: cell.columns.lowerBound))
    #expect(s.selection == cell.tensor && s.mapColumn == 3)
    #expect(mapCell(atRow: top - 1, column: cell.columns.lowerBound, s) == nil)
  }

  @Test func escapeStopsTheSearchThenTheSweepThenClearsTheFilter() {
    var s = state()
    s.sensitivity = .computing(WorkProgress(completed: 3, total: 30))
    s.search.running = RunningSearch(target: .ratio(8))
    #expect(press(&s, .escape) == [.cancelBackground])
    #expect(s.search.running == nil && s.sensitivity == .stopped)
    #expect(s.message?.text == "stopped the 8x search")
    s.sensitivity = .computing(nil)
    #expect(press(&s, .escape) == [.cancelBackground])
    #expect(s.sensitivity == .stopped)
    // Shown again, the map is swept again.
    s.detailView = .stats
    #expect(press(&s, .tab) == [.loadSensitivity])
    s.sensitivity = .notComputed
    press(&s, .character("/"), .character("3"), .enter)
    #expect(s.filter == "3")
    #expect(press(&s, .escape).isEmpty && s.filter == "")
  }

  @Test func theHelpScrollsWhereItDoesNotFit() {
    var s = Fixtures.lenet()
    press(&s, .character("?"))
    let limit = View(state: s).helpScrollLimit
    #expect(limit > 0)
    press(&s, .down, .down)
    #expect(s.helpScroll == 2 && s.overlay == .help)
    press(&s, .pageDown, .pageDown, .pageDown)
    #expect(s.helpScroll == limit)
    // Every binding is on one of the pages, in full.
    var text = ""
    for scroll in 0...limit {
      s.helpScroll = scroll
      text += render(s).text
    }
    for binding in Keymap.bindings { #expect(text.contains(String(binding.help.prefix(30)))) }
    press(&s, .character("q"))
    #expect(s.overlay == nil)
  }

  @Test func theRestoreQuestionSaysWhyKeysWait() {
    var s = state()
    s.overlay = .confirm(.restoreSession(tensors: 3))
    #expect(render(s).text.contains("y restore it  n start without it"))
    #expect(press(&s, .down).isEmpty)
    #expect(s.overlay == .confirm(.restoreSession(tensors: 3)))
    #expect(s.message?.text == "answer first: y restores your last session's plan, n starts without it")
    #expect(press(&s, .character("n")) == [.restoreSession(false)])
  }

  @Test func progressSaysHowLongIsLeft() {
    #expect(WorkProgress(completed: 10, total: 40, elapsed: 5).secondsLeft == 15)
    #expect(WorkProgress(completed: 0, total: 40, elapsed: 5).secondsLeft == nil)
    #expect(Format.duration(12.4) == "12s")
    #expect(Format.duration(65) == "1:05")
    #expect(Format.duration(3723) == "1:02:03")
    var s = Fixtures.lenet()
    var search = RunningSearch(target: .ratio(8))
    search.evaluations = WorkProgress(completed: 12, total: 100, secondsLeft: 40)
    s.search.running = search
    #expect(render(s).text.contains("searching 8x: 12/100 plans, 40s left"))
    // Before the first step there is no pace yet: the screen says it is estimating.
    #expect(WorkProgress(completed: 0, total: 40, elapsed: 5).timeLeft == "estimating time left")
    #expect(WorkProgress(completed: 40, total: 40, elapsed: 5).timeLeft == "0s left")
    search.evaluations = nil
    search.sweep = WorkProgress(completed: 0, total: 300, elapsed: 0)
    s.search.running = search
    #expect(render(s).text.contains("searching 8x: sensitivity 0%, estimating time left"))
  }

  @Test func thePlanExportProposesThePlanFileAndTabReachesThePackedModel() {
    var s = state()
    s.planFile = "given.json"
    press(&s, .character("e"))
    #expect(s.overlay == .prompt(Prompt(purpose: .exportPlan, text: "given.json")))
    press(&s, .tab)
    #expect(s.overlay == .prompt(Prompt(purpose: .exportModel, text: "m-pare")))
    press(&s, .tab)
    #expect(s.overlay == .prompt(Prompt(purpose: .exportPackedModel, text: "m-pare")))
    #expect(press(&s, .enter) == [.exportModel(path: "m-pare", packed: true)])
  }

  @Test func aLongPromptTextScrollsToKeepTheCursorInView() {
    var s = Fixtures.lenet()
    let path = "/" + (0..<12).map { "folder\($0)" }.joined(separator: "/") + "/plan.json"
    var prompt = Prompt(purpose: .exportPlan, text: path)
    s.overlay = .prompt(prompt)
    func field() -> String {
      let lines = render(s).text.split(separator: "\n").map(String.init)
      guard let title = lines.firstIndex(where: { $0.contains("Export the plan to:") }), title + 1 < lines.count else { return "" }
      return lines[title + 1]
    }
    // The cursor after the text: its end is shown, the start cut off behind an ellipsis.
    #expect(field().contains("…") && field().contains("folder11/plan.json"))
    #expect(!field().contains("/folder0/"))
    // Home: the start is shown.
    _ = prompt.edit(.home)
    s.overlay = .prompt(prompt)
    #expect(field().contains("/folder0/folder1/") && !field().contains("plan.json"))
  }

  @Test func theExportPromptShowsTheFullTarget() {
    var s = state()
    (s.workingDirectory, s.homeDirectory) = ("/work/here", "/home/me")
    #expect(s.fullPath("plan.json") == "/work/here/plan.json")
    #expect(s.fullPath("./plan.json") == "/work/here/plan.json")
    #expect(s.fullPath("~/p.json") == "/home/me/p.json")
    #expect(s.fullPath("/tmp/p.json") == "/tmp/p.json")
    s.homeDirectory = nil
    #expect(s.fullPath("~/p.json") == nil)
  }
}
