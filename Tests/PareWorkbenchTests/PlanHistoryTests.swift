import Testing
@testable import PareCompression
@testable import PareWorkbench

struct PlanHistoryTests {
  func plan(_ bits: Int) -> Plan {
    Plan(tensors: ["w": CompressionSpec(quantize: QuantizeSpec(bits: bits))])
  }

  @Test func undoRedoMoveTheCursor() {
    var history = PlanHistory()
    #expect(!history.canUndo && !history.canRedo)
    history.record(plan(8))
    history.record(plan(4))
    #expect(history.current == plan(4) && history.plans.count == 3)
    var moved = history.undo()
    #expect(moved && history.current == plan(8))
    moved = history.undo()
    #expect(moved && history.current == Plan())
    moved = history.undo()
    #expect(!moved)
    moved = history.redo() && history.redo()
    #expect(moved && history.current == plan(4))
    moved = history.redo()
    #expect(!moved)
  }

  @Test func anEditAfterUndoDropsTheRedoBranch() {
    var history = PlanHistory()
    history.record(plan(8))
    history.record(plan(4))
    history.undo()
    history.record(plan(2))
    #expect(history.plans == [Plan(), plan(8), plan(2)])
    #expect(!history.canRedo)
  }

  @Test func anEditThatChangesNothingIsNotRecorded() {
    var history = PlanHistory(plan(8))
    let recorded = history.record(plan(8))
    #expect(!recorded)
    #expect(history.plans.count == 1)
  }
}
