import Foundation

/// How a sentence encoder turns its token states into one embedding: sentence-transformers'
/// `Pooling` module, and whether a `Normalize` module follows it.
public struct PoolingConfig: Sendable, Equatable {
  /// The pooling modes Pare runs (sentence-transformers' `pooling_mode_*_tokens` flags).
  public enum Mode: String, Sendable, CaseIterable {
    /// The average of the sequence's token states (`pooling_mode_mean_tokens`).
    case mean
    /// The state of the first token, [CLS] (`pooling_mode_cls_token`).
    case cls
    /// The element-wise maximum over the tokens (`pooling_mode_max_tokens`).
    case max
    /// The sum of the token states divided by √length (`pooling_mode_mean_sqrt_len_tokens`).
    case meanSqrtLength = "mean_sqrt_len"
  }

  /// The pooling mode.
  public var mode: Mode
  /// Whether the pooled vector is scaled to unit L2 norm.
  public var normalize: Bool

  /// A pooling; the default (mean, no normalisation) is what a BERT directory without
  /// sentence-transformers files gets.
  public init(mode: Mode = .mean, normalize: Bool = false) {
    self.mode = mode
    self.normalize = normalize
  }

  /// Reads `modules.json` in `directory` and the config of its Pooling module; without a
  /// modules.json, mean pooling without normalisation. Errors name the file and what to change.
  public static func load(directory: URL, hiddenSize: Int) throws(ModelError) -> PoolingConfig {
    let modulesPath = directory.appendingPathComponent("modules.json").path
    guard FileManager.default.fileExists(atPath: modulesPath) else { return PoolingConfig() }
    struct Module: Decodable { let path: String?, type: String }
    let modules: [Module] = try decodeJSONFile(modulesPath)
    var pooling: PoolingConfig?
    var normalize = false
    for module in modules {
      switch module.type.split(separator: ".").last.map(String.init) ?? "" {
      case "Transformer": continue
      case "Normalize": normalize = true
      case "Pooling":
        let path = directory.appendingPathComponent(module.path ?? "").appendingPathComponent("config.json").path
        pooling = try poolingModule(path, hiddenSize: hiddenSize)
      default:
        throw ModelError(file: modulesPath, "module '\(module.type)' is not supported; Pare runs sentence encoders made of Transformer, Pooling and Normalize modules")
      }
    }
    guard var pooling else {
      throw ModelError(file: modulesPath, "lists no sentence_transformers.models.Pooling module; add one, or remove modules.json for mean pooling")
    }
    pooling.normalize = normalize
    return pooling
  }

  /// The mode of a Pooling module's config.json: exactly one supported mode must be enabled.
  private static func poolingModule(_ path: String, hiddenSize: Int) throws(ModelError) -> PoolingConfig {
    let flags: [String: JSONValue] = try decodeJSONFile(path)
    if case let .int(width)? = flags["word_embedding_dimension"], width != hiddenSize {
      throw ModelError(file: path, "word_embedding_dimension is \(width) but the model's hidden_size is \(hiddenSize)")
    }
    let keys: [(String, Mode?)] = [
      ("pooling_mode_mean_tokens", .mean), ("pooling_mode_cls_token", .cls), ("pooling_mode_max_tokens", .max),
      ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLength), ("pooling_mode_weightedmean_tokens", nil),
      ("pooling_mode_lasttoken", nil),
    ]
    let enabled = keys.filter { flags[$0.0] == .bool(true) }
    guard enabled.count == 1, let mode = enabled[0].1 else {
      let names = enabled.map(\.0).joined(separator: ", ")
      throw ModelError(file: path, enabled.isEmpty
        ? "enables no pooling mode; set one of pooling_mode_mean_tokens, pooling_mode_cls_token, pooling_mode_max_tokens, pooling_mode_mean_sqrt_len_tokens"
        : enabled.count > 1 ? "enables \(names); Pare pools with exactly one mode"
        : "\(names) is not supported; use mean, cls, max or mean_sqrt_len pooling")
    }
    return PoolingConfig(mode: mode)
  }
}

/// `path` decoded as JSON into `T`, with a one-line error naming the file.
func decodeJSONFile<T: Decodable>(_ path: String) throws(ModelError) -> T {
  let data: Data
  do { data = try InputFile.contents(of: path) } catch { throw ModelError(file: path, "cannot be read: \(error)") }
  do { return try StrictJSON.decode(T.self, from: data) } catch { throw ModelError(file: path, error.message) }
}
