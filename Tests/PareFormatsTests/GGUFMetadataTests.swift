import Foundation
import PareCore
import PareFormats
import Testing

/// Metadata of every value type, written by gguf-py (metadata-v3.gguf; metadata-v2.gguf is the
/// same file marked version 2), read back into the typed table.
@Suite struct GGUFMetadataTests {
  @Test(arguments: [("metadata-v3.gguf", 3), ("metadata-v2.gguf", 2)])
  func everyValueType(_ name: String, _ version: Int) throws {
    let gguf = try GGUFFile(path: GGUFFixtures.fixture(name))
    #expect(gguf.version == version)
    let m = gguf.metadata
    #expect(m["test.uint8"] == .uint8(200) && m["test.int8"] == .int8(-100))
    #expect(m["test.uint16"] == .uint16(60000) && m["test.int16"] == .int16(-30000))
    #expect(m["test.uint32"] == .uint32(4_000_000_000) && m["test.int32"] == .int32(-2_000_000_000))
    #expect(m["test.uint64"] == .uint64(1 << 63 + 5))
    #expect(m["test.int64"] == .int64(-(1 << 62)))
    #expect(m["test.float32"] == .float32(0.1) && m["test.float64"] == .float64(1e300))
    #expect(m["test.bool"] == .bool(true) && m.string("test.string") == "héllo ✓")
    #expect(m.integer("test.int8") == -100 && m.integer("test.uint32") == 4_000_000_000)
    #expect(m.integer("test.uint64") == nil && m.float("test.uint64") == 0x1p63)
    #expect(m.float("test.float32") == Double(Float(0.1)) && m.float("test.int16") == -30000)
    #expect(m.bool("test.bool") == true && m.bool("test.uint8") == nil && m.string("test.uint8") == nil)
    #expect(m.strings("test.strings") == ["a", "", "ü"])
    let tenth: Float = 0.1
    #expect(m.floats("test.float32s") == [tenth, tenth, tenth])
    #expect(m.floats("test.float64s") == [Float.infinity, .infinity, .infinity])  // 1e300 narrowed
    let big: Int = -(1 << 62), huge: UInt64 = 1 << 63 + 5
    #expect(m.integers("test.uint16s") == [60000, 60000, 60000])
    #expect(m.integers("test.int64s") == [big, big, big])
    #expect(m.integers("test.uint64s") == nil)
    #expect(m["test.uint64s"] == .array(.uint64([huge, huge, huge])))
    #expect(m["test.bools"] == .array(.bool([true, false, true])) && m["test.int8s"] == .array(.int8([-100, -100, -100])))
    #expect(m["test.nested"] == .array(.array([.int32([1, 2]), .int32([3])])))
    #expect(m["test.nested_strings"] == .array(.array([.string(["x", "y"]), .string(["z"])])))
    #expect(m.keys.first == "general.architecture")
    #expect(m.keys.firstIndex(of: "test.uint8")! < m.keys.firstIndex(of: "test.float64")!)
    #expect(Set(m.keys).count == m.keys.count && m.keys.count == m.values.count)
    #expect(gguf.architecture == "llama" && gguf.alignment == 64 && gguf.dataOffset % 64 == 0)
    #expect(try gguf.decode(named: "tiny").scalars == (0..<16).map(Float.init))
    #expect(gguf.tensor(named: "tiny")?.shape == [2, 8] && gguf.tensor(named: "tiny")?.dimensions == [8, 2])
  }

  /// 262,144 strings (Gemma-3's vocabulary) and as many floats and ints parse quickly: one typed
  /// Swift array each.
  @Test func largeArraysParseFast() throws {
    try withTemporaryDirectory { dir in
      let count = 262_144
      var strings: [UInt8] = []
      strings.reserveCapacity(count * 16)
      for i in 0..<count { strings += RawGGUF.string("▁token\(i)") }
      var raw = RawGGUF()
      raw.keyValues = [
        RawGGUF.keyValue("general.architecture", "gemma3"),
        RawGGUF.keyValue("tokenizer.ggml.tokens", type: 9, RawGGUF.array(type: 8, count: count, strings)),
        RawGGUF.keyValue("tokenizer.ggml.scores", type: 9, RawGGUF.array(type: 6, count: count, (0..<count).flatMap { RawGGUF.u32(Float($0).bitPattern) })),
        RawGGUF.keyValue("tokenizer.ggml.token_type", type: 9, RawGGUF.array(type: 5, count: count, [UInt8](repeating: 1, count: 4 * count))),
      ]
      let path = try dir.write(raw.image(), to: "vocab.gguf")
      let start = Date()
      let gguf = try GGUFFile(path: path)
      let seconds = Date().timeIntervalSince(start)
      #expect(gguf.metadata.strings("tokenizer.ggml.tokens")?.count == count)
      #expect(gguf.metadata.strings("tokenizer.ggml.tokens")?[count - 1] == "▁token\(count - 1)")
      #expect(gguf.metadata.floats("tokenizer.ggml.scores")?[1000] == 1000)
      #expect(gguf.metadata.integers("tokenizer.ggml.token_type")?[5] == 0x0101_0101)
      // 100 ms in a release build; a debug build is several times slower.
      #expect(seconds < 2, "parsing took \(seconds) s")
      print("GGUF: 262,144-token vocabulary parsed in \(Int(seconds * 1000)) ms")
    }
  }
}
