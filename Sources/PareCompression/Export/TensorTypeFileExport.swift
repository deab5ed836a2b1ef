import PareFormats

/// `pare apply --format llama-quantize`: tensor-types.txt, one `^name$=type` line per planned
/// tensor (GGUF names, regex-escaped), for `llama-quantize --tensor-type-file` (llama.cpp PR
/// #18572): a user who runs llama.cpp's own quantizer gets the plan's types. Only ggml specs
/// have a llama-quantize type; every other spec is refused, naming the tensor.
public enum TensorTypeFileExport {
  /// The file name written.
  public static let fileName = "tensor-types.txt"

  /// tensor-types.txt for `applied` over `model`: a GGUF input's names as they are, a Hugging
  /// Face decoder's mapped to llama.cpp's (`DecoderTensorNames`), in the model's tensor order.
  public static func file(_ applied: AppliedPlan, model: ModelDirectory) throws -> ExportFile {
    let weights = model.weights
    var lines: [String] = []
    for entry in weights.entries {
      guard let c = applied.compressed[entry.name] else { continue }
      let file = weights.path(of: entry.name) ?? model.path
      guard let type = GGUFExport.ggmlType(of: c.spec) else {
        throw PackedModelError(file: file, tensor: entry.name,
                               "llama-quantize sets ggml types only; its spec has none (plan a ggml type for it)")
      }
      let name = try ggufName(of: entry.name, model: model, file: file)
      lines.append("^" + escaped(name) + "$=" + type.name)
    }
    return ExportFile(name: fileName, chunks: [Array(lines.map { $0 + "\n" }.joined().utf8)])
  }

  /// `name` as llama.cpp's converter names it: unchanged in a GGUF, mapped from a Hugging Face
  /// decoder's name otherwise; refuses a name without a GGUF counterpart.
  static func ggufName(of name: String, model: ModelDirectory, file: String) throws(PackedModelError) -> String {
    if model.gguf != nil { return name }
    let type = model.config?.modelType ?? ""
    let architecture: DecoderConfig.Architecture? = switch type {
    case "llama", "mistral", "qwen2", "qwen3": .llama
    case "gemma3", "gemma3_text": .gemma3
    default: nil
    }
    guard let architecture else {
      throw PackedModelError(file: file, tensor: name, "no GGUF name: llama.cpp's names are known for llama, mistral, qwen2, qwen3 and gemma3 models, not '\(type)'")
    }
    let hf = DecoderTensorNames.huggingFace(architecture), gguf = DecoderTensorNames.gguf
    if name == hf.embedding { return gguf.embedding }
    if name == hf.finalNorm { return gguf.finalNorm }
    if name == hf.head { return gguf.head }
    if name.hasPrefix(hf.layerPrefix) {
      let rest = name.dropFirst(hf.layerPrefix.count)
      if let dot = rest.firstIndex(of: "."), let layer = Int(rest[..<dot]) {
        let tail = rest[rest.index(after: dot)...]
        for role in DecoderTensorNames.Role.allCases {
          guard let stem = hf.stems[role], let ggufStem = gguf.stems[role] else { continue }
          for suffix in [".weight", ".bias"] where tail == stem + suffix {
            return "\(gguf.layerPrefix)\(layer).\(ggufStem)\(suffix)"
          }
        }
      }
    }
    throw PackedModelError(file: file, tensor: name, "no GGUF name for this tensor in llama.cpp's \(architecture) naming")
  }

  /// `text` with every regex metacharacter escaped (std::regex ECMAScript syntax).
  static func escaped(_ text: String) -> String {
    var out = ""
    for character in text {
      if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
      out.append(character)
    }
    return out
  }
}
