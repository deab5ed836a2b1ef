import Foundation
import PareCore
import PareFormats
import PareWorkbench
import Testing

/// Each validation rule of the GGUF reader: a file breaking it is refused with one line naming
/// the file (and the key or tensor) and the problem.
@Suite struct GGUFValidationTests {
  static let arch = RawGGUF.keyValue("general.architecture", "llama")

  /// A file with `arch` and the given tensor infos, then `data` bytes.
  static func file(_ tensors: [[UInt8]], data: Int = 0, edit: (inout RawGGUF) -> Void = { _ in }) -> [UInt8] {
    var raw = RawGGUF(keyValues: [arch], tensorInfos: tensors)
    edit(&raw)
    return raw.image(data: [UInt8](repeating: 0, count: data))
  }

  static let cases: [(String, [UInt8], String)] = [
    ("magic", Array("GGUX".utf8) + Array(file([]).dropFirst(4)), "not a GGUF file"),
    ("version", file([]) { $0.version = 1 }, "GGUF version 1 is not supported"),
    ("tensor count", file([]) { $0.tensorCount = 1 << 40 }, "tensor count 1099511627776 cannot fit"),
    ("key count", file([]) { $0.keyCount = 1 << 60 }, "metadata key count"),
    ("string length", Array(RawGGUF().image().prefix(16)) + RawGGUF.u64(1) + RawGGUF.u64(1 << 40) + [UInt8](repeating: 0, count: 32),
     "metadata key #0 of 1099511627776 bytes runs past the end"),
    ("value type", file([]) { $0.keyValues.append(RawGGUF.keyValue("x", type: 13, RawGGUF.u32(0))) },
     "key \"x\": unknown value type 13"),
    ("array length", file([]) { $0.keyValues.append(RawGGUF.keyValue("x", type: 9, RawGGUF.array(type: 6, count: 1 << 40, []))) },
     "key \"x\": array length 1099511627776 cannot fit"),
    ("array type", file([]) { $0.keyValues.append(RawGGUF.keyValue("x", type: 9, RawGGUF.array(type: 99, count: 1, [0]))) },
     "unknown array item type 99"),
    ("nesting", file([]) {
      $0.keyValues.append(RawGGUF.keyValue("x", type: 9, (0..<12).flatMap { _ in RawGGUF.u32(9) + RawGGUF.u64(1) } + RawGGUF.array(type: 0, count: 0, [])))
    }, "nested more than 8 deep"),
    ("duplicate key", file([]) { $0.keyValues.append(arch) }, "key \"general.architecture\": appears twice"),
    ("key not UTF-8", file([]) { $0.keyValues.append(RawGGUF.u64(1) + [0xFF] + RawGGUF.u32(0) + [0]) }, "is not valid UTF-8"),
    ("alignment", file([]) { $0.keyValues.append(RawGGUF.keyValue("general.alignment", u32: 48)) },
     "key \"general.alignment\": uint32 48 is not a power of two"),
    ("alignment zero", file([]) { $0.keyValues.append(RawGGUF.keyValue("general.alignment", u32: 0)) }, "not a power of two"),
    ("duplicate tensor", file([RawGGUF.tensorInfo("w", [32], type: 0, offset: 0), RawGGUF.tensorInfo("w", [32], type: 0, offset: 128)], data: 256),
     "tensor 'w': appears twice"),
    ("control characters", file([RawGGUF.tensorInfo("a\nb", [32], type: 0, offset: 0), RawGGUF.tensorInfo("a\nb", [32], type: 0, offset: 128)], data: 256),
     "tensor 'a\\nb': appears twice"),
    ("no dimensions", file([RawGGUF.string("w") + RawGGUF.u32(0) + RawGGUF.u32(0) + RawGGUF.u64(0)]), "has 0 dimensions"),
    ("five dimensions", file([RawGGUF.tensorInfo("w", [1, 1, 1, 1, 1], type: 0, offset: 0)], data: 32), "has 5 dimensions"),
    ("zero dimension", file([RawGGUF.tensorInfo("w", [32, 0], type: 0, offset: 0)]), "has a dimension of 0"),
    ("negative dimension", file([RawGGUF.tensorInfo("w", [32, UInt64.max], type: 0, offset: 0)]), "has a dimension of -1"),
    ("overflow", file([RawGGUF.tensorInfo("w", [1 << 32, 1 << 32], type: 0, offset: 0)]), "more elements than fit in 64 bits"),
    ("bytes overflow", file([RawGGUF.tensorInfo("w", [1 << 31, 1 << 31], type: 0, offset: 0)]), "more bytes than fit in 64 bits"),
    ("unknown type", file([RawGGUF.tensorInfo("w", [32], type: 4, offset: 0)], data: 64), "tensor 'w': has unknown ggml type id 4"),
    ("row length", file([RawGGUF.tensorInfo("w", [48, 2], type: 12, offset: 0)], data: 1024),
     "row length 48 is not a multiple of q4_k's block size 256"),
    ("offset alignment", file([RawGGUF.tensorInfo("w", [32], type: 0, offset: 4)], data: 256), "not a multiple of the alignment 32"),
    ("past the end", file([RawGGUF.tensorInfo("w", [32, 2], type: 0, offset: 0)], data: 100), "tensor 'w': data ["),
    ("overlap", file([RawGGUF.tensorInfo("w", [32, 2], type: 0, offset: 0), RawGGUF.tensorInfo("v", [32], type: 0, offset: 128)], data: 512),
     "tensor 'v': data overlaps tensor 'w'"),
    ("truncated", Array(file([RawGGUF.tensorInfo("w", [32], type: 0, offset: 0)]).prefix(60)), "file ends at byte 60"),
    ("empty", [], "not a GGUF file"),
  ]

