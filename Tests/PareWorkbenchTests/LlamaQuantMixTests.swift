import Foundation
import PareFormats
import Testing

@testable import PareWorkbench

/// llama.cpp's mixes reproduced tensor for tensor: the fixtures are the types of the files
/// llama.cpp's own quantizer wrote from F32 GGUFs of SmolLM2-135M and Gemma-3-270M
/// (scripts/check_llama_mix.py), with the tensors' shapes, so no model is needed here.
@Suite struct LlamaQuantMixTests {
  static let root = DecoderLanguageModelTests.root
  static let fixtures = ["smollm2", "gemma3"]

  struct Fixture: Decodable {
    struct Mix: Decodable {
      let types: [String: String]
      let file_bytes: Int
      let tensor_bytes: Int
      /// llama.cpp's count of "tensor(s) required fallback quantization".
      let fallbacks: Int
    }
    let architecture: String
    let layers: Int
    let heads: Int
    let kv_heads: Int
    let tensors: [Tensor]
    let mixes: [String: Mix]

    struct Tensor: Decodable {
      let name: String
      let ne: [Int]
      init(from decoder: any Decoder) throws {
        var pair = try decoder.unkeyedContainer()
        name = try pair.decode(String.self)
        ne = try pair.decode([Int].self)
      }
    }

    var model: LlamaQuantMix.Model {
      LlamaQuantMix.Model(architecture: architecture, layers: layers, heads: heads, kvHeads: kv_heads)
    }
    /// Pare's shapes: ggml's ne reversed.
    var shapes: [(name: String, shape: [Int])] { tensors.map { ($0.name, Array($0.ne.reversed())) } }
  }

  static func load(_ name: String) throws -> Fixture {
    let url = root.appendingPathComponent("Tests/PareWorkbenchTests/Fixtures/LlamaQuantMix/\(name).json")
    return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
  }

  @Test(arguments: fixtures)
  func everyMixEqualsLlamaCpp(_ name: String) throws {
    let fixture = try Self.load(name)
    #expect(Set(fixture.mixes.keys) == Set(LlamaQuantMix.FileType.allCases.map(\.rawValue)))
    for (ftype, expected) in fixture.mixes.sorted(by: { $0.key < $1.key }) {
      let mix = LlamaQuantMix(fileType: try LlamaQuantMix.FileType(parsing: ftype))
      let types = try mix.types(for: fixture.shapes, model: fixture.model)
      var bytes = 0
      for tensor in fixture.shapes {
        // Tensors llama.cpp leaves alone stay F32, as in the F32 file it read.
        let type = types[tensor.name] ?? .f32
        #expect(type.name == expected.types[tensor.name], "\(name) \(ftype) \(tensor.name)")
        bytes += LlamaQuantMix.bytes(of: type, shape: tensor.shape) ?? -1
      }
      #expect(bytes == expected.tensor_bytes, "\(name) \(ftype)")
      #expect(try mix.assign(fixture.shapes, model: fixture.model).fallbacks.count == expected.fallbacks, "\(name) \(ftype)")
    }
  }

  /// The figures: SmolLM2's Q4_K_M is mostly q5_0 (its width 576 is no multiple of 256).
  @Test func smolLM2Q4KMCounts() throws {
    let fixture = try Self.load("smollm2")
    let assignment = try LlamaQuantMix(fileType: .q4_k_m).assign(fixture.shapes, model: fixture.model)
    var counts: [GGMLType: Int] = [:]
    for type in assignment.types.values { counts[type, default: 0] += 1 }
    #expect(counts == [.q5_0: 166, .q4_k: 16, .q6_k: 14, .q8_0: 15])
    // Every q5_0 is a q4_k that fell back, every q8_0 but the tied embedding's (the head's
    // rule gives it q8_0 at once) a q6_k: llama.cpp's "180 of 272 tensor(s) required fallback".
    #expect(assignment.fallbacks.count == 166 + 14)
    #expect(assignment.fallbacks.count == fixture.mixes["q4_k_m"]?.fallbacks)
    let mib = Double(fixture.mixes["q4_k_m"]?.file_bytes ?? 0) / 1_000_000
    #expect(mib > 105 && mib < 106)
  }

  @Test func parsesFileTypes() throws {
    #expect(try LlamaQuantMix.FileType(parsing: "Q4_K_M") == .q4_k_m)
    #expect(try LlamaQuantMix.FileType(parsing: "q8_0") == .q8_0)
    #expect(LlamaQuantMix.FileType.q4_k_m.id == 15)
    #expect(throws: LlamaQuantMixError.self) { try LlamaQuantMix.FileType(parsing: "q4_k_x") }
    do {
      _ = try LlamaQuantMix.FileType(parsing: "iq2_xs")
    } catch {
      #expect(error.message == "unknown llama.cpp file type 'iq2_xs' (expected one of \(LlamaQuantMix.FileType.list))")
    }
  }

  @Test func refusesOtherArchitectures() throws {
    let model = LlamaQuantMix.Model(architecture: "falcon", layers: 2, heads: 2, kvHeads: 2)
    #expect(throws: LlamaQuantMixError.self) {
      try LlamaQuantMix(fileType: .q4_k_m).types(for: [("blk.0.attn_v.weight", [64, 256])], model: model)
    }
  }

  /// llama.cpp visits tensors block by block (blk.10 after blk.9), so the counters of
  /// `use_more_bits` follow the blocks, not the names' text order.
  @Test func countsAttentionVInBlockOrder() throws {
    let layers = 16
    let tensors = (0..<layers).reversed().map { (name: "blk.\($0).attn_v.weight", shape: [256, 256]) }
      + [(name: "output.weight", shape: [1000, 256]), (name: "token_embd.weight", shape: [1000, 256])]
    let model = LlamaQuantMix.Model(architecture: "llama", layers: layers, heads: 4, kvHeads: 4)
    let types = try LlamaQuantMix(fileType: .q4_k_m).types(for: tensors, model: model)
    for layer in 0..<layers {
      let expected: GGMLType = LlamaQuantMix.Rules.usesMoreBits(layer, of: layers) ? .q6_k : .q4_k
      #expect(types["blk.\(layer).attn_v.weight"] == expected)
    }
    // An untied model: the head gets q6_k, the embedding the default type.
    #expect(types["output.weight"] == .q6_k && types["token_embd.weight"] == .q4_k)
  }

  @Test func leavesNormsAndVectorsAlone() {
    #expect(!LlamaQuantMix.quantizes(name: "blk.0.attn_norm.weight", shape: [576]))
    #expect(!LlamaQuantMix.quantizes(name: "blk.0.attn_q.bias", shape: [64, 576]))
    #expect(!LlamaQuantMix.quantizes(name: "position_embd.weight", shape: [512, 576]))
    #expect(!LlamaQuantMix.quantizes(name: "blk.0.ffn_down.weight", shape: [1, 576]))
    #expect(LlamaQuantMix.quantizes(name: "blk.0.ffn_down.weight", shape: [576, 1536]))
  }

  /// Rows of 40 fit no block of 32: every type falls back to F16.
  @Test func fallsBackToF16() throws {
    let model = LlamaQuantMix.Model(architecture: "llama", layers: 1, heads: 1, kvHeads: 1)
    let assignment = try LlamaQuantMix(fileType: .q4_0).assign([("blk.0.attn_q.weight", [64, 40])], model: model)
    #expect(assignment.types == ["blk.0.attn_q.weight": .f16])
    #expect(assignment.fallbacks == ["blk.0.attn_q.weight"])
  }
}
