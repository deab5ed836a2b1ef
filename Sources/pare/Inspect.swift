import ArgumentParser
import Foundation
import PareCore
import PareFormats
import PareWorkbench

/// `pare inspect MODEL`: every tensor with its size and statistics.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "List a model's tensors: name, shape, dtype, parameters, bytes and statistics.")

  @Argument(help: "Model directory, .safetensors or .gguf file.")
  var model: String

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  /// Statistics are nil (left out of the JSON) for a GGUF tensor whose type Pare cannot decode.
  struct Row: Encodable {
    let name: String, shape: [Int], dtype: String, params: Int, bytes: Int
    let ggml_type: String?, bpw: Double?
    /// min and max are over the finite values (NaN when none is; null in JSON), std over all.
    let min: Float?, max: Float?, std: Double?, zero_fraction: Double?
    /// NaN and infinite values: Pare refuses to compress a tensor holding any.
    let non_finite: Int?
  }

  struct Report: Encodable {
    let model: String, gguf: [String: String]?, tensors: [Row], total_params: Int, total_bytes: Int
  }

  /// The GGUF metadata worth showing above the table: (label, value) in this order; keys under
  /// the architecture's prefix ("llama.block_count") are read with it.
  static func ggufSummary(_ gguf: GGUFFile) -> [(String, String)] {
    let metadata = gguf.metadata
    let arch = gguf.architecture ?? ""
    func text(_ key: String) -> String? {
      guard let value = metadata[key] else { return nil }
      switch value {
      case let .string(s): return s
      case let .array(items): return "\(items.count) \(items.elementTypeName == "array" ? "arrays" : "items")"
      default:
        if let n = value.integer { return String(n) }
        return value.double.map { String(format: "%g", $0) } ?? "\(value)"
      }
    }
    var rows: [(String, String)] = [("version", String(gguf.version))]
    let keys: [(String, String)] = [
      ("architecture", "general.architecture"), ("name", "general.name"),
      ("block_count", "\(arch).block_count"), ("embedding_length", "\(arch).embedding_length"),
      ("head_count", "\(arch).attention.head_count"), ("head_count_kv", "\(arch).attention.head_count_kv"),
      ("context_length", "\(arch).context_length"), ("rope_freq_base", "\(arch).rope.freq_base"),
      ("tokenizer_model", "tokenizer.ggml.model"), ("tokenizer_pre", "tokenizer.ggml.pre"),
      ("file_type", "general.file_type"),
    ]
    for (label, key) in keys {
      if let value = text(key) { rows.append((label, value)) }
      if label == "rope_freq_base" {
        let vocab = metadata.strings("tokenizer.ggml.tokens")?.count ?? metadata.integer("\(arch).vocab_size")
        if let vocab { rows.append(("vocab_size", String(vocab))) }
      }
    }
    return rows
  }

  func run() throws {
    // Recognising the family validates its config against the weights, as every command does.
    let opened = try OpenedModel(path: model).directory
    let weights = opened.weights
    let rows = try weights.entries.map { entry in
      let type = weights.ggmlType(of: entry.name)
      let stats = type?.isDecodable == false ? nil : TensorStatistics(try weights.tensor(named: entry.name).scalars)
      return Row(name: entry.name, shape: entry.shape, dtype: entry.dtype.rawValue, params: entry.elementCount,
                 bytes: entry.byteRange.count, ggml_type: type?.name, bpw: type?.bitsPerWeight,
                 min: stats?.min, max: stats?.max, std: stats?.std, zero_fraction: stats?.zeroFraction,
                 non_finite: stats.map { $0.nanCount + $0.infiniteCount })
    }
    let summary = opened.gguf.map(Self.ggufSummary)
    let report = Report(model: opened.name, gguf: summary.map { Dictionary($0, uniquingKeysWith: { a, _ in a }) },
                        tensors: rows, total_params: rows.reduce(0) { $0 + $1.params },
                        total_bytes: rows.reduce(0) { $0 + $1.bytes })
    if json {
      print(try Formatting.json(report))
      return
    }
    if let summary {
      let width = summary.map(\.0.count).max() ?? 0
      for (label, value) in summary { print("\(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)") }
      print("")
    }
    func stat(_ value: Double?, _ format: String = "%.4g") -> String {
      guard let value else { return "-" }
      return value.isNaN ? "nan" : String(format: format, value)  // printf writes "-nan"
    }
    let ggufColumns = summary != nil
    // The non-finite column appears only when some tensor holds NaN or infinite values.
    let anyNonFinite = rows.contains { ($0.non_finite ?? 0) > 0 }
    let table = rows.map { r in
      [r.name, Formatting.shape(r.shape), r.dtype]
        + (ggufColumns ? [r.ggml_type ?? "", stat(r.bpw, "%g")] : [])
        + [Formatting.grouped(r.params), Formatting.bytes(r.bytes),
           stat(r.min.map(Double.init)), stat(r.max.map(Double.init)), stat(r.std),
           r.zero_fraction.map { String(format: "%.1f%%", $0 * 100) } ?? "-"]
        + (anyNonFinite ? [r.non_finite.map(Formatting.grouped) ?? "-"] : [])
    }
    let header = ["name", "shape", "dtype"] + (ggufColumns ? ["ggml", "bpw"] : [])
      + ["params", "bytes", "min", "max", "std", "zeros"] + (anyNonFinite ? ["non-finite"] : [])
    let shift = ggufColumns ? 2 : 0
    print(Formatting.table(header: header, rows: table,
                           rightAligned: Set((ggufColumns ? [4] : []) + [3, 4, 5, 6, 7, 8, 9].map { $0 + shift })))
    print("\(rows.count) tensors, \(Formatting.grouped(report.total_params)) parameters, \(Formatting.bytes(report.total_bytes))")
  }
}
