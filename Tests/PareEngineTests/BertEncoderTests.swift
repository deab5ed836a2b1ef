import Foundation
import PareWorkbench
import Testing
@testable import PareCore
@testable import PareEngine
@testable import PareFormats

/// The parts of the BERT encoder on hand-worked cases, and the pass's batching, restart and
/// input-checking contracts on the tiny fixture model.
struct BertEncoderTests {
  static let tinyModel = repositoryRoot.appendingPathComponent("Tests/PareEngineTests/Fixtures/tiny-bert").path

  func tiny() throws -> (BertEncoder, ModelDirectory) {
    let model = try ModelDirectory.open(Self.tinyModel)
    return (try family(SentenceEncoder.self, at: Self.tinyModel).encoder(), model)
  }

  /// The tiny fixture's token ids (21 sentences of 2 to 48 tokens).
  func sentences() throws -> [[Int]] { try BertReferenceTests.reference("tiny-bert.reference.json").ids }

  func original(_ model: ModelDirectory) -> (String) throws -> Tensor? {
    { name in model.weights.entry(named: name) == nil ? nil : try model.weights.tensor(named: name) }
  }

  @Test func layerNormOnAHandWorkedRow() throws {
    // Rows [1, 3] and [0, 2] + [1, 1]: mean 2, variance 1, normalized [-1, 1].
    let norm = LayerNorm(weight: try Tensor(shape: [2], scalars: [2, 0.5]), bias: try Tensor(shape: [2], scalars: [1, 0]), eps: 0)
    #expect(norm.forward(try Tensor(shape: [1, 2], scalars: [1, 3])).scalars == [-1, 0.5])
    let summed = norm.forward(try Tensor(shape: [1, 2], scalars: [0, 2]), adding: try Tensor(shape: [1, 2], scalars: [1, 1]))
    #expect(summed.scalars == [-1, 0.5])
    // [1, 2, 3, 4]: mean 2.5, variance 1.25; eps is added to the variance.
    let unit = LayerNorm(weight: try Tensor(shape: [4], scalars: [1, 1, 1, 1]), bias: Tensor(zeros: [4]), eps: 0.75)
    let y = unit.forward(try Tensor(shape: [1, 4], scalars: [1, 2, 3, 4]))
    #expect(isClose(y, try Tensor(shape: [1, 4], scalars: [-1.0606602, -0.35355339, 0.35355339, 1.0606602])))
  }

  @Test func attentionStaysWithinEachSentence() throws {
    // One head of width 2 (scale 1/√2). Sentence A (2 tokens): q0·k0/√2 = ln 3, q0·k1 = 0, so
    // token 0 weighs the values 3/4, 1/4; q1 = 0 weighs them equally. Sentence B (1 token)
    // sees only its own value, whatever A holds.
    let r = Float(2).squareRoot() * Float(log(3.0))
    let q = try Tensor(shape: [3, 2], scalars: [r, 0, 0, 0, 7, -3])
    let k = try Tensor(shape: [3, 2], scalars: [1, 0, 0, 0, 2, 9])
    let v = try Tensor(shape: [3, 2], scalars: [4, 0, 0, 8, 5, -5])
    let context = SelfAttention.attend(query: q, key: k, value: v, heads: 1, lengths: [2, 1])
    #expect(isClose(context, try Tensor(shape: [3, 2], scalars: [3, 2, 2, 4, 5, -5])))
    // The same rows as one 3-token sentence mix all three values: the lengths are the mask.
    let unmasked = SelfAttention.attend(query: q, key: k, value: v, heads: 1, lengths: [3])
    #expect(!isClose(unmasked, context, tolerance: 0.1))
  }

  @Test func attentionHeadsAreIndependent() throws {
    // Two heads of width 1 (scale 1): head 0 scores q0 against keys [1, 0] (weights 3/4, 1/4),
    // head 1 against keys [1, 1] (equal weights).
    let ln3 = Float(log(3.0))
    let q = try Tensor(shape: [2, 2], scalars: [ln3, 0, 0, ln3])
    let k = try Tensor(shape: [2, 2], scalars: [1, 1, 0, 1])
    let v = try Tensor(shape: [2, 2], scalars: [4, 2, 0, 6])
    let context = SelfAttention.attend(query: q, key: k, value: v, heads: 2, lengths: [2])
    #expect(isClose(context, try Tensor(shape: [2, 2], scalars: [3, 4, 2, 4])))
  }

