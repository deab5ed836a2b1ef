import Foundation
import PareCompression
import PareFormats
import PareTerminal
import PareWorkbench
import Testing
@testable import PareTUI

/// Issue #17 in the explorer: `b` on a tensor holding NaN or Inf shows the refusal and changes
/// nothing (no plan step, nothing compressed); the stats view counts the non-finite values.
struct NonFiniteExplorerTests {
  static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("inputs/nonfinite/model.safetensors").path

  @Test func lowerBitsOnANonFiniteTensorIsRefusedWithTheCounts() throws {
    let opened = try OpenedModel(path: Self.model)
    let session = try Session(model: opened.directory, evaluator: nil)
    let controller = ExplorerController(terminal: FakeTerminal(width: 120, height: 30), session: session, store: nil,
                                        noMeasurementReason: opened.browseOnlyReason ?? "")
    #expect(controller.state.rows.map(\.name) == ["b", "v", "w"])
    controller.handle(.key(.down))
    controller.handle(.key(.down))
    #expect(controller.state.selection == "w")
    controller.handle(.key(.character("b")))
    #expect(controller.state.message?.isError == true)
    #expect(controller.state.message?.text
      == "plan: w holds 3 NaN and 1 Inf values; Pare compresses only finite weights: leave it uncompressed")
    #expect(session.plan.tensors.isEmpty && !session.history.canUndo)
    // A finite tensor next to it compresses as usual.
    controller.handle(.key(.up))
    controller.handle(.key(.character("b")))
    #expect(session.plan.tensors.keys.sorted() == ["v"])
  }
}
