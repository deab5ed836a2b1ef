import Foundation
import PareCore
import PareFormats
import Testing

@testable import PareCompression

/// The `ggml` quantization scheme in plans (DESIGN.md §4): its JSON, its validation, its storage
/// cost and its path through the compressor and the packed format. The blocks themselves are
/// checked against ggml's own in GGMLQuantizerTests.
struct GGMLSchemeTests {
  private func spec(_ json: String) throws -> CompressionSpec {
    try JSONDecoder().decode(CompressionSpec.self, from: Data(json.utf8))
  }

  @Test func theSpecReadsAndWritesItsJSON() throws {
    let read = try spec(#"{"quantize": {"scheme": "ggml", "type": "Q8_0", "imatrix": true}}"#)
    #expect(read.quantize == .ggml(.q8_0, imatrix: true))
    let written = String(decoding: try JSONEncoder.sorted.encode(read), as: UTF8.self)
    #expect(written == #"{"quantize":{"imatrix":true,"scheme":"ggml","type":"q8_0"}}"#)
    let plain = String(decoding: try JSONEncoder.sorted.encode(CompressionSpec(quantize: .ggml(.q4_0))), as: UTF8.self)
    #expect(plain == #"{"quantize":{"scheme":"ggml","type":"q4_0"}}"#)
  }

  @Test func anUnknownTypeNameIsRefusedWithTheList() {
    do {
      _ = try spec(#"{"quantize": {"scheme": "ggml", "type": "q4_km"}}"#)
      Issue.record("q4_km was accepted")
    } catch let DecodingError.dataCorrupted(context) {
      #expect(context.debugDescription.contains("unknown ggml type \"q4_km\""))
      #expect(context.debugDescription.contains("q8_0"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test(arguments: [
    (#"{"quantize": {"scheme": "ggml"}}"#, [4, 64], "quantize.type is required"),
    (#"{"quantize": {"scheme": "ggml", "type": "q8_0"}}"#, [4, 48], "q8_0 needs rows whose length is a multiple of 32; this tensor's rows hold 48 values"),
    (#"{"quantize": {"scheme": "ggml", "type": "q8_0"}}"#, [64], "a 1-D tensor cannot take q8_0"),
    (#"{"quantize": {"scheme": "ggml", "type": "q8_0", "bits": 8}}"#, [4, 64], "do not apply to the ggml scheme"),
    (#"{"quantize": {"scheme": "ggml", "type": "q8_0", "granularity": "group", "group_size": 32}}"#, [4, 64], "do not apply to the ggml scheme"),
    (#"{"prune": {"sparsity": 0.5}, "quantize": {"scheme": "ggml", "type": "q8_0"}}"#, [4, 64], "prune and lowrank cannot come before it"),
    (#"{"lowrank": {"rank": 2}, "quantize": {"scheme": "ggml", "type": "q4_0"}}"#, [4, 64], "prune and lowrank cannot come before it"),
    (#"{"quantize": {"bits": 4, "type": "q4_0"}}"#, [4, 64], "apply to the ggml scheme only"),
    (#"{"quantize": {"bits": 4, "imatrix": true}}"#, [4, 64], "apply to the ggml scheme only"),
  ])
  func badSpecsAreRefused(json: String, shape: [Int], message: String) throws {
    let s = try spec(json)
    #expect(throws: SpecError.self) { try s.validate(shape: shape, dtype: .f32) }
    do { try s.validate(shape: shape, dtype: .f32) } catch { #expect(error.message.contains(message), "\(error.message)") }
  }

  @Test func aPlanNamesTheTensorWhoseRowsDoNotFit() throws {
    let plan = Plan(tensors: ["token_embd.weight": CompressionSpec(quantize: .ggml(.q4_0))])
    try withWeightStore([ModelTensor(name: "token_embd.weight", dtype: .f32, shape: [3, 40])]) { store in
      #expect(throws: PlanError(file: "plan.json", "tensor 'token_embd.weight': q4_0 needs rows whose length is a multiple of 32; this tensor's rows hold 40 values")) {
        try plan.validate(against: store, file: "plan.json")
      }
    }
  }

  /// Storage is the blocks' size: 34 bytes per 32 values for q8_0 (8.5 bits), 18 for q4_0 (4.5).
  @Test(arguments: [(GGMLType.q8_0, 34), (.q4_0, 18)])
  func storageIsTheBlocksExactly(type: GGMLType, blockBytes: Int) throws {
    var rng = SplitMix64(seed: 3)
    let values = (0..<(6 * 96)).map { _ in Float.random(in: -1..<1, using: &rng) }
    let c = try Compressor.compress(try Tensor(shape: [6, 96], scalars: values), dtype: .f32,
                                    spec: CompressionSpec(quantize: .ggml(type)))
    #expect(c.storage.bytes == 6 * 3 * blockBytes)
    #expect(c.storage.bits == 6 * 3 * blockBytes * 8)
    // The values are ggml's dequantization of the blocks.
    var decoded = [Float](repeating: 0, count: values.count)
    c.quantized?.ggmlBlocks.withUnsafeBytes { raw in decoded.withUnsafeMutableBufferPointer { GGMLDequantize.decode(raw, type: type, into: $0) } }
    #expect(c.values.scalars.map(\.bitPattern) == decoded.map(\.bitPattern))
    #expect(c.error.relativeMSE > 0 && c.error.relativeMSE < (type == .q8_0 ? 1e-4 : 2e-2))
  }

  @Test func anImatrixSpecNeedsImportanceOfTheRightLength() throws {
    let tensor = try Tensor(shape: [2, 32], scalars: (0..<64).map { Float($0) / 64 })
    let spec = CompressionSpec(quantize: .ggml(.q8_0, imatrix: true))
    #expect(throws: MissingImportanceError(tensor: "w", reason: nil)) {
      try Compressor.compress(tensor, dtype: .f32, spec: spec, name: "w")
    }
    #expect(throws: MissingImportanceError(tensor: "w", reason: "the importance matrix has 16 columns for it, its rows hold 32")) {
      try Compressor.compress(tensor, dtype: .f32, spec: spec, name: "w", importance: [Float](repeating: 1, count: 16))
    }
    // q8_0 ignores importance, as ggml does: the same blocks either way.
    let weighted = try Compressor.compress(tensor, dtype: .f32, spec: spec, name: "w", importance: [Float](repeating: 2, count: 32))
    let plain = try Compressor.compress(tensor, dtype: .f32, spec: CompressionSpec(quantize: .ggml(.q8_0)))
    #expect(weighted.quantized?.ggmlBlocks == plain.quantized?.ggmlBlocks)
  }
}

private extension JSONEncoder {
  static var sorted: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }
}
