import Foundation
import PareCompression
import PareCore
import PareEngine
import PareFormats
@testable import PareWorkbench
import Testing

/// Importance matrices (#16): the statistics of Pare's own forward pass against numpy's, the
/// imatrix GGUF written and read back, llama.cpp's layout read, and files made for another model
/// refused.
@Suite struct ImportanceMatrixTests {
  static let root = NetworkEvaluatorTests.root
  static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
  static let tinyLlamaGGUF = path("Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf")
  static let fixtures = path("Tests/PareWorkbenchTests/Fixtures/imatrix")
  static let badInputs = path("Tests/inputs/imatrix")

  /// scripts/make_imatrix_fixtures.py: the windows and, per GGUF weight name, numpy's float64
  /// sums of squared inputs and the token count.
  struct Reference: Decodable {
    struct Entry: Decodable { let sums: [Double]; let count: Int }
    let windows: [[Int32]]
    let entries: [String: Entry]
  }

  static func reference() throws -> Reference {
    try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/tiny-llama.json")))
  }

  static func model() throws -> DecoderLanguageModel {
    try #require(try OpenedModel(path: tinyLlamaGGUF).family as? DecoderLanguageModel)
  }

  static func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("pare-imatrix-\(getpid())-\(name)").path
  }

  /// Every projection's and the head's summed squared inputs equal numpy's float64 forward
  /// (relative to each weight's largest column), with the same token counts and names.
  @Test func theStatisticsEqualNumpys() throws {
    let reference = try Self.reference()
    let squares = try Self.model().network().inputSquares(of: reference.windows)
    #expect(Set(squares.keys) == Set(reference.entries.keys))
    #expect(squares.count == 2 * 7 + 1)
    for (name, expected) in reference.entries {
      let got = try #require(squares[name])
      #expect(got.tokens == expected.count, "\(name)")
      #expect(got.sums.count == expected.sums.count, "\(name)")
      let scale = expected.sums.max() ?? 1
      let worst = zip(got.sums, expected.sums).map { abs($0 - $1) / scale }.max() ?? .infinity
      #expect(worst < 1e-5, "\(name): max relative difference \(worst)")
    }
  }

  /// `pare imatrix`'s file: written as llama-imatrix lays it out, read back unchanged.
  @Test func aWrittenMatrixReadsBack() throws {
    let reference = try Self.reference()
    let matrix = ImportanceMatrix(
      entries: reference.entries.mapValues { .init(sums: $0.sums.map { Float($0) }, count: Float($0.count)) },
      datasets: ["calibration.txt"], chunkCount: 3, chunkSize: 32)
    let path = Self.temporary("written.gguf")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try matrix.writeGGUF(to: path)
    let file = try GGUFFile(path: path)
    #expect(file.metadata.string("general.type") == "imatrix")
    #expect(file.metadata["imatrix.chunk_count"] == .uint32(3) && file.metadata["imatrix.chunk_size"] == .uint32(32))
    #expect(file.metadata["imatrix.datasets"] == .array(.string(["calibration.txt"])))
    let q = try #require(file.tensor(named: "blk.0.attn_q.weight.in_sum2"))
    #expect(q.type == .f32 && q.dimensions == [64, 1])
    #expect(try #require(file.tensor(named: "blk.0.attn_q.weight.counts")).dimensions == [1, 1])
    // llama.cpp writes each weight's in_sum2 then counts, in name order.
    let names = file.tensors.map(\.name)
    #expect(names.count == 30 && names.first == "blk.0.attn_k.weight.in_sum2" && names[1] == "blk.0.attn_k.weight.counts")
    #expect(try ImportanceMatrix(gguf: path) == matrix)
  }

  /// A file laid out by gguf-py exactly as llama-imatrix writes it (without the head, which it
  /// records only with --process-output) is read, fits the model, and gives in_sum2 / counts.
  @Test func llamaCppsLayoutIsRead() throws {
    let reference = try Self.reference()
    let path = Self.fixtures + "/llama-cpp-layout.imatrix.gguf"
    let matrix = try ImportanceMatrix(gguf: path)
    #expect(matrix.entries.count == 14 && matrix.entries["output.weight"] == nil)
    #expect(matrix.datasets == ["calibration.txt"] && matrix.chunkCount == 3 && matrix.chunkSize == 32)
    try Self.model().check(matrix, file: path)
    let down = try #require(reference.entries["blk.1.ffn_down.weight"])
    let importance = try #require(matrix.importance(of: "blk.1.ffn_down.weight"))
    #expect(importance == down.sums.map { Float($0) / Float(down.count) })
  }

  /// One line naming the file and the first tensor that does not fit.
  @Test(arguments: [
    ("other-model.imatrix.gguf", "has no entry for tensor 'blk.1.attn_q.weight': it was made for another model"),
    ("wrong-columns.imatrix.gguf", "tensor 'blk.0.ffn_down.weight' has 64 columns, the model's has 80: it was made for another model"),
    ("missing-counts.imatrix.gguf", "tensor 'blk.1.attn_q.weight' has in_sum2 but no counts"),
  ])
  func aMatrixForAnotherModelIsRefused(file: String, message: String) throws {
    let path = Self.badInputs + "/" + file
    #expect {
      try Self.model().check(ImportanceMatrix(gguf: path), file: path)
    } throws: { error in
      "\(error)" == "\(path): \(message)"
    }
  }

  /// A model's GGUF is not an importance matrix.
  @Test func aModelIsNotAnImportanceMatrix() {
    #expect {
      try ImportanceMatrix(gguf: Self.tinyLlamaGGUF)
    } throws: { error in
      "\(error)".hasPrefix(Self.tinyLlamaGGUF + ": holds no importance matrix")
    }
  }

  /// The statistics of a text: llama.cpp's windows, every token counted, computed once and then
  /// read from the disk cache (a second model object finds the file).
  @Test func textStatisticsAreCachedOnDisk() throws {
    let folder = Self.temporary("cache")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let model = try Self.model()
    let data = EvaluationData(path: Self.path("assets/data/sentences.txt"), limit: 2, itemLength: 48)
    let cache = try ImportanceCache(model: model, data: data, environment: ["PARE_CACHE_DIR": folder])
    #expect(cache.load() == nil)
    let computed = try model.importance(of: data, cache: cache)
    #expect(computed.chunkCount == 2 && computed.chunkSize == 48 && computed.entries.count == 15)
    #expect(computed.entries.values.allSatisfy { $0.count == 96 })
    #expect(FileManager.default.fileExists(atPath: cache.path))
    #expect(cache.load() == computed)
    let windows = try model.windows(of: data).windows
    let direct = try model.network().inputSquares(of: windows)
    #expect(computed.entries["blk.0.ffn_down.weight"]?.sums == direct["blk.0.ffn_down.weight"]?.sums.map { Float($0) })
  }

  /// The compression cache keeps a tensor compressed with importance apart from the same
  /// tensor and spec compressed without, and from another source's.
  @Test func theCompressionCacheKeyIncludesTheImportance() throws {
    let cache = CompressionCache()
    let matrix = ImportanceMatrix(entries: [:], datasets: [], chunkCount: 0, chunkSize: 0)
    let (a, b) = (ImportanceSource(matrix, origin: "a"), ImportanceSource(matrix, origin: "b"))
    let spec = CompressionSpec(quantize: .init(scheme: .int, bits: 4, granularity: .channel, symmetric: true))
    let tensor = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    var made = 0
    let make = { made += 1; return try Compressor.compress(tensor, dtype: .f32, spec: spec, name: "w") }
    for importance in [nil, a, b, nil, a, b] { _ = try cache.tensor("w", spec: spec, importance: importance, make: make) }
    #expect(made == 3 && cache.count == 3)
  }

  /// A plan with `"imatrix": true` evaluated on a text: each tensor is compressed with its
  /// importance from that text's statistics (what `Compressor` gives for the same importance),
  /// while without any importance the spec is refused naming the tensor.
  @Test func aPlanWithImatrixUsesTheTextsStatistics() throws {
    let folder = Self.temporary("plan-cache")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let model = try Self.model()
    let data = EvaluationData(path: Self.path("assets/data/sentences.txt"), limit: 2, itemLength: 48)
    let name = "blk.0.ffn_gate.weight"
    let spec = CompressionSpec(quantize: .ggml(.q4_0, imatrix: true))
    let plan = Plan(tensors: [name: spec])
    let compression = CompressionCache()
    let evaluator = try model.evaluator(on: data, compression: compression, cachesActivations: true)
    let source = try #require(compression.importance)
    #expect(source.origin == data.path)
    #expect(try evaluator.evaluate(plan) { false }.value > 0)
    let applied = try AppliedPlan(plan: plan, weights: model.weights, cache: compression)
    let importance = try model.importance(of: data, cache: ImportanceCache(model: model, data: data, environment: ["PARE_CACHE_DIR": folder]))
      .importance(of: name)
    #expect(importance == (try source.importance(of: name)))
    let direct = try Compressor.compress(model.weights.tensor(named: name), dtype: .f32, spec: spec, name: name, importance: importance)
    let same = applied.compressed[name]?.values.scalars == direct.values.scalars
    #expect(same)
    let unweighted = try Compressor.compress(model.weights.tensor(named: name), dtype: .f32,
                                             spec: CompressionSpec(quantize: .ggml(.q4_0)), name: name)
    let weighs = direct.values.scalars != unweighted.values.scalars
    #expect(weighs)
    #expect {
      try AppliedPlan(plan: plan, weights: model.weights)
    } throws: { error in
      "\(error)".contains("tensor '\(name)'") && "\(error)".contains("imatrix")
    }
  }

  /// The untied embedding is looked up, never multiplied, so no matrix holds its importance:
  /// `"imatrix": true` on it quantizes unweighted, as llama-quantize does (and so do the head's
  /// and the embedding's specs with a matrix from llama-imatrix, which records neither). Any
  /// other weight missing from the matrix is still refused, naming it.
  @Test func theEmbeddingAndHeadMayLackImportance() throws {
    let model = try Self.model()
    #expect(!model.config.tiedHead)
    #expect(model.importanceMayLack == ["token_embd.weight", "output.weight"])
    let blocksOnly = ImportanceMatrix(
      entries: ["blk.0.ffn_gate.weight": .init(sums: [Float](repeating: 1, count: model.config.hiddenSize), count: 1)],
      datasets: [], chunkCount: 1, chunkSize: 1)
    let source = ImportanceSource(blocksOnly, origin: "blocks.imatrix", mayLack: model.importanceMayLack)
    for name in ["token_embd.weight", "output.weight"] {
      let weighted = try AppliedPlan(plan: Plan(tensors: [name: CompressionSpec(quantize: .ggml(.q4_0, imatrix: true))]),
                                     weights: model.weights, importance: source)
      let plain = try AppliedPlan(plan: Plan(tensors: [name: CompressionSpec(quantize: .ggml(.q4_0))]), weights: model.weights)
      let same = weighted.compressed[name]?.values.scalars == plain.compressed[name]?.values.scalars
      #expect(same, "\(name)")
    }
    #expect {
      try AppliedPlan(plan: Plan(tensors: ["blk.1.ffn_gate.weight": CompressionSpec(quantize: .ggml(.q4_0, imatrix: true))]),
                      weights: model.weights, importance: source)
    } throws: { error in
      "\(error)" == "blocks.imatrix: has no importance for tensor 'blk.1.ffn_gate.weight', which a spec with \"imatrix\": true needs"
    }
  }
}
