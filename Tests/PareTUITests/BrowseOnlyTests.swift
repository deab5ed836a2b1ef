import Foundation
import PareFormats
import PareTerminal
import PareWorkbench
import Testing
@testable import PareTUI

/// A model no family runs opens browse-only, and every message and hint gives the registry's
/// one reason (never advice to pass data that could not help).
struct BrowseOnlyTests {
  @Test func everyHintGivesTheRegistrysReason() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pare-browse-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: root.appendingPathComponent("assets/models/lenet-300-100"), to: directory)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data(#"{"model_type": "phi3", "hidden_size": 576}"#.utf8).write(to: directory.appendingPathComponent("config.json"))

    let opened = try OpenedModel(path: directory.path)
    let reason = try #require(opened.browseOnlyReason)
    let session = try Session(model: opened.directory, evaluator: nil)
    let terminal = FakeTerminal(width: 120, height: 30)
    let controller = ExplorerController(terminal: terminal, session: session, store: nil, noMeasurementReason: reason)
    #expect(render(controller.state).text.split(separator: "\n")[0].hasSuffix("browse only"))
    controller.handle(.key(.character("a")))
    #expect(controller.state.message?.text == "nothing to measure: " + reason)
    for _ in DetailView.allCases.dropLast() { controller.handle(.key(.tab)) }
    #expect(controller.state.detailView == .sensitivity)
    let screen = render(controller.state).text
    #expect(screen.contains("nothing to measure") && !screen.contains("--data") && !screen.contains("--text"))
  }
}
