import Foundation
import PareCore
import PareFormats
import PareWorkbench
import Testing

/// flatten, linear 4->3, relu, linear 3->2 over a [2, 2] input.
private let tinyConfig = """
  {"model_type": "sequential", "task": "classification", "input_shape": [2, 2], "labels": ["yes", "no"],
   "layers": [{"type": "flatten"}, {"type": "linear", "name": "fc1"}, {"type": "relu"}, {"type": "linear", "name": "fc2"}]}
  """

/// The tensors `tinyConfig` needs, with their shapes.
private let tinyWeights: [String: [Int]] = ["fc1.weight": [3, 4], "fc1.bias": [3], "fc2.weight": [2, 3], "fc2.bias": [2]]

/// Writes `config` (unless nil) and F32 tensors of `weights` (unless nil) as a model directory
/// `model` inside `dir`; returns the directory's path.
private func writeModel(
  in dir: TemporaryDirectory, config: String? = tinyConfig, weights: [String: [Int]]? = tinyWeights
) throws -> String {
  let model = dir.path("model")
  try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
  if let config { try dir.write(config, to: "model/config.json") }
  if let weights { try writeWeights(weights, to: dir.path("model/model.safetensors")) }
  return model
}

/// Writes F32 tensors of the given shapes (filled with 0.5) to `path`.
private func writeWeights(_ shapes: [String: [Int]], to path: String) throws {
  var writer = SafetensorsWriter()
  for (name, shape) in shapes.sorted(by: { $0.key < $1.key }) {
    try writer.add(name, Tensor(shape: shape, scalars: [Float](repeating: 0.5, count: Tensor.elementCount(shape))))
  }
  try writer.write(to: path)
}

@Suite struct ModelDirectoryTests {
  @Test func sequentialDirectoryOpensWithActivationShapes() throws {
    try withTemporaryDirectory { dir in
      let opened = try OpenedModel(path: writeModel(in: dir))
      #expect(opened.directory.name == "model")
      #expect(Set(opened.directory.weights.entries.map(\.name)) == Set(tinyWeights.keys))
      let family = try #require(opened.family as? SequentialClassifier)
      let (config, shapes) = (family.config, family.activationShapes)
      #expect(config.inputShape == [2, 2])
      #expect(config.labels == ["yes", "no"])
      #expect(config.layers.map(\.kind) == [.flatten, .linear, .relu, .linear])
      #expect(config.layers.map(\.name) == [nil, "fc1", nil, "fc2"])
      #expect(shapes == [[2, 2], [4], [3], [3], [2]])
    }
  }

  @Test func shardedDirectoryOpens() throws {
    try withTemporaryDirectory { dir in
      let model = try writeModel(in: dir, weights: nil)
      try writeWeights(["fc1.weight": [3, 4], "fc1.bias": [3]], to: dir.path("model/a.safetensors"))
      try writeWeights(["fc2.weight": [2, 3], "fc2.bias": [2]], to: dir.path("model/b.safetensors"))
      try dir.write(
        #"{"weight_map": {"fc1.weight": "a.safetensors", "fc1.bias": "a.safetensors", "fc2.weight": "b.safetensors", "fc2.bias": "b.safetensors"}}"#,
        to: "model/model.safetensors.index.json")
      let opened = try OpenedModel(path: model)
      #expect(opened.directory.weights.paths.count == 2)
      let shapes = try #require(opened.family as? SequentialClassifier).activationShapes
      #expect(shapes.last == [2])
    }
  }

  @Test func configNamingAMissingTensor() throws {
    try withTemporaryDirectory { dir in
      var weights = tinyWeights
      weights["fc2.weight"] = nil
      let model = try writeModel(in: dir, weights: weights)
      let error = try #require(throws: ModelError.self) { try OpenedModel(path: model) }
      #expect(error.file == dir.path("model/config.json"))
      #expect(error.message.contains("tensor 'fc2.weight' is missing from the weights"), "\(error)")
      #expect(error.description.hasPrefix(error.file))
    }
  }

  @Test(arguments: [
    ("fc2.weight", [2, 4], "tensor 'fc2.weight' has shape [2, 4], expected [out, 3]"),
    ("fc1.weight", [3, 4, 1], "tensor 'fc1.weight' has shape [3, 4, 1], expected [out, 4]"),
    ("fc1.bias", [4], "tensor 'fc1.bias' has shape [4], expected [3]"),
  ])
  func wrongWeightShape(_ tensor: String, _ shape: [Int], _ message: String) throws {
    try withTemporaryDirectory { dir in
      var weights = tinyWeights
      weights[tensor] = shape
      let model = try writeModel(in: dir, weights: weights)
      let error = try #require(throws: ModelError.self) { try OpenedModel(path: model) }
      #expect(error.file == dir.path("model/config.json"))
      #expect(error.message.contains(message), "\(error)")
    }
  }

