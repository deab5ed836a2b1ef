import Foundation
import Testing
@testable import PareCore
@testable import PareEngine
@testable import PareFormats

/// The tiny random decoders of scripts/make_decoder_fixtures.py: checkpoints as transformers
/// saves them, 64 token ids and the numpy reference's logits.
enum DecoderFixture {
  static let directory = repositoryRoot.appendingPathComponent("Tests/PareEngineTests/Fixtures/decoders")
  static let names = ["llama", "llama3-tied", "mistral-sharded", "qwen2", "qwen3", "gemma3"]

  static func path(_ name: String, _ file: String = "") -> String {
    directory.appendingPathComponent(name).appendingPathComponent(file).path
  }

  static func weights(_ name: String) throws -> WeightStore {
    let index = path(name, "model.safetensors.index.json")
    return FileManager.default.fileExists(atPath: index) ? try WeightStore(index: index) : try WeightStore(file: path(name, "model.safetensors"))
  }

  static func configData(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(name, "config.json"))) }

  static func config(_ name: String) throws -> DecoderConfig {
    try DecoderConfig.load(configData: configData(name), file: path(name, "config.json"), weights: weights(name))
  }

  static func network(_ name: String) throws -> DecoderNetwork {
    try DecoderNetwork(config: config(name), weights: weights(name))
  }

  static func ids(_ name: String) throws -> [Int32] {
    try JSONDecoder().decode([Int32].self, from: Data(contentsOf: URL(fileURLWithPath: path(name, "ids.json"))))
  }

  static func expectedLogits(_ name: String) throws -> Tensor {
    try WeightStore(file: path(name, "expected.safetensors")).tensor(named: "logits")
  }

  /// config.json of `name` with `change` applied to its JSON object.
  static func editedConfig(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> Data {
    var object = try #require(try JSONSerialization.jsonObject(with: configData(name)) as? [String: Any])
    change(&object)
    return try JSONSerialization.data(withJSONObject: object)
  }
}

/// max |a − b| / max |b|: logits are compared relative to their scale, not element by element
/// (an element near 0 has no meaningful relative error).
func relativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
  let scale = b.scalars.map(abs).max() ?? 1
  return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max().map { $0 / max(scale, .leastNormalMagnitude) } ?? 0
}

/// The same shape and the same bits: score rows hold NaN (the target of a window's last
/// position), which `==` on Float never equals.
func sameBits(_ a: Tensor, _ b: Tensor) -> Bool {
  a.shape == b.shape && a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern)
}

/// `isClose` with NaN equal to NaN.
func isCloseOrBothNaN(_ a: Tensor, _ b: Tensor, tolerance: Float) -> Bool {
  a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { ($0.isNaN && $1.isNaN) || abs($0 - $1) <= tolerance * max(1, abs($1)) }
}