  @Test func poolingModesOnAHandWorkedBatch() throws {
    // Two sentences: [[1, -2], [3, 4]] and [[0, 5]].
    let states = try Tensor(shape: [3, 2], scalars: [1, -2, 3, 4, 0, 5])
    let batch = BertBatch(indices: [0, 1], lengths: [2, 1])
    let cases: [(PoolingConfig.Mode, [Float])] = [
      (.mean, [2, 1, 0, 5]), (.cls, [1, -2, 0, 5]), (.max, [3, 4, 0, 5]),
      (.meanSqrtLength, [4 / Float(2).squareRoot(), 2 / Float(2).squareRoot(), 0, 5]),
    ]
    for (mode, expected) in cases {
      let pooled = PoolingConfig(mode: mode).embeddings(of: states, batch: batch)
      #expect(isClose(pooled, try Tensor(shape: [2, 2], scalars: expected)), "\(mode)")
    }
    let normalized = PoolingConfig(mode: .max, normalize: true).embeddings(of: states, batch: batch)
    #expect(isClose(normalized, try Tensor(shape: [2, 2], scalars: [0.6, 0.8, 0, 1])))
  }

  @Test func batchesFollowTheTokenBudget() {
    let batches = BertBatch.plan(lengths: [3, 4, 10, 2, 2], tokenBudget: 8)
    #expect(batches.map(\.indices) == [[0, 1], [2], [3, 4]])
    #expect(batches[0].offsets == [0, 3] && batches[0].tokenCount == 7)
    #expect(BertBatch.plan(lengths: [], tokenBudget: 8).isEmpty)
  }

  @Test func embeddingsDoNotDependOnBatching() throws {
    let (encoder, _) = try tiny()
    let sentences = try sentences()
    let width = encoder.embeddingWidth
    var none: BertEncoder.Cache?
    let together = try encoder.outputs(for: sentences, cache: &none)
    var small: BertEncoder.Cache? = BertEncoder.Cache(batchSize: 20, restartPoints: [])
    #expect(isClose(try encoder.outputs(for: sentences, cache: &small), together, tolerance: 1e-6))
    let reversed = try encoder.outputs(for: sentences.reversed(), cache: &none)
    for i in sentences.indices {
      let alone = try encoder.outputs(for: [sentences[i]], cache: &none)
      let row = Array(together.scalars[(i * width)..<((i + 1) * width)])
      let reversedRow = Array(reversed.scalars[((sentences.count - 1 - i) * width)..<((sentences.count - i) * width)])
      #expect(isClose(alone, try Tensor(shape: [1, width], scalars: row), tolerance: 1e-6), "sentence \(i)")
      #expect(isClose(alone, try Tensor(shape: [1, width], scalars: reversedRow), tolerance: 1e-6), "sentence \(i)")
    }
  }

  @Test func layerIndicesOfTensors() throws {
    let (encoder, _) = try tiny()
    #expect(encoder.layerIndex(ofTensor: "embeddings.word_embeddings.weight") == 0)
    #expect(encoder.layerIndex(ofTensor: "embeddings.LayerNorm.bias") == 0)
    #expect(encoder.layerIndex(ofTensor: "encoder.layer.0.attention.self.query.weight") == 1)
    #expect(encoder.layerIndex(ofTensor: "encoder.layer.1.output.LayerNorm.weight") == 2)
    for unread in ["encoder.layer.2.output.dense.weight", "pooler.dense.weight", "embeddings.position_ids", "encoder.layer.x.y"] {
      #expect(encoder.layerIndex(ofTensor: unread) == nil, "\(unread)")
    }
    #expect(encoder.restartPoints == [1, 2])
    let everyTensor = encoder.config.tensorShapes.map(\.name)
    #expect(everyTensor.allSatisfy { encoder.layerIndex(ofTensor: $0) != nil })
  }

  /// Restarting at any layer from the cache gives a full pass's embeddings, also after that
  /// layer's weights change (what a compression edit does).
  @Test func restartFromCacheMatchesFullPass() throws {
    let (encoder, model) = try tiny()
    let sentences = try sentences()
    var cache: BertEncoder.Cache? = BertEncoder.Cache(batchSize: 64, restartPoints: encoder.restartPoints)
    let full = try encoder.outputs(for: sentences, cache: &cache)
    for layer in [1, 2] {
      #expect(try encoder.outputs(for: sentences, from: layer, cache: &cache) == full)
    }
    for (name, layer) in [("encoder.layer.1.intermediate.dense.weight", 2), ("encoder.layer.0.attention.self.key.weight", 1)] {
      var halved = try model.weights.tensor(named: name)
      for i in halved.scalars.indices { halved.scalars[i] *= 0.5 }
      let edited = try encoder.replacingTensors([name: .dense(halved)], original: original(model))
      #expect(edited.layerIndex(ofTensor: name) == layer)
      var plain: BertEncoder.Cache? = BertEncoder.Cache(batchSize: 64, restartPoints: [])
      let fresh = try edited.outputs(for: sentences, cache: &plain)
      var restartCache = cache
      #expect(try edited.outputs(for: sentences, from: layer, cache: &restartCache) == fresh, "\(name)")
      #expect(fresh != full)
    }
    // Other sentences, even of the same lengths, are not what the cache holds: the pass starts
    // over at layer 0.
    var sameLengths = sentences
    sameLengths[3][1] += 1
    for others in [Array(sentences.dropFirst()), sameLengths] {
      #expect(cache?.inputs(at: 2, for: others) == nil)
      var fromScratch: BertEncoder.Cache? = BertEncoder.Cache(batchSize: 64, restartPoints: [])
      var restartCache = cache
      #expect(try encoder.outputs(for: others, from: 2, cache: &restartCache) == encoder.outputs(for: others, cache: &fromScratch))
    }
  }

