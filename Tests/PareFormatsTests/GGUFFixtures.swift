import Foundation

/// Where the GGUF fixtures (scripts/make_gguf_fixtures.py) and the real models are.
enum GGUFFixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static func fixture(_ name: String) -> String {
    root.appendingPathComponent("Tests/PareFormatsTests/Fixtures/gguf/\(name)").path
  }
  static func model(_ name: String) -> String { root.appendingPathComponent(".models/\(name)").path }
  static let smolLM = model("SmolLM2-135M-Instruct.Q4_1.gguf")
  static let gemma = model("gemma-3-270m-q4_k_m.gguf")
  static let malformed = root.appendingPathComponent("Tests/inputs/gguf").path
}
