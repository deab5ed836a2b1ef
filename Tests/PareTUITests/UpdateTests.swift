import Testing
@testable import PareCompression
@testable import PareCore
@testable import PareTerminal
@testable import PareTUI

struct UpdateTests {
  func state(rows: Int = 6, height: Int = 24) -> ExplorerState {
    let tensors = (0..<rows).map { i in
      TensorRow(name: "layer\(i).weight", shape: [8, 8], dtype: .f32, params: 64, originalBytes: 256)
    } + [TensorRow(name: "ids", shape: [8], dtype: .i64, params: 8, originalBytes: 64, isCompressible: false)]
    return ExplorerState(modelName: "m", rows: tensors, width: 80, height: height)
  }

  @discardableResult
  func press(_ s: inout ExplorerState, _ keys: KeyEvent...) -> [Effect] {
    keys.flatMap { update(&s, .key($0)) }
  }

  @Test func everyBindingMapsToItsAction() {
    for binding in Keymap.bindings {
      for key in binding.keys { #expect(Keymap.action(for: key) == binding.action) }
    }
    #expect(Set(Keymap.bindings.map(\.action)) == Set(Action.allCases))
  }

  @Test func movingKeepsTheSelectionByNameAndAsksForDetails() {
    var s = state()
    #expect(press(&s, .down) == [.loadDetail(tensor: "layer1.weight")])
    #expect(s.selection == "layer1.weight")
    press(&s, .end)
    #expect(s.selection == "ids")
    press(&s, .character("k"), .home)
    #expect(s.selection == "layer0.weight")
  }

  @Test func scrollingKeepsTheSelectionVisible() {
    var s = state(rows: 60, height: 24)
    press(&s, .pageDown, .pageDown)
    let index = s.visibleRows.firstIndex { $0.name == s.selection } ?? -1
    #expect(index >= s.scrollOffset && index < s.scrollOffset + s.tableRows)
    press(&s, .home)
    #expect(s.scrollOffset == 0)
  }

  @Test func editsBecomeEffectsOnTheSelectedTensor() {
    var s = state()
    #expect(press(&s, .character("b")) == [.setSpec(tensor: "layer0.weight", spec: CompressionSpec(quantize: QuantizeSpec(bits: 8)))])
    // update does not change the plan itself: the controller applies the effect.
    #expect(s.plan.tensors.isEmpty)
    press(&s, .end)
    #expect(press(&s, .character("b")).isEmpty)
    #expect(s.message?.isError == true)
  }

  @Test func undoAndRedoOnlyWhenPossible() {
    var s = state()
    #expect(press(&s, .character("u")).isEmpty && s.message?.text == "nothing to undo")
    s.canUndo = true
    s.canRedo = true
    #expect(press(&s, .character("u")) == [.undo])
    #expect(press(&s, .control("r")) == [.redo])
  }

  @Test func quitAsksWhenThePlanIsNotExported() {
    var s = state()
    #expect(press(&s, .character("q")) == [.quit])
    s.plan.tensors["layer0.weight"] = CompressionSpec(quantize: QuantizeSpec(bits: 4))
    s.isExported = false
    #expect(press(&s, .character("q")).isEmpty)
    #expect(s.overlay == .confirm(.quit(unsaved: true, searchTarget: nil)))
    #expect(press(&s, .character("n")).isEmpty && s.overlay == nil)
    press(&s, .character("q"))
    #expect(press(&s, .character("y")) == [.quit])
  }

  @Test func shiftTabAndTheArrowsSwitchDetailViews() {
    var s = state()
    press(&s, .right)
    #expect(s.detailView == .spectrum)
    press(&s, .left, .left)
    #expect(s.detailView == .sensitivity)
    press(&s, .backTab)
    #expect(s.detailView == .stats)
  }

  @Test func anUnknownKeyPointsToHelpOnce() {
    var s = state()
    press(&s, .character("z"))
    #expect(s.message?.text == "press ? for help")
    s.message = nil
    press(&s, .character("z"), .function(5))
    #expect(s.message == nil)
  }

  @Test func ctrlCAsksAsQAndASecondCtrlCQuits() {
    var s = state()
    s.plan.tensors["layer0.weight"] = CompressionSpec(quantize: QuantizeSpec(bits: 4))
    s.isExported = false
    #expect(press(&s, .control("c")).isEmpty)
    #expect(s.overlay == .confirm(.quit(unsaved: true, searchTarget: nil)))
    #expect(press(&s, .control("c")) == [.quit])
  }

  @Test func quittingDuringASearchSaysItStops() throws {
    var s = state()
    s.search.running = RunningSearch(target: .ratio(8))
    #expect(press(&s, .character("q")).isEmpty)
    #expect(s.overlay == .confirm(.quit(unsaved: false, searchTarget: .ratio(8))))
    #expect(render(s).text.contains("Quit? The running 8x search stops."))
    #expect(render(s).text.contains("y quit  n stay"))
  }

  @Test func applyingToAllTakesTheTensorsTheFilterShows() {
    var s = state()
    press(&s, .character("/"), .character("2"), .enter)
    #expect(press(&s, .character("A")) == [.applySpec(source: "layer2.weight", tensors: ["layer2.weight"])])
    press(&s, .character("/"), .escape)
    #expect(press(&s, .character("A")) == [.applySpec(source: "layer2.weight", tensors: (0..<6).map { "layer\($0).weight" })])
  }

  @Test func exportPromptDefaultsAndTabSwitchesToTheModel() {
    var s = state()
    press(&s, .character("e"))
    #expect(s.overlay == .prompt(Prompt(purpose: .exportPlan, text: "m-pare-plan.json")))
    press(&s, .tab)
    #expect(s.overlay == .prompt(Prompt(purpose: .exportModel, text: "m-pare")))
    press(&s, .backspace, .character("2"))
    #expect(press(&s, .enter) == [.exportModel(path: "m-par2")])
    #expect(s.overlay == nil)
    press(&s, .character("e"))
    #expect(press(&s, .escape).isEmpty && s.overlay == nil)
  }

  @Test func filterNarrowsAsYouTypeAndEscapeClearsIt() {
    var s = state()
    press(&s, .character("/"), .character("3"))
    #expect(s.visibleRows.map(\.name) == ["layer3.weight"])
    #expect(s.selection == "layer3.weight")
    press(&s, .enter)
    #expect(s.filter == "3" && s.overlay == nil)
    press(&s, .character("/"), .escape)
    #expect(s.filter == "" && s.visibleRows.count == 7)
  }

  @Test func helpClosesOnAnyKeyAndTooSmallOnlyQuits() {
    var s = state()
    press(&s, .character("?"))
    #expect(s.overlay == .help)
    press(&s, .character("x"))
    #expect(s.overlay == nil)
    press(&s, .resize(width: 60, height: 20))
    #expect(s.isTooSmall)
    #expect(press(&s, .character("b")).isEmpty)
    #expect(press(&s, .character("q")) == [.quit])
  }

  @Test func messagesExpire() {
    var s = state()
    s.show("hello")
    for _ in 0..<59 { _ = update(&s, .tick) }
    #expect(s.message != nil)
    _ = update(&s, .tick)
    #expect(s.message == nil)
  }
}
