import Foundation
import Testing
@testable import PareCore
@testable import PareFormats
import PareWorkbench

/// Opening `"bert"` model directories: the sentence-transformers files, and one-line errors
/// naming the file and the tensor for everything that does not fit.
struct BertConfigTests {
  /// A scratch copy of the tiny fixture model, removed afterwards.
  struct TinyCopy {
    let directory: URL
    var path: String { directory.path }
    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Rewrites model.safetensors with `edit` applied to its float tensors (position_ids dropped).
    func editWeights(_ edit: (inout [String: Tensor]) throws -> Void) throws {
      let store = try WeightStore(file: file("model.safetensors"))
      var tensors: [String: Tensor] = [:]
      for entry in store.entries where entry.dtype.isFloatingPoint { tensors[entry.name] = try store.tensor(named: entry.name) }
      try edit(&tensors)
      var writer = SafetensorsWriter()
      for (name, tensor) in tensors.sorted(by: { $0.key < $1.key }) { try writer.add(name, tensor) }
      try writer.write(to: file("model.safetensors"))
    }

    /// Rewrites a JSON object file with `edit` applied.
    func editJSON(_ name: String, _ edit: (inout [String: Any]) -> Void) throws {
      var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file(name)))) as? [String: Any] ?? [:]
      edit(&object)
      try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: file(name)))
    }

    func write(_ text: String, to name: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: file(name))) }
  }

  func withTinyCopy(_ body: (TinyCopy) throws -> Void) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pare-bert-\(UUID().uuidString)")
    let copy = TinyCopy(directory: root.appendingPathComponent("tiny-bert"))
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.copyItem(atPath: BertEncoderTests.tinyModel, toPath: copy.path)
    try body(copy)
  }

  /// The message of the ModelError that opening `copy` throws, checking the file it names.
  func openingError(_ copy: TinyCopy, file: String) throws -> String {
    let error = try #require(throws: ModelError.self) { try OpenedModel(path: copy.path) }
    #expect(error.file == copy.file(file))
    return error.message
  }

  @Test func missingTensorIsNamed() throws {
    try withTinyCopy { copy in
      try copy.editWeights { $0["encoder.layer.1.output.dense.bias"] = nil }
      let message = try openingError(copy, file: "config.json")
      #expect(message.hasPrefix("tensor 'encoder.layer.1.output.dense.bias' [32] is missing from the weights"), "\(message)")
    }
  }

  /// A million declared layers cost nothing: the walk stops at the first layer the weights lack.
  @Test func layerCountBeyondTheWeightsIsRefusedAtTheFirstMissingLayer() throws {
    try withTinyCopy { copy in
      try copy.editJSON("config.json") { $0["num_hidden_layers"] = 1_000_000 }
      let message = try openingError(copy, file: "config.json")
      #expect(message.hasPrefix("tensor 'encoder.layer.2.attention.self.query.weight' [32, 32] is missing"), "\(message)")
    }
  }

  /// tokenizer.json as a FIFO with no writer: refused at once, not waited on.
  @Test func tokenizerThatIsNotARegularFileIsRefused() throws {
    try withTinyCopy { copy in
      try FileManager.default.removeItem(atPath: copy.file("tokenizer.json"))
      #expect(mkfifo(copy.file("tokenizer.json"), 0o600) == 0)
      let error = try #require(throws: ModelError.self) { try WordPieceTokenizer(modelDirectory: copy.path) }
      #expect(error == ModelError(file: copy.file("tokenizer.json"), "cannot be read: not a regular file"))
    }
  }

  @Test func wrongShapeIsNamedWithTheExpectedOne() throws {
    try withTinyCopy { copy in
      try copy.editWeights { $0["encoder.layer.0.intermediate.dense.weight"] = Tensor(zeros: [63, 32]) }
      let message = try openingError(copy, file: "model.safetensors")
      #expect(message == "tensor 'encoder.layer.0.intermediate.dense.weight' has shape [63, 32], expected [64, 32] from config.json")
    }
  }

  @Test func prefixedCheckpointGetsAHint() throws {
    try withTinyCopy { copy in
      try copy.editWeights { tensors in tensors = Dictionary(uniqueKeysWithValues: tensors.map { ("bert.\($0.key)", $0.value) }) }
      #expect(try openingError(copy, file: "config.json").contains("they name it 'bert.embeddings.word_embeddings.weight'"))
    }
  }

  @Test(arguments: [
    ("hidden_act", #""relu""#, "at hidden_act: 'relu' is not supported; Pare runs BERT with the exact (erf) GELU, \"gelu\""),
    ("position_embedding_type", #""relative_key""#, "at position_embedding_type: 'relative_key' is not supported"),
    ("num_attention_heads", "5", "hidden_size 32 is not a multiple of num_attention_heads 5"),
    ("intermediate_size", "0", "intermediate_size is 0; it must be positive"),
  ])
  func unsupportedConfigIsRefused(key: String, json: String, message: String) throws {
    let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
    try withTinyCopy { copy in
      try copy.editJSON("config.json") { $0[key] = value }
      let error = try openingError(copy, file: "config.json")
      #expect(error.hasPrefix(message), "\(error)")
    }
  }

  @Test func poolingComesFromTheSentenceTransformersFiles() throws {
    try withTinyCopy { copy in
      func pooling() throws -> (PoolingConfig, Int)? {
        guard let config = (try OpenedModel(path: copy.path).family as? SentenceEncoder)?.config else { return nil }
        return (config.pooling, config.maxSequenceLength)
      }
      try copy.editJSON("1_Pooling/config.json") { $0["pooling_mode_mean_tokens"] = false; $0["pooling_mode_cls_token"] = true }
      #expect(try pooling()?.0 == PoolingConfig(mode: .cls, normalize: true))
      try copy.write(#"[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]"#,
                     to: "modules.json")
      #expect(try pooling()?.0 == PoolingConfig(mode: .cls, normalize: false))
      // Without sentence-transformers files: mean pooling, unnormalised, every position usable.
      try FileManager.default.removeItem(atPath: copy.file("modules.json"))
      try FileManager.default.removeItem(atPath: copy.file("sentence_bert_config.json"))
      #expect(try pooling()?.0 == PoolingConfig())
      #expect(try pooling()?.1 == 64)
    }
  }

  @Test func unsupportedSentenceTransformersSetupsAreRefused() throws {
    try withTinyCopy { copy in
      try copy.editJSON("1_Pooling/config.json") { $0["pooling_mode_max_tokens"] = true }
      #expect(try openingError(copy, file: "1_Pooling/config.json")
        == "enables pooling_mode_mean_tokens, pooling_mode_max_tokens; Pare pools with exactly one mode")
      try copy.editJSON("1_Pooling/config.json") { $0["pooling_mode_max_tokens"] = false; $0["pooling_mode_mean_tokens"] = false }
      #expect(try openingError(copy, file: "1_Pooling/config.json").hasPrefix("enables no pooling mode"))
      try copy.editJSON("1_Pooling/config.json") { $0["pooling_mode_weightedmean_tokens"] = true }
      #expect(try openingError(copy, file: "1_Pooling/config.json")
        == "pooling_mode_weightedmean_tokens is not supported; use mean, cls, max or mean_sqrt_len pooling")
      try copy.editJSON("1_Pooling/config.json") { $0["pooling_mode_weightedmean_tokens"] = false; $0["pooling_mode_mean_tokens"] = true }
      try copy.editJSON("sentence_bert_config.json") { $0["max_seq_length"] = 65 }
      #expect(try openingError(copy, file: "sentence_bert_config.json")
        == "max_seq_length 65 must be between 1 and max_position_embeddings (64)")
      try copy.write(#"[{"path": "", "type": "sentence_transformers.models.Transformer"}, {"path": "2_Dense", "type": "sentence_transformers.models.Dense"}]"#,
                     to: "modules.json")
      #expect(try openingError(copy, file: "modules.json").hasPrefix("module 'sentence_transformers.models.Dense' is not supported"))
    }
  }
}