  @Test(arguments: cases.indices)
  func refused(_ index: Int) throws {
    let (rule, bytes, message) = Self.cases[index]
    try withTemporaryDirectory { dir in
      let path = try dir.write(bytes, to: "bad.gguf")
      #expect {
        _ = try GGUFFile(path: path)
      } throws: { error in
        let text = "\(error)"
        let ok = text.hasPrefix(path + ": ") && text.contains(message) && !text.contains("\n")
        if !ok { Issue.record("\(rule): \(text)") }
        return ok
      }
    }
  }

  /// The corpus Tests/check-inputs.sh runs through `pare inspect` (made by the fixture script).
  @Test func malformedCorpusIsRefused() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: GGUFFixtures.malformed).filter { $0.hasSuffix(".gguf") }
    #expect(names.count >= 15)
    for name in names {
      let path = GGUFFixtures.malformed + "/" + name
      #expect(throws: GGUFError.self, "\(name)") { _ = try ModelDirectory.open(path) }
    }
  }

  @Test func aValidFileOpens() throws {
    try withTemporaryDirectory { dir in
      let path = try dir.write(Self.file([RawGGUF.tensorInfo("w", [32, 2], type: 0, offset: 0),
                                          RawGGUF.tensorInfo("v", [32], type: 0, offset: 256)], data: 384), to: "ok.gguf")
      let gguf = try GGUFFile(path: path)
      #expect(gguf.tensors.map(\.name) == ["w", "v"] && gguf.tensors.map(\.byteCount) == [256, 128])
    }
  }

  /// A type Pare cannot decode lists (browse-only); decoding it names the tensor and the type.
  @Test func undecodableTypeOpensBrowseOnly() throws {
    try withTemporaryDirectory { dir in
      let path = try dir.write(Self.file([RawGGUF.tensorInfo("blk.0.attn_q.weight", [256, 2], type: 17, offset: 0)], data: 148),
                               to: "iq.gguf")
      let model = try ModelDirectory.open(path)
      #expect(model.config == nil && model.gguf?.tensors.first?.type == .iq2_xs)
      #expect(model.weights.ggmlType(of: "blk.0.attn_q.weight") == .iq2_xs)
      #expect(model.weights.entries.first?.shape == [2, 256] && model.weights.entries.first?.byteRange.count == 148)
      #expect {
        _ = try model.weights.tensor(named: "blk.0.attn_q.weight")
      } throws: { error in
        "\(error)" == "\(path): tensor 'blk.0.attn_q.weight': is iq2_xs, which Pare cannot decode (it decodes f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q2_k, q3_k, q4_k, q5_k, q6_k, iq4_nl, iq4_xs)"
      }
      let gguf = try #require(model.gguf)
      #expect(ModelFamilies.ggufBrowseOnlyReason(gguf, runnable: ["llama"])
        == "blk.0.attn_q.weight is iq2_xs, which Pare cannot decode (it decodes f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q2_k, q3_k, q4_k, q5_k, q6_k, iq4_nl, iq4_xs): browse only")
      #expect(ModelFamilies.ggufBrowseOnlyReason(gguf, runnable: ["phi3", "gemma3"])
        == "GGUF architecture \"llama\" cannot be run yet (Pare runs \"phi3\", \"gemma3\"): browse only")
      // The registry runs llama, but not this file: its tensor type comes first.
      let opened = try OpenedModel(path: path)
      #expect(opened.family == nil && opened.browseOnlyReason?.hasPrefix("blk.0.attn_q.weight is iq2_xs, which Pare cannot decode") == true)
    }
  }
}
