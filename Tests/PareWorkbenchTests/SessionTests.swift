import Foundation
import PareTestSupport
import Testing
@testable import PareCompression
@testable import PareCore
@testable import PareFormats
@testable import PareWorkbench

/// A one-tensor model "w" [4, 8] written to a temporary directory.
func tinyModel() throws -> ModelDirectory {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pare-session-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  var writer = SafetensorsWriter()
  try writer.add("w", try Tensor(shape: [4, 8], scalars: (0..<32).map { Float($0) / 7 - 2 }))
  let path = directory.appendingPathComponent("weights.safetensors").path
  try writer.write(to: path)
  return try ModelDirectory.open(path)
}

func spec(_ bits: Int) -> CompressionSpec { CompressionSpec(quantize: QuantizeSpec(bits: bits)) }

@Suite(.serialized)
struct SessionTests {
  /// Receives results until the current plan is applied.
  func applied(_ session: Session) -> AppliedPlan? {
    eventually { session.receiveResults(); return !session.isApplying } ? session.applied : nil
  }

  @Test func editsApplyInTheBackgroundAndUndoRestoresThem() throws {
    let session = try Session(model: tinyModel(), evaluator: nil)
    let original = session.applied.compressedBytes
    #expect(original == 32 * 4)
    try session.setSpec(spec(4), for: "w")
    #expect(session.plan.tensors["w"] == spec(4))  // recorded at once, applied in the background
    // 32 values x 4 bits + 4 channel scales x 16 bits = 192 bits = 24 bytes.
    #expect(applied(session)?.compressedBytes == 24)
    #expect(session.applied.compressed["w"]?.error.sqnrDecibels != nil)
    #expect(session.undo())
    #expect(applied(session)?.compressedBytes == original)
    #expect(session.redo())
    #expect(applied(session)?.compressedBytes == 24)
  }

  /// An edit supersedes the running compression before anything is compressed for it: a
  /// compression that was waiting never runs, and the running one's result never shows.
  @Test func aStaleCompressionIsDropped() throws {
    let gate = CompressionGate()
    let model = try tinyModel()
    let session = try Session(model: model, evaluator: nil) { try gate.compress($0, weights: model.weights) }
    gate.close()
    try session.setSpec(spec(8), for: "w")
    #expect(eventually { gate.started.count == 2 })  // the initial plan, then int8 (blocked)
    for bits in [7, 6, 4] { try session.setSpec(spec(bits), for: "w") }
    #expect(session.isApplying && session.plan.tensors["w"] == spec(4))
    gate.open()
    #expect(applied(session)?.compressedBytes == 24)
    #expect(gate.started.map { $0.tensors["w"]?.quantize?.bits } == [nil, 8, 4])
    #expect(session.isIdle)
  }

  @Test func invalidSpecsChangeNothing() throws {
    let session = try Session(model: tinyModel(), evaluator: nil)
    #expect(throws: PlanError.self) { try session.setSpec(spec(9), for: "w") }
    #expect(throws: PlanError.self) { try session.setSpec(spec(4), for: "missing") }
    #expect(session.history.plans.count == 1 && session.revision == 0)
  }

  @Test func metricsAreCachedPerPlanSoUndoIsInstant() throws {
    let evaluator = FakeEvaluator(batches: 1)
    let session = try Session(model: tinyModel(), evaluator: evaluator)
    evaluator.release(1)
    #expect(eventually { session.receiveResults() })
    #expect(session.metric?.value == 0 && !session.isEvaluating)

    try session.setSpec(spec(4), for: "w")
    #expect(session.isEvaluating)
    #expect(session.metric?.value == 0)  // the old value, shown greyed while evaluating
    evaluator.release(1)
    #expect(eventually { session.receiveResults() })
    #expect(session.metric?.value == 4)

    session.undo()
    #expect(!session.isEvaluating && session.metric?.value == 0)
    session.redo()
    #expect(!session.isEvaluating && session.metric?.value == 4)
    #expect(evaluator.started.count == 2)  // undo and redo evaluated nothing
  }

  /// An edit made while an evaluation runs is applied at once; the running evaluation is
  /// cancelled between batches and its stale result never shows.
  @Test func anEditMidEvaluationWinsAndTheStaleResultIsDropped() throws {
    let evaluator = FakeEvaluator(batches: 3)
    let session = try Session(model: tinyModel(), evaluator: evaluator)
    evaluator.release(3)
    #expect(eventually { session.receiveResults() })

    try session.setSpec(spec(8), for: "w")
    #expect(eventually { evaluator.started.count == 2 })
    evaluator.release(1)  // the int8 evaluation is one batch in
    try session.setSpec(spec(4), for: "w")
    #expect(session.plan.tensors["w"] == spec(4))
    #expect(eventually { evaluator.cancelled.contains { $0.tensors["w"] == spec(8) } })
    evaluator.release(10)
    #expect(eventually { session.receiveResults() })
    #expect(session.metric?.value == 4)
    #expect(!evaluator.finished.contains { $0.tensors["w"] == spec(8) })
  }

  /// Of several edits made while one evaluation runs, only the latest finishes: every older job
  /// is cancelled (or replaced before it starts), and none of their results shows.
  @Test func onlyTheLatestRequestFinishes() throws {
    let evaluator = FakeEvaluator(batches: 1)
    let session = try Session(model: tinyModel(), evaluator: evaluator)
    for bits in [8, 7, 6, 5] { try session.setSpec(spec(bits), for: "w") }
    evaluator.release(100)
    #expect(eventually { session.receiveResults() && session.metric?.value == 5 })
    #expect(evaluator.finished.map { $0.tensors["w"]?.quantize?.bits } == [5])
    // Everything else that started was cancelled: one job ran at a time.
    #expect(evaluator.started.count == evaluator.cancelled.count + 1)
  }
}
