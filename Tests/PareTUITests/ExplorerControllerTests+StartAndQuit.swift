import Foundation
import Testing
@testable import PareCompression
@testable import PareFormats
@testable import PareTUI
@testable import PareWorkbench

/// The controller's start (a `--plan` file, the restore offer), `A` under a filter, `~` in an
/// export prompt, and quitting with Ctrl-C.
extension ExplorerControllerTests {
  func type(_ controller: ExplorerController, _ text: String) {
    for c in text { controller.handle(.key(.character(c))) }
  }

  /// A store under a fresh state folder, holding a plan with fc1.weight at int8.
  func storeWithSavedPlan(in folder: URL) throws -> SessionStore {
    let model = try ModelDirectory.open(Self.root.appendingPathComponent("assets/models/lenet-300-100").path)
    let store = SessionStore(model: model, weightsFingerprint: model.weights.fingerprint(), environment: ["XDG_STATE_HOME": folder.path])
    try store.save(Plan(tensors: ["fc1.weight": CompressionSpec(quantize: QuantizeSpec(bits: 8))]))
    return store
  }

  @Test func applyingToAllUnderAFilterChangesOnlyTheTensorsShownAndSaysHowMany() throws {
    let (controller, _) = try explorer()
    controller.handle(.key(.down))
    controller.handle(.key(.character("b")))
    controller.handle(.key(.character("/")))
    type(controller, "weight")
    controller.handle(.key(.enter))
    controller.handle(.key(.character("A")))
    let plan = controller.state.plan.tensors
    #expect(plan.keys.sorted() == ["fc1.weight", "fc2.weight", "fc3.weight"])
    #expect(controller.state.message?.text == "applied fc1.weight's spec to the 3 tensors matching /weight")
  }

  @Test func aTildeInTheExportPromptIsTheHomeDirectory() throws {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("pare-home-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: home) }
    let (controller, _) = try explorer(options: ExplorerOptions(homeDirectory: home.path))
    controller.handle(.key(.down))
    controller.handle(.key(.character("b")))
    controller.handle(.key(.character("e")))
    for _ in 0..<40 { controller.handle(.key(.backspace)) }
    type(controller, "~/plan.json")
    controller.handle(.key(.enter))
    #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("plan.json").path))
    #expect(controller.state.message?.text == "wrote \(home.path)/plan.json")
    #expect(!FileManager.default.fileExists(atPath: "~"))
    // The plan records the content hash the explorer computed in the background.
    let written = try Plan.load(path: home.appendingPathComponent("plan.json").path)
    let weights = try ModelDirectory.open(Self.root.appendingPathComponent("assets/models/lenet-300-100").path).weights
    #expect(written.model?.sha256 == weights.sha256())
  }

  @Test func ctrlCWithUnsavedWorkAsksAndASecondCtrlCQuits() throws {
    let (controller, _) = try explorer()
    controller.handle(.key(.down))
    controller.handle(.key(.character("b")))
    #expect(!controller.handle(.key(.control("c"))))
    #expect(controller.state.overlay == .confirm(.quit(unsaved: true, searchTarget: nil)))
    #expect(controller.handle(.key(.control("c"))))
  }

  @Test func aPlanFromTheCommandLineIsNotReplacedByTheRestoreOffer() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pare-state-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try storeWithSavedPlan(in: folder)
    let given = Plan(tensors: ["fc2.weight": CompressionSpec(quantize: QuantizeSpec(bits: 4))])
    let (controller, _) = try explorer(store: store, initialPlan: given, options: ExplorerOptions(planFile: "given.json"))
    #expect(controller.state.overlay == nil)
    #expect(controller.state.plan.tensors == given.tensors)
    #expect(controller.state.message == nil)
  }

  @Test func aPlanMadeForOtherWeightsIsWarnedAboutAtStart() throws {
    let plan = Plan(model: ModelReference(path: "elsewhere", sha256: String(repeating: "ab", count: 32)),
                    tensors: ["fc2.weight": CompressionSpec(quantize: QuantizeSpec(bits: 4))])
    let (controller, _) = try explorer(initialPlan: plan, options: ExplorerOptions(planFile: "other.json"))
    // The weights are hashed in the background: the warning comes on a tick once they are.
    let deadline = Date().addingTimeInterval(10)
    while !controller.isIdle && Date() < deadline {
      controller.handle(.tick)
      Thread.sleep(forTimeInterval: 0.005)
    }
    #expect(controller.state.message?.isError == true)
    #expect(controller.state.message?.text == "other.json was made for other weights (sha256 abababababab…); applying it anyway")
  }
}
