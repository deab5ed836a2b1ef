import Foundation
import PareWorkbench
import Testing
@testable import PareCore
@testable import PareEngine
@testable import PareFormats

/// Embeddings of the tiny random BERT and of all-MiniLM-L6-v2 against the numpy reference
/// written by scripts/reference_embeddings.py (one sentence at a time, no shared code).
struct BertReferenceTests {
  struct Reference: Decodable {
    let model: String
    let max_seq_length: Int
    let sentences: [String]
    let ids: [[Int]]
    let embeddings: [[Float]]
  }

  static let fixtures = repositoryRoot.appendingPathComponent("Tests/PareEngineTests/Fixtures")
  static let tinyModel = fixtures.appendingPathComponent("tiny-bert").path
  static let miniLM = repositoryRoot.appendingPathComponent(".models/all-MiniLM-L6-v2").path

  static func reference(_ name: String) throws -> Reference {
    try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent(name)))
  }

  /// Per sentence: cosine with the reference >= 0.9999 and every element within `tolerance`.
  func expectMatches(model path: String, reference name: String, tolerance: Float) throws {
    let reference = try Self.reference(name)
    let encoder = try family(SentenceEncoder.self, at: path).encoder()
    #expect(encoder.config.maxSequenceLength == reference.max_seq_length)
    var cache: BertEncoder.Cache?
    let embeddings = try encoder.outputs(for: reference.ids, cache: &cache)
    let width = encoder.embeddingWidth
    #expect(embeddings.shape == [reference.ids.count, width])
    var worstCosine: Float = 1, worstDifference: Float = 0
    for (i, expected) in reference.embeddings.enumerated() {
      let row = Array(embeddings.scalars[(i * width)..<((i + 1) * width)])
      let cosine = zip(row, expected).reduce(0) { $0 + $1.0 * $1.1 }
        / (row.reduce(0) { $0 + $1 * $1 }.squareRoot() * expected.reduce(0) { $0 + $1 * $1 }.squareRoot())
      let difference = zip(row, expected).map { abs($0 - $1) }.max() ?? 0
      #expect(cosine >= 0.9999, "\(reference.model) sentence \(i) (\(reference.sentences[i].prefix(40))): cosine \(cosine)")
      #expect(difference <= tolerance, "\(reference.model) sentence \(i): max abs difference \(difference)")
      (worstCosine, worstDifference) = (min(worstCosine, cosine), max(worstDifference, difference))
    }
    print("\(reference.model): \(reference.ids.count) sentences, worst cosine \(worstCosine), max abs difference \(worstDifference)")
  }

  @Test func tinyBertMatchesNumpy() throws {
    try expectMatches(model: Self.tinyModel, reference: "tiny-bert.reference.json", tolerance: 1e-5)
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: miniLM),
                 "all-MiniLM-L6-v2 is not in .models/; put the Hugging Face snapshot there to compare it"))
  func miniLMMatchesNumpy() throws {
    try expectMatches(model: Self.miniLM, reference: "minilm-reference.json", tolerance: 1e-5)
  }

  /// Text to ids: Pare's tokenizer on the fixture's tokenizer files gives the reference's ids.
  @Test func tokenizerGivesTheReferenceIds() throws {
    let reference = try Self.reference("tiny-bert.reference.json")
    let tokenizer = try WordPieceTokenizer(modelDirectory: Self.tinyModel)
    #expect(reference.sentences.map { tokenizer.encode($0).map(Int.init) } == reference.ids)
  }

  @Test func tinyBertOpensWithItsSentenceTransformersFiles() throws {
    let config = try family(SentenceEncoder.self, at: Self.tinyModel).config
    #expect(config.hiddenSize == 32 && config.numHiddenLayers == 2 && config.numAttentionHeads == 4)
    #expect(config.intermediateSize == 64 && config.maxPositionEmbeddings == 64 && config.headSize == 8)
    #expect(config.pooling == PoolingConfig(mode: .mean, normalize: true))
    #expect(config.maxSequenceLength == 48)
  }
}