  @Test func factoredWeightsRunAsTwoGEMMsAndEmbeddingsUseTheProduct() throws {
    let (encoder, model) = try tiny()
    let sentences = try sentences()
    var none: BertEncoder.Cache?
    let before = try encoder.outputs(for: sentences, cache: &none)
    // W = W · I: a factoring with the same product.
    let query = "encoder.layer.0.attention.self.query.weight", words = "embeddings.word_embeddings.weight"
    let w = try model.weights.tensor(named: query), table = try model.weights.tensor(named: words)
    let identity = Tensor(shape: [32, 32]) { out in for i in 0..<32 { out[i * 32 + i] = 1 } }
    let edited = try encoder.replacingTensors(
      [query: .factored(a: w, b: identity, product: w), words: .factored(a: table, b: identity, product: table)],
      original: original(model))
    #expect(edited.layers[0].attention.query is FactoredLinear)
    #expect(edited.layers[1].attention.query is Linear)
    #expect(isClose(try edited.outputs(for: sentences, cache: &none), before, tolerance: 1e-5))
  }

  @Test func missingOrMisshapenTensorsAreRefused() throws {
    let (encoder, model) = try tiny()
    let name = "encoder.layer.0.output.dense.weight"
    let missing = try #require(throws: ModelError.self) {
      try BertEncoder(config: encoder.config) { $0 == name ? nil : try original(model)($0) }
    }
    #expect(missing.message.hasPrefix("tensor '\(name)' is missing"))
    let misshapen = try #require(throws: ModelError.self) {
      try encoder.replacingTensors([name: .dense(Tensor(zeros: [32, 32]))], original: original(model))
    }
    #expect(misshapen.message == "tensor '\(name)' has shape [32, 32], expected [32, 64] from config.json")
    let factors = try #require(throws: ModelError.self) {
      try encoder.replacingTensors(
        [name: .factored(a: Tensor(zeros: [32, 4]), b: Tensor(zeros: [5, 64]), product: Tensor(zeros: [32, 64]))],
        original: original(model))
    }
    #expect(factors.message.contains("do not multiply"))
  }

  @Test func cancellationLeavesTheCacheConsistent() throws {
    let (encoder, _) = try tiny()
    let sentences = try sentences()
    var cache: BertEncoder.Cache? = BertEncoder.Cache(batchSize: 32, restartPoints: encoder.restartPoints)
    var batches = 0
    #expect(throws: CancellationError.self) {
      try encoder.outputs(for: sentences, cache: &cache) { batches += 1; return batches > 3 }
    }
    #expect(cache?.byteCount == 0)
    #expect(cache?.inputs(at: 2, for: sentences) == nil)
  }

  @Test func unrunnableIdsAreRefusedBeforeAnyWork() throws {
    let (encoder, _) = try tiny()
    var none: BertEncoder.Cache?
    let vocab = encoder.config.vocabSize
    #expect(throws: BertInputError.unknownToken(index: 1, position: 2, id: vocab, vocabSize: vocab)) {
      try encoder.outputs(for: [[2, 3], [2, 7, vocab, 3]], cache: &none)
    }
    #expect(throws: BertInputError.unknownToken(index: 0, position: 1, id: -1, vocabSize: vocab)) {
      try encoder.outputs(for: [[2, -1, 3]], cache: &none)
    }
    #expect(throws: BertInputError.tooLong(index: 0, length: 65, limit: 64, maxSequenceLength: 48)) {
      try encoder.outputs(for: [[Int](repeating: 7, count: 65)], cache: &none)
    }
    #expect(throws: BertInputError.emptySentence(index: 1)) { try encoder.outputs(for: [[2, 3], []], cache: &none) }
    #expect("\(BertInputError.tooLong(index: 0, length: 65, limit: 64, maxSequenceLength: 48))".contains("truncate to max_seq_length (48)"))
    // The longest sequence the positions allow runs; no sentences give an empty result.
    #expect(try encoder.outputs(for: [[Int](repeating: 7, count: 64)], cache: &none).shape == [1, 32])
    #expect(try encoder.outputs(for: [], cache: &none).shape == [0, 32])
  }
}
