import PareCompression
import PareCore
import PareEngine
import PareFormats

/// Everything about one family of models (DESIGN.md §3): how it is recognised, its config
/// decoded and validated against the weights, its network built, what data it is measured on
/// and how, and what `pare forward` writes. A family is one type plus one line in
/// `ModelFamilies.all`; nothing else switches on the family.
public protocol ModelFamily: Sendable {
  /// config.json `model_type` values this family runs.
  static var modelTypes: [String] { get }
  /// What its models are called in messages ("a classifier").
  static var description: String { get }
  /// The data its models are measured on, with its CLI options and defaults.
  static var data: EvaluationDataKind { get }
  /// The metric its evaluator reports.
  static var metric: MetricKind { get }
  /// The tensor `pare forward` writes ("logits").
  static var forwardOutput: String { get }

  /// GGUF `general.architecture` values this family runs ("llama"); none by default.
  static var ggufArchitectures: [String] { get }

  /// Decodes `model`'s config.json and validates it against the weights.
  init(model: ModelDirectory, config: ModelDirectory.ConfigFile) throws

  /// Reads a GGUF model's hyperparameters from its metadata and validates them against the
  /// weights (only called for a family listing the file's architecture).
  init(model: ModelDirectory, gguf: GGUFFile) throws

  /// An evaluator measuring plans on `data`; its baseline pass runs now. `cachesActivations`
  /// false skips the activation cache, for a single measurement.
  func evaluator(on data: EvaluationData, compression: CompressionCache, cachesActivations: Bool) throws
    -> any LayerOrderedEvaluator

  /// The outputs `pare forward` writes for the inputs in the file at `input`, from the network
  /// with `replacements` (a plan's compressed tensors).
  func forward(input: String, replacements: [String: TensorReplacement]) throws -> Tensor

  /// What `pare eval` prints of `metric`, measured against `baseline` (`comparing` false: no plan
  /// was given, and `metric` is the baseline's).
  func reportLines(_ metric: PlanMetric, baseline: PlanMetric, comparing: Bool) -> [String]
}

/// The data a family's models are measured on, and the CLI options that name it.
public struct EvaluationDataKind: Sendable {
  /// The option naming the file, without dashes ("data", "text").
  public let option: String
  /// What the file holds ("safetensors with 'images' and 'labels'").
  public let contents: String
  /// What one measured item is called ("samples", "sentences").
  public let items: String
  /// An option measuring only the first N items, without dashes ("sentences"), if the kind has one.
  public let limitOption: String?
  /// How many items the explorer, sensitivity and search measure unless the limit option says
  /// otherwise (nil: all).
  public let interactiveLimit: Int?
  /// The bundled data measured when none is named.
  public let bundledDefault: BundledData
  /// An option setting how many tokens each item holds, without dashes ("ctx": a language
  /// model's window), if the kind has one, and its default.
  public let lengthOption: (name: String, defaultValue: Int)?

  /// Bundled data a kind falls back to.
  public enum BundledData: Sendable {
    /// The bundled MNIST test set, for the bundled models only.
    case testSetOfBundledModels
    /// The bundled sentences.
    case sentences
  }

  public init(option: String, contents: String, items: String, limitOption: String? = nil, interactiveLimit: Int? = nil,
              lengthOption: (name: String, defaultValue: Int)? = nil, bundledDefault: BundledData) {
    (self.option, self.contents, self.items, self.bundledDefault) = (option, contents, items, bundledDefault)
    (self.limitOption, self.interactiveLimit, self.lengthOption) = (limitOption, interactiveLimit, lengthOption)
  }

  /// "--data FILE (safetensors with 'images' and 'labels')".
  public var usage: String { "--\(option) FILE (\(contents))" }
}

/// The evaluation data a family measures on: the file, how many of its items, and how long each
/// item is where the kind cuts its data into items itself (a language model's windows).
public struct EvaluationData: Sendable {
  /// The data file.
  public let path: String
  /// Measure only the first `limit` items (nil: all).
  public let limit: Int?
  /// Tokens per item (nil: the kind's default).
  public let itemLength: Int?

  public init(path: String, limit: Int? = nil, itemLength: Int? = nil) {
    (self.path, self.limit, self.itemLength) = (path, limit, itemLength)
  }
}

extension ModelFamily {
  public static var ggufArchitectures: [String] { [] }

  /// A family that claims no GGUF architecture is never asked to open one.
  public init(model: ModelDirectory, gguf: GGUFFile) throws {
    throw ModelError(file: gguf.path, "\(Self.description) cannot be read from a GGUF file")
  }

  /// Reads a tensor from `weights` by name, nil when there is none: where a network rebuilt with
  /// replacements finds its other tensors.
  static func original(_ weights: WeightStore) -> (String) throws -> Tensor? {
    { name in weights.entry(named: name) == nil ? nil : try weights.tensor(named: name) }
  }
}
