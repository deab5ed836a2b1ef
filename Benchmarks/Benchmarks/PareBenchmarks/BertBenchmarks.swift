import Benchmark
import Foundation
import PareEngine
import PareFormats

let miniLM = repositoryRoot.appendingPathComponent(".models/all-MiniLM-L6-v2").path

/// all-MiniLM-L6-v2 and 256 token-id sequences: the fixture sentences of
/// scripts/reference_embeddings.py repeated, which its `--bench 256` embeds when there is no
/// assets/data/sentences.txt (compare the two for Pare's speed against numpy).
struct SentenceEncodingFixture {
  let encoder: BertEncoder
  let sentences: [[Int]]

  init(count: Int) throws {
    struct Reference: Decodable { let ids: [[Int]] }
    let fixture = repositoryRoot.appendingPathComponent("Tests/PareEngineTests/Fixtures/minilm-reference.json")
    let ids = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture)).ids
    encoder = try BertEncoder(model: ModelDirectory.open(miniLM))
    sentences = (0..<count).map { ids[$0 % ids.count] }
  }
}

/// Sentence-encoder benchmarks; registered only when .models/all-MiniLM-L6-v2 is present.
func bertBenchmarks() {
  guard FileManager.default.fileExists(atPath: miniLM) else { return }
  Benchmark("embed 256 sentences (all-MiniLM-L6-v2)",
            configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 20)) { benchmark, fixture in
    var noCache: BertActivationCache?
    blackHole(try fixture.encoder.outputs(for: fixture.sentences, cache: &noCache))
  } setup: {
    try SentenceEncodingFixture(count: 256)
  }
}
