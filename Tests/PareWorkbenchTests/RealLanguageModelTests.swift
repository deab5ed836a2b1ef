import Foundation
import PareCore
import PareEngine
import PareFormats
@testable import PareWorkbench
import Testing

/// The two real GGUFs of `make smollm2 gemma3` (skipped when absent, as in CI): the logits of the
/// first 64 positions of wiki.utf8's first window against transformers on PyTorch CPU, which
/// dequantized the same GGUF itself (scripts/reference_llm.py wrote the fixtures: per position
/// log Σ exp, argmax and the logits of 15 ids).
@Suite struct RealLanguageModelTests {
  struct Fixture: Decodable {
    struct Position: Decodable { let lse: Double, argmax: Int, ids: [Int], logits: [Double] }
    let tokens: [Int32]
    let positions: [Position]
  }

  static let root = NetworkEvaluatorTests.root
  static func model(_ name: String) -> String { root.appendingPathComponent(".models/\(name).gguf").path }
  static func present(_ name: String) -> Bool { FileManager.default.fileExists(atPath: model(name)) }

  @Test(arguments: ["SmolLM2-135M-Instruct.Q4_1", "gemma-3-270m-q4_k_m"].filter(present))
  func logitsMatchTransformers(name: String) throws {
    let fixturePath = Self.root.appendingPathComponent("Tests/PareEngineTests/Fixtures/real-llm/\(name).json")
    let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: fixturePath))
    let family = try #require(try OpenedModel(path: Self.model(name)).family as? DecoderLanguageModel)
    let logits = try family.network().logits(window: fixture.tokens)
    let vocab = logits.shape[1]
    var worst = 0.0
    for (t, position) in fixture.positions.enumerated() {
      let row = Array(logits.scalars[(t * vocab)..<((t + 1) * vocab)]).map(Double.init)
      let peak = row.max() ?? 0
      let lse = peak + log(row.reduce(0) { $0 + exp($1 - peak) })
      let scale = max(1, abs(position.lse))
      worst = max(worst, abs(lse - position.lse) / scale)
      for (id, expected) in zip(position.ids, position.logits) { worst = max(worst, abs(row[id] - expected) / scale) }
      #expect(row.indices.max(by: { row[$0] < row[$1] }) == position.argmax || abs(row[position.argmax] - peak) < 1e-3,
              "\(name) position \(t)")
    }
    print("\(name): worst difference / |log Σ exp| \(worst)")
    #expect(worst <= 1e-3)
  }
}