  /// Declared extents whose sizes would overflow (or could never be evaluated) are refused
  /// naming the key or the layer, before anything is computed or allocated from them.
  @Test(arguments: [
    ([#""input_shape": [2, 2]"#: #""input_shape": [4294967296, 4294967296, 4294967296]"#], "input_shape [4294967296"),
    ([#""input_shape": [2, 2]"#: #""input_shape": [1, 2, 2]"#,
      #"{"type": "flatten"}, {"type": "linear", "name": "fc1"}"#: #"{"type": "conv2d", "name": "c", "padding": 1073741825}"#],
     "padding between 0 and"),
  ])
  func declaredExtentsAreBounded(_ replacements: [String: String], _ message: String) throws {
    try withTemporaryDirectory { dir in
      let config = replacements.reduce(tinyConfig) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
      let model = try writeModel(in: dir, config: config, weights: tinyWeights.merging(["c.weight": [1, 1, 1, 1]]) { $1 })
      let error = try #require(throws: ModelError.self) { try OpenedModel(path: model) }
      #expect(error.file == dir.path("model/config.json"))
      #expect(error.message.contains(message), "\(error)")
    }
  }

  /// A FIFO (no writer: `open` would wait forever) or a directory in place of an input file is
  /// refused at once as "not a regular file".
  @Test(arguments: ["model/config.json", "model/model.safetensors"])
  func nonRegularInputsAreRefused(_ replaced: String) throws {
    try withTemporaryDirectory { dir in
      let model = try writeModel(in: dir)
      try FileManager.default.removeItem(atPath: dir.path(replaced))
      #expect(mkfifo(dir.path(replaced), 0o600) == 0)
      let error = try #require(throws: (any Error).self) { try OpenedModel(path: model) }
      #expect("\(error)".hasPrefix(dir.path(replaced)), "\(error)")
      #expect("\(error)".contains("not a regular file"), "\(error)")
    }
  }

  @Test func unknownLayerType() throws {
    try withTemporaryDirectory { dir in
      let config = tinyConfig.replacingOccurrences(of: #"{"type": "relu"}"#, with: #"{"type": "conv3d"}"#)
      let model = try writeModel(in: dir, config: config)
      let error = try #require(throws: ModelError.self) { try OpenedModel(path: model) }
      #expect(error.file == dir.path("model/config.json"))
      #expect(error.message.contains("unknown layer type 'conv3d'"), "\(error)")
    }
  }

  @Test func missingConfig() throws {
    try withTemporaryDirectory { dir in
      let model = try writeModel(in: dir, config: nil)
      let error = try #require(throws: ModelError.self) { try OpenedModel(path: model) }
      #expect(error.file == dir.path("model/config.json"))
      #expect(error.message.contains("needs config.json"))
    }
  }

  @Test(arguments: [
    ("{}", #"has no "model_type""#),
    (#"{"model_type": 3}"#, "model_type"),
    ("not json", "invalid JSON value 'not'"),
    (#"{"model_type": "sequential", "model_type": "bert"}"#, #"key "model_type" appears twice"#),
    (#"{"model_type": "sequential", "layers": [{"type": "linear", "stride": NaN}]}"#, "at layers[0].stride: invalid JSON value 'NaN'"),
  ])
  func configWithoutAModelType(_ config: String, _ message: String) throws {
    try withTemporaryDirectory { dir in
      let model = try writeModel(in: dir, config: config)
      let error = try #require(throws: ModelError.self) { try OpenedModel(path: model) }
      #expect(error.file == dir.path("model/config.json"))
      #expect(error.message.contains(message), "\(error)")
    }
  }

  @Test func noWeightsFile() throws {
    try withTemporaryDirectory { dir in
      let model = try writeModel(in: dir, weights: nil)
      let error = try #require(throws: ModelError.self) { try OpenedModel(path: model) }
      #expect(error == ModelError(file: model, "no model.safetensors or model.safetensors.index.json in this directory"))
    }
  }

  @Test func bareSafetensorsFileOpensBrowseOnly() throws {
    try withTemporaryDirectory { dir in
      let path = dir.path("weights.safetensors")
      try writeWeights(tinyWeights, to: path)
      let opened = try ModelDirectory.open(path)
      #expect(opened.config == nil)
      #expect(try OpenedModel(path: path).family == nil)
      #expect(opened.name == "weights.safetensors")
      #expect(opened.weights.entries.count == tinyWeights.count)
      #expect(try opened.weights.tensor(named: "fc2.bias").scalars == [0.5, 0.5])
    }
  }

  @Test func otherFilesAndMissingPathsAreRefused() throws {
    try withTemporaryDirectory { dir in
      let text = try dir.write("hello", to: "notes.txt")
      #expect(throws: ModelError.self) { try ModelDirectory.open(text) }
      let absent = dir.path("absent")
      #expect(throws: ModelError(file: absent, "no such file or directory")) { try ModelDirectory.open(absent) }
    }
  }

  @Test func unsupportedModelTypeOpensAsUnsupported() throws {
    try withTemporaryDirectory { dir in
      let model = try writeModel(in: dir, config: #"{"model_type": "gpt2", "n_layer": 12}"#)
      let opened = try ModelDirectory.open(model)
      #expect(opened.config?.modelType == "gpt2")
      #expect(try OpenedModel(path: model).family == nil)
      #expect(opened.weights.entries.count == tinyWeights.count)
    }
  }

  @Test func brokenWeightsFileIsReportedAsSuch() throws {
    try withTemporaryDirectory { dir in
      let model = try writeModel(in: dir, weights: nil)
      try dir.write([1, 2, 3], to: "model/model.safetensors")
      let error = try #require(throws: SafetensorsError.self) { try OpenedModel(path: model) }
      #expect(error == SafetensorsError(file: dir.path("model/model.safetensors"), .truncated(fileSize: 3)))
    }
  }
}
