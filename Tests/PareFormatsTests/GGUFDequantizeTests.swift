import Foundation
import PareCore
import PareFormats
import Testing

/// Every type Pare decodes against gguf-py's numpy dequantizers, bit for bit (types.gguf holds
/// each tensor beside gguf-py's output for it as F32).
@Suite struct GGUFDequantizeTests {
  static let file = GGUFFixtures.fixture("types.gguf")

  @Test(arguments: GGMLType.decodable)
  func decodesAsGGUFPy(_ type: GGMLType) throws {
    let gguf = try GGUFFile(path: Self.file)
    let info = try #require(gguf.tensor(named: type.name))
    #expect(info.type == type)
    let expected = try gguf.decode(named: type.name + ".expected")
    let decoded = try gguf.decode(info)
    #expect(decoded.shape == expected.shape && decoded.shape.count == 2 && decoded.shape[0] == 3)
    let mismatches = zip(decoded.scalars, expected.scalars).enumerated().filter { $1.0.bitPattern != $1.1.bitPattern }
    #expect(mismatches.isEmpty, "\(type.name): \(mismatches.count) of \(expected.scalars.count) differ, first at \(mismatches.first.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")")
    #expect(expected.scalars.contains { $0 != 0 })
  }

  /// A GGUF model's WeightStore: shapes reversed from ggml's ne, F16/BF16 kept, every other type
  /// shown as F32 and handed over dequantized.
  @Test func weightStoreOverGGUF() throws {
    let model = try ModelDirectory.open(Self.file)
    let store = model.weights
    #expect(model.config == nil && model.gguf != nil && store.paths == [Self.file] && store.path(of: "q4_0") == Self.file)
    let f16 = try #require(store.entry(named: "f16"))
    #expect(f16.dtype == .f16 && f16.shape == [3, 40] && f16.byteRange.count == 240)
    try store.withRawBytes(of: "f16") { raw in
      #expect(raw.count == 240)
      let bits = (0..<120).map { raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self) }
      let expected = try store.tensor(named: "f16.expected").scalars
      #expect(bits.map { FloatConversion.float(f16Bits: $0).bitPattern } == expected.map(\.bitPattern))
    }
    let q = try #require(store.entry(named: "q4_0"))
    #expect(q.dtype == .f32 && q.shape == [3, 96] && q.byteRange.count == 3 * 3 * 18 && store.ggmlType(of: "q4_0") == .q4_0)
    let expected = try store.tensor(named: "q4_0.expected").scalars
    try store.withRawBytes(of: "q4_0") { raw in
      #expect(Array(raw.bindMemory(to: Float.self)).map(\.bitPattern) == expected.map(\.bitPattern))
    }
    #expect(store.ggmlType(of: "nothing") == nil)
  }

  @Test func typeTableMatchesGGML() {
    #expect(GGMLType.q4_0.bytesPerBlock == 18 && GGMLType.q4_0.blockSize == 32 && GGMLType.q4_0.bitsPerWeight == 4.5)
    #expect(GGMLType.q6_k.bitsPerWeight == 6.5625 && GGMLType.q4_k.bitsPerWeight == 4.5)
    #expect(GGMLType(rawValue: 12) == .q4_k && GGMLType(rawValue: 4) == nil)
    #expect(GGMLType.iq2_xs.name == "iq2_xs" && !GGMLType.iq2_xs.isDecodable)
    #expect(GGMLType.decodable.count == 15 && GGMLType.decodable.allSatisfy(\.isDecodable))
  }
}
