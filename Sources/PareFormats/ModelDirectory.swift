import Foundation

/// A model opened from disk: a Hugging Face-style directory (`config.json` + weights), a bare
/// `.safetensors` file (no config) or a `.gguf` file (no config: its metadata says what it is). Which family runs it is the registry's business
/// (`ModelFamilies` in PareWorkbench): nothing here reads past `model_type`.
public struct ModelDirectory: Sendable {
  /// The path as given by the user.
  public let path: String
  /// config.json, or nil for a bare weights file.
  public let config: ConfigFile?
  /// The weights, lazily decoded.
  public let weights: WeightStore
  /// The GGUF file, when the model is one (its metadata and ggml types; `weights` reads it).
  public var gguf: GGUFFile? { weights.gguf }

  /// A model's config.json: its bytes and its `model_type`.
  public struct ConfigFile: Sendable {
    /// Where it was read from.
    public let path: String
    /// Its bytes, for the family to decode.
    public let data: Data
    /// Its `model_type`, which selects the family.
    public let modelType: String
  }

  /// The files the model is read from, which no command may write over: the weights (every
  /// shard) and, for a directory, every file directly in it (config.json, the shard index, the
  /// tokenizer's files, ...).
  public var inputFiles: [String] {
    let root = URL(fileURLWithPath: path)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return weights.paths + names.map { root.appendingPathComponent($0).path }
  }

  /// A short display name: the directory or file name.
  public var name: String { URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent }

  /// Opens `path`: the weights (headers validated) and config.json's `model_type`; errors name
  /// the file and the problem.
  public static func open(_ path: String) throws -> ModelDirectory {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ModelError(file: path, "no such file or directory")
    }
    guard isDirectory.boolValue else {
      if path.hasSuffix(".gguf") {
        // A tensor Pare cannot decode still lists: the model opens browse-only.
        return ModelDirectory(path: path, config: nil, weights: WeightStore(gguf: try GGUFFile(path: path)))
      }
      guard path.hasSuffix(".safetensors") else {
        throw ModelError(file: path, "expected a model directory (config.json + model.safetensors), a .safetensors or a .gguf file")
      }
      return ModelDirectory(path: path, config: nil, weights: try WeightStore(file: path))
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
    let configData: Data
    do { configData = try InputFile.contents(of: configPath) } catch {
      throw ModelError(file: configPath, "\(error) (a model directory needs config.json)")
    }
    return ModelDirectory(path: path, config: try configFile(configData, path: configPath), weights: weights)
  }

  private static func configFile(_ data: Data, path: String) throws -> ConfigFile {
    struct ModelType: Decodable { let model_type: String? }
    let modelType: String
    do { modelType = try StrictJSON.decode(ModelType.self, from: data).model_type ?? "" } catch {
      throw ModelError(file: path, error.message)
    }
    guard !modelType.isEmpty else { throw ModelError(file: path, "has no \"model_type\"") }
    return ConfigFile(path: path, data: data, modelType: modelType)
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
