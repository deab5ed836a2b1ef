import PareFormats
import PareWorkbench

/// What the `a` search aims at: a compression ratio of the whole model, or (a language model)
/// the exact size of llama.cpp's mix of a file type, as `pare search --target-ratio` and `--like`
/// do. The mix is then measured as a plan too, and seeds the search.
public enum SearchTarget: Sendable, Equatable {
  /// original size / ratio.
  case ratio(Double)
  /// The size of `llama-quantize`'s mix of this file type for the model.
  case llamaMix(LlamaQuantMix.FileType)

  /// How messages name it: "8x", "Q4_K_M".
  public var name: String {
    switch self {
    case let .ratio(ratio): Format.trimmed(ratio) + "x"
    case let .llamaMix(fileType): fileType.displayName
    }
  }

  /// The file type of a llama.cpp mix's target; nil for a ratio.
  var llamaMixFileType: LlamaQuantMix.FileType? {
    if case let .llamaMix(fileType) = self { fileType } else { nil }
  }

  /// As the `a` prompt proposes it again: "8", "q4_k_m".
  var typed: String {
    switch self {
    case let .ratio(ratio): Format.trimmed(ratio)
    case let .llamaMix(fileType): fileType.rawValue
    }
  }

  /// The target typed at the `a` prompt: a ratio ("8", "9.5", "8x") above 1, or a llama.cpp
  /// file type in any case ("q4_k_m", "Q5_K_M") where `llamaMixRefusal` is nil (a language model
  /// whose mixes Pare reproduces). Otherwise the one-line reason the text is refused.
  static func parse(_ text: String, llamaMixRefusal: String?) -> Result<SearchTarget, TargetError> {
    let number = text.hasSuffix("x") || text.hasSuffix("X") ? String(text.dropLast()) : text
    if let ratio = Double(number) {
      guard ratio.isFinite, ratio > 1 else { return .failure(TargetError(notARatio: text)) }
      return .success(.ratio(ratio))
    }
    guard let fileType = try? LlamaQuantMix.FileType(parsing: text) else {
      guard llamaMixRefusal == nil else { return .failure(TargetError(notARatio: text)) }
      return .failure(TargetError(message: "'\(text)' is neither a ratio nor a llama.cpp file type: type a number "
        + "above 1 (8: an eighth of the size) or one of \(LlamaQuantMix.FileType.list)"))
    }
    if let why = llamaMixRefusal { return .failure(TargetError(refusing: text, why: why)) }
    return .success(.llamaMix(fileType))
  }
}

/// Why the text typed at the `a` prompt is no target, in one line.
struct TargetError: Error, Equatable, CustomStringConvertible {
  let message: String
  var description: String { message }

  init(message: String) { self.message = message }

  /// A llama.cpp file type on a model whose mixes Pare does not reproduce, `why` saying why.
  init(refusing fileType: String, why: String) {
    message = "'\(fileType)' is a llama.cpp file type, but \(why)"
  }

  /// Not a number above 1.
  init(notARatio text: String) {
    message = "'\(text)' is not a ratio: type a number above 1, e.g. 8 for an eighth of the size"
  }
}

/// Whether `a` can search at the size of llama.cpp's mixes: for a decoder whose architecture
/// `LlamaQuantMix` has the rules of, with the config the mix is assigned from; else why not.
public enum LlamaMixSupport: Sendable, Equatable {
  /// A language model llama.cpp's rules cover (`LlamaQuantMix.architectures`).
  case decoder(DecoderConfig)
  /// Why file types are refused here, to follow "'q4_k_m' is a llama.cpp file type, but ":
  /// "llama.cpp's mixes are for language models, and this is an image classifier".
  case refused(String)

  /// What a decoder's mixes can or cannot be for: `config` for a language model (nil: not one,
  /// `family` naming what it is), refused for an architecture without mix rules.
  public static func of(config: DecoderConfig?, family: String) -> LlamaMixSupport {
    let architectures = LlamaQuantMix.architectures.joined(separator: ", ")
    guard let config else {
      return .refused("llama.cpp's mixes are for language models (\(architectures)), and this is \(family)")
    }
    let architecture = LlamaQuantMix.model(of: config).architecture
    guard LlamaQuantMix.architectures.contains(architecture) else {
      return .refused("Pare reproduces llama.cpp's mixes for \(architectures), not \(architecture)")
    }
    return .decoder(config)
  }

  /// Why file types are refused; nil for a decoder.
  var refusal: String? {
    if case let .refused(why) = self { why } else { nil }
  }
}
