import Foundation
import PareFormats

extension ModelExport {
  /// The files beside the weights and config.json that a runtime loading a Hugging Face
  /// directory reads: the tokenizer's (transformers, mlx-lm and vLLM load them from the model
  /// directory) and the generation defaults.
  static let companionNames = [
    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "tokenizer.model",
    "vocab.json", "merges.txt", "chat_template.jinja", "chat_template.json", "generation_config.json",
  ]

  /// The companion files `model`'s directory holds (none for a bare weights file or a GGUF,
  /// whose tokenizer is in its metadata), by name.
  static func companionFileNames(of model: ModelDirectory) -> [String] {
    guard model.config != nil else { return [] }
    return companionNames.filter { name in
      var isDirectory: ObjCBool = false
      let path = URL(fileURLWithPath: model.path).appendingPathComponent(name).path
      return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
  }

  /// The companion files of `model`, read now, to be copied byte for byte into an export of
  /// its directory. A file that cannot be read is an error naming it.
  static func companionFiles(of model: ModelDirectory) throws -> [ExportFile] {
    try companionFileNames(of: model).map { name in
      let path = URL(fileURLWithPath: model.path).appendingPathComponent(name).path
      do { return ExportFile(name: name, chunks: [Array(try InputFile.contents(of: path))]) } catch {
        throw PackedModelError(file: path, "cannot read the model's \(name): \(error)")
      }
    }
  }
}
