import Benchmark
import Foundation
import PareCompression
import PareEngine
import PareFormats
import PareWorkbench

let miniLM = repositoryRoot.appendingPathComponent(".models/all-MiniLM-L6-v2").path

/// all-MiniLM-L6-v2 and the token ids of `count` sentences: those `scripts/reference_embeddings.py
/// --bench` embeds (assets/data/sentences.txt, else the fixture sentences, repeated to `count`),
/// so the two timings compare Pare with numpy on the same work.
struct SentenceEncodingFixture {
  let encoder: BertEncoder
  let sentences: [[Int]]

  init(count: Int) throws {
    guard let family = try OpenedModel(path: miniLM).family as? SentenceEncoder else { throw BenchmarkSetupError(path: miniLM) }
    encoder = try family.encoder()
    let text = repositoryRoot.appendingPathComponent("assets/data/sentences.txt")
    let pool: [[Int]]
    if let contents = try? String(contentsOf: text, encoding: .utf8) {
      let tokenizer = try WordPieceTokenizer(modelDirectory: miniLM)
      pool = contents.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
        .map { tokenizer.encode(String($0)).map(Int.init) }
    } else {
      struct Reference: Decodable { let ids: [[Int]] }
      let fixture = repositoryRoot.appendingPathComponent("Tests/PareEngineTests/Fixtures/minilm-reference.json")
      pool = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture)).ids
    }
    sentences = (0..<count).map { pool[$0 % pool.count] }
  }
}

/// Sentence-encoder benchmarks; registered only when .models/all-MiniLM-L6-v2 is present.
func bertBenchmarks() {
  guard FileManager.default.fileExists(atPath: miniLM) else { return }
  Benchmark("embed 256 sentences (all-MiniLM-L6-v2)",
            configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 20)) { benchmark, fixture in
    var noCache: BertEncoder.Cache?
    blackHole(try fixture.encoder.outputs(for: fixture.sentences, cache: &noCache))
  } setup: {
    try SentenceEncodingFixture(count: 256)
  }

  // What the explorer does before showing the table: open the directory (config, pooling,
  // tokenizer files checked, every tensor validated against config.json) and list the tensors.
  Benchmark("open all-MiniLM-L6-v2 and list its tensors",
            configuration: .init(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 50)) { benchmark in
    let model = try ModelDirectory.open(miniLM)
    blackHole(model.weights.entries.map { ($0.name, $0.shape, $0.dtype) })
  }

  // From one tensor edit to the new fidelity on the explorer's 64 sentences, through the
  // Session API with the real evaluator: encoder.layer.0's feed-forward input projection
  // (the pass restarts at encoder layer 0, so five and a half of six layers run again).
  Benchmark("edit encoder.layer.0 FFN weight -> new fidelity (all-MiniLM-L6-v2, 64 sentences)",
            configuration: .init(metrics: [.wallClock], maxDuration: .seconds(20), maxIterations: 10)) { benchmark in
    let sentences = repositoryRoot.appendingPathComponent("assets/data/sentences.txt").path
    let (model, evaluator, compression) = try familyEvaluator(miniLM, data: EvaluationData(path: sentences, limit: 64))
    let session = try Session(model: model, evaluator: evaluator, compression: compression)
    try timeEdit(benchmark, session: session, tensor: "encoder.layer.0.intermediate.dense.weight",
                 spec: CompressionSpec(quantize: QuantizeSpec(bits: 4)))
  }
}
