import ArgumentParser
import PareWorkbench

/// `pare sensitivity MODEL`: what compressing each tensor alone costs, for each candidate.
struct Sensitivity: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensitivity",
    abstract: "Measure each tensor's sensitivity: the metric with only that tensor compressed, for each candidate.",
    discussion: """
      Every floating-point tensor with two or more axes (matrices, convolution kernels) is \
      compressed alone by each candidate and the model measured; biases and other 1-D tensors \
      are left out. The table shows the metric's change in points (hundredths); --json adds, \
      per cell, the tensor's compressed size, the metric, and for classifiers the top-1 agreement \
      and the mean KL divergence from the uncompressed model.

      Candidates are steps joined by '+': intB (int B-bit symmetric per channel, B in 2...8), \
      cbB (codebook of 2^B centroids per tensor), fp8, fp16, bf16, each with an optional \
      granularity suffix t (tensor), c (channel) or gN (groups of N), e.g. int4g64; pruneP \
      (magnitude pruning of P%), N:M (e.g. 2:4); rank/D (low rank at min(rows, columns)/D). \
      'default' stands for \(Candidate.sensitivityDefaultList); \
      'search' for the larger set `pare search` uses.

      Results are cached per model weights, data and candidate under $PARE_CACHE_DIR, else \
      $XDG_CACHE_HOME/pare (default ~/.cache/pare), so a second run and `pare search` reuse them. \
      Ctrl-C stops between measurements; only candidates measured on every tensor are cached.
      """)

  @Argument(help: "Model directory.")
  var model: String

  @OptionGroup var evaluationData: EvaluationDataOptions

  @OptionGroup var importance: ImportanceOptions

  @Option(help: ArgumentHelp(
    "Comma-separated candidates, e.g. int2,int4,rank/8,prune90+int4 (see below).",
    discussion: "Default: 'default', and for a language model the ggml types \(Candidate.languageModelDefaultList)."))
  var candidates: String?

  @Flag(help: "Print JSON with every cell instead of the table.")
  var json = false

  func run() throws {
    let given = try candidates.map(Candidate.parseList)
    try Interrupt.run { isCancelled in
      let setup = try SweepSetup(modelPath: model, options: evaluationData, importance: importance)
      let list = given ?? (setup.family is DecoderLanguageModel
        ? Candidate.languageModelDefaults(for: setup.model.weights) : Candidate.sensitivityDefaults)
      let (table, measured, cache) = try setup.sensitivity(list, isCancelled: isCancelled)
      if json {
        print(try Formatting.json(SensitivityReport(table: table, model: setup.modelReference, data: setup.data)))
        return
      }
      let rows = table.tensors.map { tensor in
        [tensor.name, Formatting.bytes(tensor.bytes)] + table.candidates.map { candidate in
          table.cell(tensor.name, candidate).map { Formatting.change(table.metric, $0.value, from: table.baseline) } ?? "-"
        }
      }
      print("""
        model     \(setup.model.name), \(table.metric.name) \(String(format: "%.4f", table.baseline)) on \
        \(Formatting.displayPath(setup.data.path))
        cells     \(Formatting.changeMeaning(table.metric)) with only that tensor compressed (1-D tensors left out)

        """ + Formatting.table(header: ["tensor", "size"] + table.candidates.map(\.description), rows: rows,
                               rightAligned: Set(1...(table.candidates.count + 1))))
      print("\n\(table.cells.count) cells: \(measured) measured, \(table.cells.count - measured) from \(Formatting.displayPath(cache.directory))")
    }
  }
}
