import Foundation
import PareTestSupport
import Testing
@testable import PareCompression
@testable import PareFormats
@testable import PareTerminal
@testable import PareTUI
@testable import PareWorkbench

/// Key press to next frame on a real model with the real compressor, through the controller:
/// the edit keys on all-MiniLM-L6-v2's 30522 x 384 word embeddings must draw within 50 ms while
/// the compression runs in the background. Runs only when PARE_MINILM names the model folder
/// (`make minilm`); prints the figures.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["PARE_MINILM"] != nil))
struct ExplorerLatencyTests {
  @Test func editKeysDrawTheNextFrameWithin50Milliseconds() throws {
    let path = try #require(ProcessInfo.processInfo.environment["PARE_MINILM"])
    let model = try ModelDirectory.open(path)
    let session = try Session(model: model, evaluator: nil, compression: CompressionCache())
    let controller = ExplorerController(terminal: FakeTerminal(width: 160, height: 48), session: session, store: nil)
    for _ in 0..<model.weights.entries.count where controller.state.selection != "embeddings.word_embeddings.weight" {
      controller.handle(.key(.down))
    }
    #expect(controller.state.selection == "embeddings.word_embeddings.weight")
    #expect(eventually(120) { controller.handle(.tick); return controller.isIdle })
    for key in ["b", "r", "A"] {
      let start = ContinuousClock.now
      controller.handle(.key(.character(Character(key))))
      _ = render(controller.state)
      let frame = ContinuousClock.now - start
      #expect(eventually(300) { controller.handle(.tick); return controller.isIdle && !controller.state.isApplying })
      let applied = ContinuousClock.now - start
      print("latency \(key): key to frame \(frame), key to compressed \(applied)")
      #expect(frame < .milliseconds(50))
    }
  }
}
