import Foundation
import Testing
@testable import PareCompression
@testable import PareFormats
@testable import PareTUI
@testable import PareWorkbench

/// Undo that names what it undid and takes a run of one key on one tensor back in one step,
/// direct entry with `=`, and the packed model export, on the controller.
extension ExplorerControllerTests {
  @Test func aRunOfOneKeyOnOneTensorIsOneUndoStepAndUndoSaysWhatItUndid() throws {
    let (controller, _) = try explorer()
    controller.handle(.key(.down))  // fc1.weight
    for _ in 0..<4 { controller.handle(.key(.character("b"))) }  // int8, 7, 6, 5
    controller.handle(.key(.character("r")))  // rank 256, another key: a step of its own
    #expect(controller.state.plan.tensors["fc1.weight"] == CompressionSpec(lowrank: LowRankSpec(rank: 256), quantize: QuantizeSpec(bits: 5)))
    controller.handle(.key(.character("u")))
    #expect(controller.state.message?.text == "undo: fc1.weight r256+int5 → int5 ch")
    controller.handle(.key(.character("u")))
    #expect(controller.state.message?.text == "undo: fc1.weight int5 ch → none")
    #expect(controller.state.plan.tensors.isEmpty)
    #expect(!controller.state.canUndo)
    controller.handle(.key(.control("r")))
    #expect(controller.state.message?.text == "redo: fc1.weight none → int5 ch")
  }

  @Test func movingAwayEndsARunAndARunBackToTheStartLeavesNoStep() throws {
    let (controller, _) = try explorer()
    controller.handle(.key(.down))
    controller.handle(.key(.character("b")))
    controller.handle(.key(.character("b")))  // int7
    controller.handle(.key(.down))
    controller.handle(.key(.up))
    controller.handle(.key(.character("b")))  // int6: a new run
    controller.handle(.key(.character("u")))
    #expect(controller.state.plan.tensors["fc1.weight"]?.quantize?.bits == 7)
    controller.handle(.key(.character("u")))
    #expect(controller.state.plan.tensors.isEmpty)
    // g five times comes back to where it started: the run leaves the history as it was.
    controller.handle(.key(.character("b")))  // int8 ch
    for _ in 0..<5 { controller.handle(.key(.character("g"))) }
    #expect(controller.state.plan.tensors["fc1.weight"] == CompressionSpec(quantize: QuantizeSpec(bits: 8)))
    controller.handle(.key(.character("u")))
    #expect(controller.state.plan.tensors.isEmpty)
  }

  @Test func equalsSetsTheSpecTypedAsOneUndoStep() throws {
    let (controller, _) = try explorer()
    controller.handle(.key(.down))
    controller.handle(.key(.character("=")))
    type(controller, "int4 g64")
    controller.handle(.key(.enter))
    #expect(controller.state.plan.tensors["fc1.weight"] == CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .group, groupSize: 64)))
    controller.handle(.key(.character("=")))
    type(controller, "rank 64 int8")
    controller.handle(.key(.enter))
    #expect(controller.state.plan.tensors["fc1.weight"] == CompressionSpec(lowrank: LowRankSpec(rank: 64), quantize: QuantizeSpec(bits: 8)))
    controller.handle(.key(.character("u")))
    #expect(controller.state.message?.text == "undo: fc1.weight r64+int8 → int4 g64")
  }

  @Test func thePackedExportWritesThePackedModelBesideTheDropIn() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pare-packed-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let (controller, _) = try explorer()
    controller.handle(.key(.down))
    controller.handle(.key(.character("=")))
    type(controller, "int4")
    controller.handle(.key(.enter))
    settle(controller)
    controller.handle(.key(.character("e")))
    controller.handle(.key(.tab))
    controller.handle(.key(.tab))
    controller.handle(.key(.control("u")))
    type(controller, folder.path)
    controller.handle(.key(.enter))
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(files == ["config.json", "model.packed.safetensors", "model.safetensors", "plan.json"])
    #expect(controller.state.message?.text.hasPrefix("wrote \(folder.path)/ (") == true)
    #expect(controller.state.isExported)
    // The packed model is smaller than the drop-in one (fc1.weight in 4 bits).
    let size = { (name: String) in
      try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int ?? 0
    }
    #expect(try size("model.packed.safetensors") < size("model.safetensors") / 2)
  }
}
