import Foundation
import PareCore
import PareFormats
import Testing

/// Browsing at any size: a 7B-parameter GGUF (a llama-2-7b Q4_0's metadata and 291 tensors, its
/// 3.8 GB of data a hole made by ftruncate) opens and lists its tensors in under a second,
/// reading only the header.
@Suite struct GGUFBrowseTests {
  /// The header of a llama-2-7b Q4_0 (output.weight Q6_K), and the size of its data section.
  static func sevenB() -> (header: [UInt8], dataBytes: Int, params: Int) {
    var raw = RawGGUF()
    let vocab = 32000
    raw.keyValues = [
      RawGGUF.keyValue("general.architecture", "llama"), RawGGUF.keyValue("general.name", "LLaMA v2"),
      RawGGUF.keyValue("llama.context_length", u32: 4096), RawGGUF.keyValue("llama.embedding_length", u32: 4096),
      RawGGUF.keyValue("llama.block_count", u32: 32), RawGGUF.keyValue("llama.feed_forward_length", u32: 11008),
      RawGGUF.keyValue("llama.rope.dimension_count", u32: 128), RawGGUF.keyValue("llama.attention.head_count", u32: 32),
      RawGGUF.keyValue("llama.attention.head_count_kv", u32: 32),
      RawGGUF.keyValue("llama.attention.layer_norm_rms_epsilon", f32: 1e-5),
      RawGGUF.keyValue("general.file_type", u32: 2), RawGGUF.keyValue("tokenizer.ggml.model", "llama"),
      RawGGUF.keyValue("tokenizer.ggml.tokens", type: 9,
                       RawGGUF.array(type: 8, count: vocab, (0..<vocab).flatMap { RawGGUF.string("<tok\($0)>") })),
      RawGGUF.keyValue("tokenizer.ggml.scores", type: 9,
                       RawGGUF.array(type: 6, count: vocab, [UInt8](repeating: 0, count: 4 * vocab))),
      RawGGUF.keyValue("tokenizer.ggml.token_type", type: 9,
                       RawGGUF.array(type: 5, count: vocab, (0..<vocab).flatMap { _ in RawGGUF.u32(1) })),
    ]
    var tensors: [(String, [Int], GGMLType)] = [("token_embd.weight", [4096, vocab], .q4_0)]
    for b in 0..<32 {
      tensors += [("blk.\(b).attn_norm.weight", [4096], .f32), ("blk.\(b).ffn_norm.weight", [4096], .f32)]
      for n in ["attn_q", "attn_k", "attn_v", "attn_output"] { tensors.append(("blk.\(b).\(n).weight", [4096, 4096], .q4_0)) }
      tensors += [("blk.\(b).ffn_gate.weight", [4096, 11008], .q4_0), ("blk.\(b).ffn_up.weight", [4096, 11008], .q4_0),
                  ("blk.\(b).ffn_down.weight", [11008, 4096], .q4_0)]
    }
    tensors += [("output_norm.weight", [4096], .f32), ("output.weight", [4096, vocab], .q6_k)]
    var offset = 0, params = 0
    for (name, dims, type) in tensors {
      raw.tensorInfos.append(RawGGUF.tensorInfo(name, dims.map(UInt64.init), type: type.rawValue, offset: UInt64(offset)))
      let elements = dims.reduce(1, *)
      params += elements
      offset += (elements / type.blockSize * type.bytesPerBlock + 31) / 32 * 32
    }
    return (raw.header, offset, params)
  }

  static func residentKB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
  }

  @Test func sevenBillionParametersListInUnderASecond() throws {
    try withTemporaryDirectory { dir in
      let (header, dataBytes, params) = Self.sevenB()
      let path = try dir.write(header, to: "llama-2-7b.Q4_0.gguf")
      let handle = try #require(FileHandle(forWritingAtPath: path))
      try handle.truncate(atOffset: UInt64(header.count + dataBytes))  // sparse: no data written
      try handle.close()
      let before = Self.residentKB()
      let start = Date()
      let model = try ModelDirectory.open(path)
      let listed = model.weights.entries.map { ($0.name, $0.shape, model.weights.ggmlType(of: $0.name)?.name ?? "") }
      let seconds = Date().timeIntervalSince(start)
      let grownKB = Self.residentKB() - before
      #expect(listed.count == 291 && model.weights.entries.reduce(0) { $0 + $1.elementCount } == params)
      #expect(params > 6_700_000_000 && listed[0].1 == [32000, 4096] && listed.last?.2 == "q6_k")
      #expect(model.gguf?.metadata.strings("tokenizer.ggml.tokens")?.count == 32000)
      #expect(seconds < 1, "opening and listing took \(seconds) s")
      #expect(grownKB < 300 * 1024, "resident memory grew by \(grownKB) kB")
      print("GGUF 7B browse: \(header.count + dataBytes) bytes, 291 tensors listed in \(Int(seconds * 1000)) ms, "
        + "resident memory +\(grownKB) kB (\(Self.residentKB()) kB in all)")
    }
  }
}
