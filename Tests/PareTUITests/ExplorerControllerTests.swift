import Foundation
import Testing
@testable import PareCompression
@testable import PareEngine
@testable import PareFormats
@testable import PareTerminal
@testable import PareTUI
@testable import PareWorkbench

/// The controller on the bundled lenet-300-100 with the real evaluator, driven headless.
@Suite(.serialized)
struct ExplorerControllerTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  func explorer(store: SessionStore? = nil, initialPlan: Plan = Plan(),
                options: ExplorerOptions = ExplorerOptions()) throws -> (ExplorerController, FakeTerminal) {
    let opened = try OpenedModel(path: Self.root.appendingPathComponent("assets/models/lenet-300-100").path)
    let model = opened.directory
    let data = EvaluationData(path: Self.root.appendingPathComponent("assets/data/mnist-test.safetensors").path)
    let compression = CompressionCache()
    let evaluator = try #require(opened.family).evaluator(on: data, compression: compression, cachesActivations: true)
    let session = try Session(model: model, initialPlan: initialPlan, evaluator: evaluator, compression: compression)
    let terminal = FakeTerminal(width: 120, height: 30)
    return (ExplorerController(terminal: terminal, session: session, store: store, options: options), terminal)
  }

  /// Ticks until the evaluation and the selected tensor's detail settle (both are computed in
  /// the background).
  func settle(_ controller: ExplorerController) {
    let deadline = Date().addingTimeInterval(10)
    func busy(_ state: ExplorerState) -> Bool {
      state.isEvaluating || state.selection.map { state.details[$0] == nil } ?? false
    }
    repeat {
      controller.handle(.tick)
      Thread.sleep(forTimeInterval: 0.005)
    } while busy(controller.state) && Date() < deadline
  }

  @Test func theSelectedTensorsDetailArrivesFromTheBackground() throws {
    let (controller, _) = try explorer()
    controller.handle(.key(.down))
    let name = try #require(controller.state.selection)
    settle(controller)
    let detail = try #require(controller.state.details[name])
    #expect(detail.singularValues?.count == 300)  // fc1.weight is [300, 784]
    // An edit then adds the compressed part (the original part is kept, not computed again).
    controller.handle(.key(.character("b")))
    settle(controller)
    #expect(controller.state.details[name]?.compressed != nil)
  }

  @Test func lowerBitsShrinksTheSizeChangesTheMetricAndUndoRestoresEverything() throws {
    let (controller, _) = try explorer()
    settle(controller)
    let start = controller.state
    #expect(start.metric?.value == 0.945)
    // fc1.bias is first in the file; move to fc1.weight and take it to 2 bits.
    controller.handle(.key(.down))
    for _ in 0..<7 { controller.handle(.key(.character("b"))) }
    settle(controller)
    let edited = controller.state
    #expect(edited.rows.first { $0.name == "fc1.weight" }?.spec?.quantize?.bits == 2)
    #expect(edited.compressedBytes < start.compressedBytes)
    #expect(edited.metric != start.metric)
    for _ in 0..<7 { controller.handle(.key(.character("u"))) }
    settle(controller)
    #expect(controller.state.rows == start.rows)
    #expect(controller.state.compressedBytes == start.compressedBytes)
    #expect(controller.state.metric == start.metric)
  }

  @Test func exportWritesAPlanThatEvalReproduces() throws {
    let (controller, _) = try explorer()
    settle(controller)
    controller.handle(.key(.down))
    controller.handle(.key(.character("b")))
    controller.handle(.key(.character("b")))
    settle(controller)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pare-export-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    controller.handle(.key(.character("e")))
    for _ in 0..<40 { controller.handle(.key(.backspace)) }
    for c in path { controller.handle(.key(.character(c))) }
    controller.handle(.key(.enter))
    let plan = try Plan.load(path: path)
    #expect(plan.tensors["fc1.weight"]?.quantize?.bits == 7)
    #expect(plan.summary?.metric?.value == controller.state.metric?.value)
    #expect(plan.summary?.compressedBytes == controller.state.compressedBytes)
    #expect(controller.state.isExported)
    // Quitting after an export does not ask.
    #expect(controller.handle(.key(.character("q"))))
  }

  @Test func theSessionIsSavedAfterEveryEditAndOfferedAgain() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pare-state-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = try ModelDirectory.open(Self.root.appendingPathComponent("assets/models/lenet-300-100").path)
    let store = SessionStore(model: model, weightsFingerprint: model.weights.fingerprint(), environment: ["XDG_STATE_HOME": folder.path])
    let (first, _) = try explorer(store: store)
    first.handle(.key(.down))
    first.handle(.key(.character("b")))
    #expect(try store.load()?.tensors["fc1.weight"]?.quantize?.bits == 8)

    let (second, _) = try explorer(store: store)
    #expect(second.state.overlay == .confirm(.restoreSession(tensors: 1)))
    second.handle(.key(.character("y")))
    #expect(second.state.plan.tensors["fc1.weight"]?.quantize?.bits == 8)
  }

  /// The state folder is a file: the first failed save is a message naming it, later ones are
  /// silent (the same failure after every key would hide every other message).
  @Test func aSessionThatCannotBeSavedIsToldOnce() throws {
    let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("pare-state-\(UUID().uuidString)")
    try Data().write(to: blocker)
    defer { try? FileManager.default.removeItem(at: blocker) }
    let model = try ModelDirectory.open(Self.root.appendingPathComponent("assets/models/lenet-300-100").path)
    let store = SessionStore(model: model, weightsFingerprint: model.weights.fingerprint(), environment: ["XDG_STATE_HOME": blocker.path])
    let (controller, _) = try explorer(store: store)
    controller.handle(.key(.character("b")))
    let message = try #require(controller.state.message)
    #expect(message.isError && message.text.contains(blocker.path) && message.text.contains("session not saved"))
    #expect(store.save(controller.state.plan) == nil)
  }

  @Test func aCorruptSessionFileIsAMessage() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pare-state-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let model = try ModelDirectory.open(Self.root.appendingPathComponent("assets/models/lenet-300-100").path)
    let store = SessionStore(model: model, weightsFingerprint: model.weights.fingerprint(), environment: ["XDG_STATE_HOME": folder.path])
    try OutputFolder.create(URL(fileURLWithPath: store.path).deletingLastPathComponent().path)
    try Data("{\"tensors\": ".utf8).write(to: URL(fileURLWithPath: store.path))
    let (controller, _) = try explorer(store: store)
    let message = try #require(controller.state.message)
    #expect(message.isError && message.text.hasPrefix(store.path + ": session not restored"))
  }

  @Test func anExportFailureIsAMessageAndTheSessionGoesOn() throws {
    let (controller, _) = try explorer()
    controller.handle(.key(.character("b")))
    controller.handle(.key(.character("e")))
    for _ in 0..<40 { controller.handle(.key(.backspace)) }
    for c in "/nonexistent-dir/plan.json" { controller.handle(.key(.character(c))) }
    controller.handle(.key(.enter))
    #expect(controller.state.message?.isError == true)
    #expect(controller.state.message?.text.contains("/nonexistent-dir/plan.json") == true)
    #expect(!controller.state.isExported)
    // The prompt opens again with the path as typed and the error in it, for a fix.
    guard case let .prompt(prompt) = controller.state.overlay else { Issue.record("no prompt after the failure"); return }
    #expect(prompt.purpose == .exportPlan && prompt.text == "/nonexistent-dir/plan.json")
    #expect(prompt.error?.contains("/nonexistent-dir/plan.json") == true)
  }
}
