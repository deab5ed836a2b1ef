import PareFormats

/// The model families Pare runs: one line each. A model whose `model_type` none of them claims
/// (or a bare weights file) opens browse-only.
public enum ModelFamilies {
  /// Every family, in the order `pare --help` lists them.
  public static let all: [any ModelFamily.Type] = [
    SequentialClassifier.self,
    SentenceEncoder.self,
    DecoderLanguageModel.self,
  ]

  /// The family that runs `model`, its config decoded and validated against the weights; nil
  /// for a model no family runs. Throws when a family claims the model but its config is wrong.
  public static func family(of model: ModelDirectory) throws -> (any ModelFamily)? {
    if let gguf = model.gguf {
      // A tensor Pare cannot decode leaves the model browse-only, whatever its architecture.
      guard let architecture = gguf.architecture, undecodableTensor(of: gguf) == nil,
            let family = all.first(where: { $0.ggufArchitectures.contains(architecture) }) else { return nil }
      return try family.init(model: model, gguf: gguf)
    }
    guard let config = model.config, let family = all.first(where: { $0.modelTypes.contains(config.modelType) }) else {
      return nil
    }
    return try family.init(model: model, config: config)
  }

  /// Why `model` opens browse-only (meaningful when `family(of:)` is nil): one phrase every
  /// message and hint uses.
  public static func browseOnlyReason(of model: ModelDirectory) -> String {
    let supported = all.flatMap { family in family.modelTypes }.map { "\"\($0)\"" }.joined(separator: ", ")
    if let gguf = model.gguf {
      return ggufBrowseOnlyReason(gguf, runnable: all.flatMap { family in family.ggufArchitectures })
        ?? "GGUF architecture \"\(gguf.architecture ?? "")\" runs: not browse only"
    }
    guard let config = model.config else {
      return "a bare .safetensors file has no config.json, so nothing runs it: browse only"
    }
    return "model_type \"\(config.modelType)\" cannot be run yet (Pare runs \(supported)): browse only"
  }
}

extension ModelFamilies {
  /// Why `gguf` opens browse-only when the families run the architectures `runnable`, nil when
  /// it runs: its architecture is not one of them, or a tensor's type cannot be decoded.
  public static func ggufBrowseOnlyReason(_ gguf: GGUFFile, runnable: [String]) -> String? {
    guard let architecture = gguf.architecture else {
      return "GGUF file has no general.architecture, so nothing runs it: browse only"
    }
    if !runnable.contains(architecture) {
      let runs = runnable.map { "\"\($0)\"" }.joined(separator: ", ")
      return "GGUF architecture \"\(architecture)\" cannot be run yet (Pare runs \(runs.isEmpty ? "none yet" : runs)): browse only"
    }
    if let tensor = undecodableTensor(of: gguf) {
      return "\(GGUFError.printable(tensor.name)) is \(tensor.type.name), which Pare cannot decode (it decodes \(GGMLType.decodableList)): browse only"
    }
    return nil
  }

  /// The first tensor of `gguf` whose ggml type Pare cannot decode, or nil.
  static func undecodableTensor(of gguf: GGUFFile) -> GGUFTensorInfo? {
    gguf.tensors.first { !$0.type.isDecodable }
  }
}

/// A model opened with the family that runs it (nil: browse only).
public struct OpenedModel: Sendable {
  /// The files.
  public let directory: ModelDirectory
  /// The family that runs it, or nil.
  public let family: (any ModelFamily)?

  /// Opens `path` and recognises its family; errors name the file and the problem.
  public init(path: String) throws {
    directory = try ModelDirectory.open(path)
    family = try ModelFamilies.family(of: directory)
  }

  /// Why the model opens browse-only, or nil when a family runs it.
  public var browseOnlyReason: String? { family == nil ? ModelFamilies.browseOnlyReason(of: directory) : nil }
}
