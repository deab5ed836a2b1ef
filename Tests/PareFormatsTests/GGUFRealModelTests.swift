import Foundation
import PareCore
import PareFormats
import PareWorkbench
import Testing

/// The two real GGUFs of issue #15 (skipped when .models lacks them): tensor counts, types and
/// parameters, and some tensors of every type dequantized to the same bits as gguf-py
/// (checksums in Fixtures/gguf/real-models.json, written by scripts/make_gguf_fixtures.py).
@Suite struct GGUFRealModelTests {
  struct Check: Decodable { let tensor: String, type: String, elements: Int, checksum: [UInt64] }
  struct Expected: Decodable { let tensors: Int, params: Int, types: [String: Int], checks: [Check] }

  static func expected(_ file: String) throws -> Expected {
    let data = try Data(contentsOf: URL(fileURLWithPath: GGUFFixtures.fixture("real-models.json")))
    return try #require(try JSONDecoder().decode([String: Expected].self, from: data)[file])
  }

  /// The fixture script's checksum: sums of the Float32 bit patterns, plain and weighted.
  static func checksum(_ values: [Float]) -> [UInt64] {
    var plain: UInt64 = 0, weighted: UInt64 = 0
    for (i, v) in values.enumerated() {
      let bits = UInt64(v.bitPattern)
      plain &+= bits
      weighted &+= bits &* UInt64(i % 65521 + 1)
    }
    return [plain, weighted]
  }

  func check(_ path: String, tensors: Int, params: Int, types: [String: Int], architecture: String) throws {
    let model = try ModelDirectory.open(path)
    let gguf = try #require(model.gguf)
    #expect(gguf.tensors.count == tensors && gguf.architecture == architecture)
    #expect(model.weights.entries.reduce(0) { $0 + $1.elementCount } == params)
    #expect(Dictionary(gguf.tensors.map { ($0.type.name, 1) }, uniquingKeysWith: +) == types)
    let expected = try Self.expected(URL(fileURLWithPath: path).lastPathComponent)
    #expect(expected.tensors == tensors && expected.params == params && expected.types == types)
    for check in expected.checks {
      let tensor = try model.weights.tensor(named: check.tensor)
      #expect(model.weights.ggmlType(of: check.tensor)?.name == check.type)
      #expect(tensor.scalars.count == check.elements)
      #expect(Self.checksum(tensor.scalars) == check.checksum, "\(check.tensor) (\(check.type))")
    }
    #expect(ModelFamilies.ggufBrowseOnlyReason(gguf, runnable: [architecture]) == nil)
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: GGUFFixtures.smolLM)))
  func smolLM2() throws {
    try check(GGUFFixtures.smolLM, tensors: 272, params: 134_515_008, types: ["q4_1": 210, "q8_0": 1, "f32": 61],
              architecture: "llama")
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: GGUFFixtures.gemma)))
  func gemma3() throws {
    try check(GGUFFixtures.gemma, tensors: 236, params: 268_098_176,
              types: ["q5_0": 81, "q4_k": 27, "q8_0": 10, "q6_k": 9, "f32": 109], architecture: "gemma3")
    let gguf = try GGUFFile(path: GGUFFixtures.gemma)
    #expect(gguf.metadata.strings("tokenizer.ggml.tokens")?.count == 262_144)
    #expect(gguf.metadata.integer("gemma3.block_count") == 18)
  }
}
