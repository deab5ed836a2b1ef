import Foundation
import PareTestSupport
import Testing
@testable import PareCompression
@testable import PareFormats
@testable import PareTerminal
@testable import PareTUI
@testable import PareWorkbench

/// The explorer never waits for a compression: with one held up by a `CompressionGate`, keys
/// go on working, the edited cells show a pending mark, and a superseded compression's result
/// never shows.
@Suite(.serialized)
struct BackgroundCompressionTests {
  static let modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("assets/models/lenet-300-100").path

  /// Ticks until every background job is done and shown (never sleeping a fixed time).
  func tickUntilIdle(_ controller: ExplorerController) -> Bool {
    let deadline = Date().addingTimeInterval(30)
    repeat {
      controller.handle(.tick)
      if controller.isIdle && !controller.state.isEvaluating { return true }
      Thread.sleep(forTimeInterval: 0.002)
    } while Date() < deadline
    return false
  }

  @Test func keysWorkWhileACompressionRunsAndTheStaleOneIsDropped() throws {
    let model = try ModelDirectory.open(Self.modelPath)
    let gate = CompressionGate()
    let session = try Session(model: model, evaluator: nil) { try gate.compress($0, weights: model.weights) }
    let controller = ExplorerController(terminal: FakeTerminal(width: 120, height: 30), session: session, store: nil)
    #expect(tickUntilIdle(controller))
    let int7 = try AppliedPlan(plan: Plan(tensors: ["fc1.weight": CompressionSpec(quantize: QuantizeSpec(bits: 7))]),
                               weights: model.weights)
    gate.close()
    controller.handle(.key(.down))  // fc1.weight
    controller.handle(.key(.character("b")))
    #expect(eventually { gate.started.count == 2 })  // int8 is being compressed, held up
    func fc1(_ state: ExplorerState) -> TensorRow? { state.rows.first { $0.name == "fc1.weight" } }
    #expect(fc1(controller.state)?.isPending == true && controller.state.isApplying)
    #expect(render(controller.state).text.contains("…"))

    // Meanwhile: another edit (the same run: one undo step), a move, and undo/redo all take
    // effect at once.
    controller.handle(.key(.character("b")))
    #expect(fc1(controller.state)?.spec?.quantize?.bits == 7)
    controller.handle(.key(.down))
    #expect(controller.state.selection == "fc2.bias")
    controller.handle(.key(.character("u")))
    #expect(fc1(controller.state)?.spec == nil)
    controller.handle(.key(.control("r")))
    #expect(fc1(controller.state)?.spec?.quantize?.bits == 7)

    gate.open()
    var shownSizes: [Int] = []
    let deadline = Date().addingTimeInterval(30)
    while !(controller.isIdle && !controller.state.isApplying) && Date() < deadline {
      controller.handle(.tick)
      if let row = fc1(controller.state), !row.isPending { shownSizes.append(row.currentBytes) }
    }
    #expect(fc1(controller.state)?.currentBytes == int7.compressed["fc1.weight"]?.storage.bytes)
    #expect(controller.state.compressedBytes == int7.compressedBytes)
    // int8 finished compressing (it was running) but never showed; the plans after it (the
    // run's int7, the undo's empty plan) were superseded before they started.
    #expect(Set(shownSizes) == [int7.compressed["fc1.weight"]!.storage.bytes])
    #expect(gate.started.map { $0.tensors["fc1.weight"]?.quantize?.bits } == [nil, 8, 7])
  }
}
