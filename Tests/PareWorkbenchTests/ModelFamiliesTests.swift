import Foundation
import Testing
@testable import PareFormats
@testable import PareWorkbench

/// The registry: each family recognised by its model_type, everything else browse-only with
/// one reason that every message uses.
struct ModelFamiliesTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// A copy of lenet-300-100 whose config.json says `model_type` is `type`.
  func model(ofType type: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pare-family-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: Self.root.appendingPathComponent("assets/models/lenet-300-100"), to: directory)
    let config = directory.appendingPathComponent("config.json")
    var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as? [String: Any])
    json["model_type"] = type
    try JSONSerialization.data(withJSONObject: json).write(to: config)
    return directory.path
  }

  @Test func eachFamilyIsFoundByItsModelType() throws {
    let lenet = try OpenedModel(path: Self.root.appendingPathComponent("assets/models/lenet-300-100").path)
    #expect(lenet.family is SequentialClassifier && lenet.browseOnlyReason == nil)
    let bert = try OpenedModel(path: Self.root.appendingPathComponent("Tests/PareEngineTests/Fixtures/tiny-bert").path)
    #expect(bert.family is SentenceEncoder)
    let types = ModelFamilies.all.flatMap { family in family.modelTypes }
    #expect(Set(types).count == types.count, "a model_type claimed twice")
  }

  @Test func anUnknownModelTypeIsBrowseOnlyWithOneReason() throws {
    let path = try model(ofType: "phi3")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let opened = try OpenedModel(path: path)
    #expect(opened.family == nil)
    let reason = try #require(opened.browseOnlyReason)
    #expect(reason == #"model_type "phi3" cannot be run yet (Pare runs "sequential", "bert", "llama", "mistral", "qwen2", "qwen3", "gemma3_text"): browse only"#)
    #expect(!reason.contains("--data") && !reason.contains("--text"))
  }

  @Test func aBareWeightsFileIsBrowseOnly() throws {
    let path = Self.root.appendingPathComponent("assets/models/lenet-300-100/model.safetensors").path
    let opened = try OpenedModel(path: path)
    #expect(opened.family == nil && opened.browseOnlyReason?.contains("no config.json") == true)
  }

  @Test func aClaimedModelWithABrokenConfigIsAnError() throws {
    let path = try model(ofType: "bert")
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ModelError.self) { try OpenedModel(path: path) }
  }

  /// ARCHITECTURE.md's family count is the registry's.
  @Test func theArchitectureDocumentCountsTheRegisteredFamilies() throws {
    let text = try String(contentsOf: Self.root.appendingPathComponent("ARCHITECTURE.md"), encoding: .utf8)
    let words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    #expect(text.contains("Pare runs \(words[ModelFamilies.all.count]) model families"))
  }
}
