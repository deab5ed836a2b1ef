import Testing
@testable import PareTerminal
@testable import PareTUI

/// `s` and `S` order the table, `n` and `N` step through the last `/` pattern's matches, and the
/// filter takes a glob.
struct SortAndSearchTests {
  @discardableResult
  func press(_ s: inout ExplorerState, _ keys: KeyEvent...) -> [Effect] {
    keys.flatMap { update(&s, .key($0)) }
  }

  func names(_ s: ExplorerState) -> [String] { s.visibleRows.map(\.name) }

  @Test func sCyclesTheSortKeysAndTheSelectionStaysOnItsTensor() {
    var s = Fixtures.lenet(selection: "fc2.weight")
    press(&s, .character("s"))
    #expect(s.sort.key == .name)
    #expect(names(s) == ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight", "fc3.bias", "fc3.weight"])
    press(&s, .character("s"))
    #expect(s.sort.key == .params && names(s).first == "fc1.weight")
    press(&s, .character("s"))
    #expect(s.sort.key == .size && names(s).first == "fc1.weight")
    press(&s, .character("s"))
    // The worst error first; untouched tensors (no error) last, in file order.
    #expect(s.sort.key == .error && names(s).suffix(3) == ["fc1.bias", "fc2.bias", "fc3.bias"])
    press(&s, .character("s"), .character("s"))
    #expect(s.sort.key == .file && names(s).first == "fc1.weight")
    #expect(s.selection == "fc2.weight")
  }

  @Test func sensitivityIsAKeyOnlyOnceTheMapIsComputed() {
    var s = Fixtures.lenet()
    s.sort = TableSort(key: .error)
    press(&s, .character("s"))
    #expect(s.sort.key == .sensitivity)
    s.sensitivity = .notComputed
    s.sort = TableSort(key: .error)
    press(&s, .character("s"))
    #expect(s.sort.key == .file)
  }

  @Test func capitalSReversesTheSort() {
    var s = Fixtures.lenet()
    press(&s, .character("s"), .character("s"), .character("s"))
    let biggestFirst = names(s)
    press(&s, .character("S"))
    #expect(names(s) == biggestFirst.reversed())
    #expect(s.sort == TableSort(key: .size, isReversed: true))
  }

  @Test func nAndCapitalNStepThroughTheLastPatternsMatchesAfterTheFilterIsCleared() {
    var s = Fixtures.lenet()
    press(&s, .character("/"), .character("b"), .character("i"), .escape)
    #expect(s.filter.isEmpty && s.searchPattern == "bi")
    press(&s, .home, .character("n"))
    #expect(s.selection == "fc1.bias")
    press(&s, .character("n"))
    #expect(s.selection == "fc2.bias")
    press(&s, .character("N"), .character("N"))
    #expect(s.selection == "fc3.bias")  // wrapped round
  }

  @Test func nWithoutAPatternOrAMatchSaysSo() {
    var s = Fixtures.lenet()
    press(&s, .character("n"))
    #expect(s.message?.text == "no pattern yet: / types one")
    s.searchPattern = "attention"
    press(&s, .character("n"))
    #expect(s.message?.text == "no tensor matches attention" && s.selection == "fc1.weight")
  }

  @Test func theFilterTakesAGlob() {
    var s = Fixtures.lenet()
    press(&s, .character("/"), .character("f"), .character("c"), .character("?"), .character("."), .character("b"))
    #expect(names(s) == ["fc1.bias", "fc2.bias", "fc3.bias"])
    #expect(NamePattern("layer.*.mlp").matches("model.Layer.3.mlp.weight"))
    #expect(!NamePattern("layer.*.mlp").matches("model.layer.3.attn.weight"))
    #expect(NamePattern("*").matches("anything") && NamePattern("").matches("anything"))
  }
}
