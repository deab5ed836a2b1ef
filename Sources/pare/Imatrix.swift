import ArgumentParser
import Foundation
import PareFormats
import PareWorkbench

/// `pare imatrix MODEL --text F --output F.gguf`: llama.cpp's importance matrix, from Pare's own
/// forward pass.
struct Imatrix: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "imatrix",
    abstract: "Compute a language model's importance matrix on a text and write it as llama.cpp's imatrix GGUF.",
    discussion: """
      For every linear weight (attention q, k, v and output, feed-forward gate, up and down, and \
      the head) the sum over every token of the text's windows of each input column's squared \
      activation, and the token count: what llama-imatrix collects, in the file it writes \
      (tensors '<weight>.in_sum2' and '<weight>.counts'), so llama-quantize --imatrix reads it. \
      The text is cut as llama-imatrix cuts it: windows of --ctx tokens, each starting with BOS \
      where the model's tokenizer adds one. Specs with "imatrix": true weigh each column by \
      in_sum2 / counts.
      """)

  @Argument(help: "Model directory or GGUF file (a language model).")
  var model: String

  @Option(help: "Calibration text (UTF-8).")
  var text: String

  @Option(help: "Where to write the importance matrix (.gguf); written atomically.")
  var output: String

  @Option(help: "Tokens per window (default 512).")
  var ctx: Int?

  @Option(help: "Use only the first K windows of the text (default: all).")
  var chunks: Int?

  func run() throws {
    if let ctx, ctx < 2 { throw ValidationError("--ctx must be at least 2") }
    if let chunks, chunks < 1 { throw ValidationError("--chunks must be at least 1") }
    let opened = try OpenedModel(path: model)
    guard let language = opened.family as? DecoderLanguageModel else {
      throw ModelError(file: opened.directory.path, "\(opened.browseOnlyReason ?? "not a language model"): "
        + "importance matrices are made for language models")
    }
    try OutputPath.refuseOverwriting(opened.directory.inputFiles + [text], with: output)
    let data = EvaluationData(path: text, limit: chunks, itemLength: ctx)
    let started = Date()
    let matrix = try language.importance(of: data)
    try matrix.writeGGUF(to: output)
    print("wrote \(Formatting.displayPath(output)): \(matrix.entries.count) weights, \(matrix.chunkCount) windows of "
      + "\(matrix.chunkSize) tokens" + String(format: " (%.1f s)", Date().timeIntervalSince(started)))
  }
}
