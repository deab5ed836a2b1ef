import Foundation
import PareCore
import PareFormats
import Testing

/// A checkpoint split over shard files, with an index whose weight_map can be made to disagree.
private struct ShardedCheckpoint {
  /// Shard file name -> tensor names (each tensor holds [k] as F32, k its position + 1).
  var shards: [String: [String]]
  /// Tensor name -> shard file name, as written into the index.
  var weightMap: [String: String]

  /// Index and shards that agree: `first` holds a.weight and a.bias, `second` holds b.weight.
  static let consistent = ShardedCheckpoint(
    shards: ["model-00001-of-00002.safetensors": ["a.weight", "a.bias"],
             "model-00002-of-00002.safetensors": ["b.weight"]],
    weightMap: ["a.weight": "model-00001-of-00002.safetensors", "a.bias": "model-00001-of-00002.safetensors",
                "b.weight": "model-00002-of-00002.safetensors"])

  /// Writes the shards and the index into `dir`; returns the index's path.
  func write(in dir: TemporaryDirectory) throws -> String {
    for (shard, names) in shards {
      var writer = SafetensorsWriter()
      for (position, name) in names.enumerated() {
        try writer.add(name, Tensor(shape: [1], scalars: [Float(position + 1)]))
      }
      try writer.write(to: dir.path(shard))
    }
    let index = ["metadata": ["total_size": 12], "weight_map": weightMap] as [String: Any]
    return try dir.write(Array(JSONSerialization.data(withJSONObject: index)), to: "model.safetensors.index.json")
  }
}

@Suite struct WeightStoreTests {
  @Test func shardedCheckpointLoadsAsOneStore() throws {
    try withTemporaryDirectory { dir in
      let store = try WeightStore(index: ShardedCheckpoint.consistent.write(in: dir))
      #expect(Set(store.entries.map(\.name)) == ["a.weight", "a.bias", "b.weight"])
      #expect(store.paths.map { URL(fileURLWithPath: $0).lastPathComponent }
        == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
      #expect(store.path(of: "b.weight") == dir.path("model-00002-of-00002.safetensors"))
      #expect(store.entry(named: "a.bias")?.shape == [1])
      #expect(try store.tensor(named: "a.weight").scalars == [1])
      #expect(try store.tensor(named: "a.bias").scalars == [2])
      #expect(try store.tensor(named: "b.weight").scalars == [1])
      #expect(try store.withRawBytes(of: "a.bias") { Array($0) } == Float(2).bitPattern.littleEndianBytes)
      #expect(store.entry(named: "c") == nil)
      #expect(store.path(of: "c") == nil)
      #expect(throws: SafetensorsError.self) { try store.tensor(named: "c") }
    }
  }

  @Test func nameInWeightMapButInNoShard() throws {
    var checkpoint = ShardedCheckpoint.consistent
    checkpoint.weightMap["c.weight"] = "model-00002-of-00002.safetensors"
    try expectIndexRefused(checkpoint, tensor: "c.weight", reason: "listed in weight_map but in no shard")
  }

  @Test func shardTensorMissingFromWeightMap() throws {
    var checkpoint = ShardedCheckpoint.consistent
    checkpoint.weightMap["a.bias"] = nil
    try expectIndexRefused(checkpoint, tensor: "a.bias", reason: "in a shard but not in weight_map")
  }

  @Test func weightMapPointsAtTheWrongShard() throws {
    var checkpoint = ShardedCheckpoint.consistent
    checkpoint.weightMap["a.bias"] = "model-00002-of-00002.safetensors"
    try expectIndexRefused(
      checkpoint, tensor: "a.bias", reason: "weight_map says model-00002-of-00002.safetensors but it is in another shard")
  }

  @Test func sameTensorInTwoShards() throws {
    var checkpoint = ShardedCheckpoint.consistent
    checkpoint.shards["model-00002-of-00002.safetensors"] = ["b.weight", "a.weight"]
    try withTemporaryDirectory { dir in
      let index = try checkpoint.write(in: dir)
      let error = try #require(throws: SafetensorsError.self) { try WeightStore(index: index) }
      let first = dir.path("model-00001-of-00002.safetensors"), second = dir.path("model-00002-of-00002.safetensors")
      #expect(error == SafetensorsError(file: second, tensor: "a.weight", .inTwoShards(other: first)))
      #expect(error.description.hasPrefix("\(second): tensor 'a.weight'") && error.description.contains(first))
    }
  }

  @Test(arguments: ["sub/model.safetensors", "../model.safetensors", ".hidden.safetensors"])
  func shardOutsideTheDirectory(_ shard: String) throws {
    var checkpoint = ShardedCheckpoint.consistent
    checkpoint.weightMap["b.weight"] = shard
    try withTemporaryDirectory { dir in
      let index = try checkpoint.write(in: dir)
      let error = try #require(throws: SafetensorsError.self) { try WeightStore(index: index) }
      #expect(error == SafetensorsError(file: index, .badIndex("shard '\(shard)' must be a file name in the same directory")))
      #expect(error.description.hasPrefix(index + ": "))
    }
  }

  @Test func missingShardFile() throws {
    var checkpoint = ShardedCheckpoint.consistent
    checkpoint.shards["model-00002-of-00002.safetensors"] = nil
    try withTemporaryDirectory { dir in
      let index = try checkpoint.write(in: dir)
      let error = try #require(throws: SafetensorsError.self) { try WeightStore(index: index) }
      #expect(error.file == dir.path("model-00002-of-00002.safetensors"))
      guard case .unreadable = error.problem else {
        Issue.record("expected .unreadable, got \(error.problem)")
        return
      }
    }
  }

  @Test(arguments: ["not json", #"{"weights": {}}"#, #"{"weight_map": {"a": 1}}"#, "[]"])
  func indexWithoutAWeightMap(_ text: String) throws {
    try withTemporaryDirectory { dir in
      let index = try dir.write(text, to: "model.safetensors.index.json")
      let error = try #require(throws: SafetensorsError.self) { try WeightStore(index: index) }
      guard case .badIndex = error.problem else {
        Issue.record("expected .badIndex, got \(error.problem)")
        return
      }
      #expect(error.file == index)
      #expect(error.description.hasPrefix(index + ": bad sharded-checkpoint index"))
    }
  }

  /// Writes `checkpoint` and expects the index to be refused for `tensor` with `reason`.
  private func expectIndexRefused(_ checkpoint: ShardedCheckpoint, tensor: String, reason: String) throws {
    try withTemporaryDirectory { dir in
      let index = try checkpoint.write(in: dir)
      let error = try #require(throws: SafetensorsError.self) { try WeightStore(index: index) }
      #expect(error == SafetensorsError(file: index, tensor: tensor, .badIndex(reason)))
      #expect(error.description.hasPrefix("\(index): tensor '\(tensor)'"), "\(error)")
    }
  }
}

extension FixedWidthInteger {
  /// The value's bytes, least significant first.
  fileprivate var littleEndianBytes: [UInt8] { withUnsafeBytes(of: littleEndian) { Array($0) } }
}
