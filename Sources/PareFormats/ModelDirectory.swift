import Foundation

/// A model opened from disk: a Hugging Face-style directory (`config.json` + weights) or a bare
/// `.safetensors` file (browse-only: no architecture).
public struct ModelDirectory: Sendable {
  /// The path as given by the user.
  public let path: String
  /// The architecture from config.json, or nil for a bare weights file.
  public let architecture: Architecture?
  /// The weights, lazily decoded.
  public let weights: WeightStore

  /// What config.json's `model_type` selects.
  public enum Architecture: Sendable {
    /// Pare's own chain of layers, with the input shape entering each layer and the output
    /// shape last (validated against the weights on open).
    case sequential(SequentialConfig, activationShapes: [[Int]])
    /// A BERT-family sentence encoder (Hugging Face `BertModel` tensor names), with its pooling;
    /// every tensor was checked against the weights on open.
    case bert(BertConfig)
    /// A model type Pare can browse but not run.
    case unsupported(modelType: String)
  }

  /// A short display name: the directory or file name.
  public var name: String { URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent }

  /// Opens `path` and validates config against weights; errors name the file and the problem.
  public static func open(_ path: String) throws -> ModelDirectory {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ModelError(file: path, "no such file or directory")
    }
    guard isDirectory.boolValue else {
      guard path.hasSuffix(".safetensors") else {
        throw ModelError(file: path, "expected a model directory (config.json + model.safetensors) or a .safetensors file")
      }
      return ModelDirectory(path: path, architecture: nil, weights: try WeightStore(file: path))
    }
    let directory = URL(fileURLWithPath: path)
    let single = directory.appendingPathComponent("model.safetensors").path
    let index = directory.appendingPathComponent("model.safetensors.index.json").path
    let weights: WeightStore
    if FileManager.default.fileExists(atPath: single) {
      weights = try WeightStore(file: single)
    } else if FileManager.default.fileExists(atPath: index) {
      weights = try WeightStore(index: index)
    } else {
      throw ModelError(file: path, "no model.safetensors or model.safetensors.index.json in this directory")
    }
    let configPath = directory.appendingPathComponent("config.json").path
    guard let configData = FileManager.default.contents(atPath: configPath) else {
      throw ModelError(file: configPath, "missing or unreadable (a model directory needs config.json)")
    }
    return ModelDirectory(
      path: path, architecture: try architecture(from: configData, file: configPath, weights: weights), weights: weights)
  }

  private static func architecture(from data: Data, file: String, weights: WeightStore) throws -> Architecture {
    struct ModelType: Decodable { let model_type: String? }
    let decoder = JSONDecoder()
    let modelType: String
    do {
      modelType = try decoder.decode(ModelType.self, from: data).model_type ?? ""
    } catch {
      throw ModelError(file: file, "not a JSON object (\(DecodingError.summary(error)))")
    }
    switch modelType {
    case "sequential":
      let config: SequentialConfig
      do { config = try decoder.decode(SequentialConfig.self, from: data) } catch {
        throw ModelError(file: file, DecodingError.summary(error))
      }
      return .sequential(config, activationShapes: try config.activationShapes(weights: weights, file: file))
    case "bert":
      return .bert(try BertConfig.load(configData: data, file: file, weights: weights))
    case "":
      throw ModelError(file: file, "has no \"model_type\"")
    default:
      return .unsupported(modelType: modelType)
    }
  }
}

extension DecodingError {
  /// One line saying where in the JSON decoding failed and why, without Foundation's boilerplate.
  public static func summary(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: Context) -> String {
      let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      return keys.isEmpty ? "" : "at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys): "
    }
    switch error {
    case let .keyNotFound(key, context): return "\(path(context))missing key \"\(key.stringValue)\""
    case let .typeMismatch(type, context): return "\(path(context))expected \(type)"
    case let .valueNotFound(type, context): return "\(path(context))expected \(type), found null"
    case let .dataCorrupted(context):
      let detail = context.underlyingError.map { "\($0)" } ?? context.debugDescription
      return "\(path(context))\(detail.split(separator: "\n").first.map(String.init) ?? "malformed JSON")"
    @unknown default: return "\(error)"
    }
  }
}
