import Foundation
import PareFormats

/// config.json for an export that adds quantization blocks to the model's own config: the
/// input's text kept byte for byte, the new keys inserted before its closing brace.
enum ExportConfig {
  /// The model's config.json (an empty object for a bare weights file) with `blocks` (key to a
  /// JSON-serializable value) added at its end; refuses a config that already has one of them
  /// (the model is quantized already) or is not a JSON object.
  static func adding(_ blocks: [(key: String, value: Any)], to model: ModelDirectory, format: String) throws -> [UInt8] {
    let path = model.config?.path ?? "config.json"
    var text = Array(model.config?.data ?? Data("{}".utf8))
    guard let object = try? JSONSerialization.jsonObject(with: Data(text)) as? [String: Any] else {
      throw PackedModelError(file: path, "is not a JSON object; cannot add the \(format) quantization config")
    }
    if let present = blocks.map(\.key).first(where: { object[$0] != nil }) {
      throw PackedModelError(file: path, "already has \"\(present)\": the model is quantized already; export from the unquantized model")
    }
    while let last = text.last, last != UInt8(ascii: "}") { text.removeLast() }
    guard !text.isEmpty else { throw PackedModelError(file: path, "has no closing brace") }
    text.removeLast()
    while let last = text.last, [0x20, 0x0A, 0x0D, 0x09].contains(last) { text.removeLast() }
    var added: [String] = []
    for (key, value) in blocks {
      let json = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
      let indented = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "\n", with: "\n  ")
      added.append("  \"\(key)\": " + indented)
    }
    let separator = object.isEmpty ? "\n" : ",\n"
    return text + Array((separator + added.joined(separator: ",\n") + "\n}\n").utf8)
  }
}
