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

  @Argument(help: "Model directory or .safetensors file.")
  var model: String

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  struct Row: Encodable {
    let name: String, shape: [Int], dtype: String, params: Int, bytes: Int
    /// min and max are over the finite values (NaN when none is; null in JSON), std over all.
    let min: Float, max: Float, std: Double, zero_fraction: Double
    /// NaN and infinite values: Pare refuses to compress a tensor holding any.
    let non_finite: Int
  }

  struct Report: Encodable {
    let model: String, tensors: [Row], total_params: Int, total_bytes: Int
  }

  func run() throws {
    // Recognising the family validates its config against the weights, as every command does.
    let opened = try OpenedModel(path: model).directory
    let rows = try opened.weights.entries.map { entry in
      let stats = TensorStatistics(try opened.weights.tensor(named: entry.name).scalars)
      return Row(name: entry.name, shape: entry.shape, dtype: entry.dtype.rawValue, params: entry.elementCount,
                 bytes: entry.byteRange.count, min: stats.min, max: stats.max, std: stats.std,
                 zero_fraction: stats.zeroFraction, non_finite: stats.nanCount + stats.infiniteCount)
    }
    let report = Report(model: opened.name, tensors: rows, total_params: rows.reduce(0) { $0 + $1.params },
                        total_bytes: rows.reduce(0) { $0 + $1.bytes })
    if json {
      print(try Formatting.json(report))
      return
    }
    // The non-finite column appears only when some tensor holds NaN or infinite values.
    let anyNonFinite = rows.contains { $0.non_finite > 0 }
    let table = rows.map { r in
      [r.name, Formatting.shape(r.shape), r.dtype, Formatting.grouped(r.params), Formatting.bytes(r.bytes),
       number(Double(r.min)), number(Double(r.max)), number(r.std),
       String(format: "%.1f%%", r.zero_fraction * 100)] + (anyNonFinite ? [Formatting.grouped(r.non_finite)] : [])
    }
    print(Formatting.table(
      header: ["name", "shape", "dtype", "params", "bytes", "min", "max", "std", "zeros"] + (anyNonFinite ? ["non-finite"] : []),
      rows: table, rightAligned: [3, 4, 5, 6, 7, 8, 9]))
    print("\(rows.count) tensors, \(Formatting.grouped(report.total_params)) parameters, \(Formatting.bytes(report.total_bytes))")
  }

  /// `x` to four significant digits; a NaN of either sign as "nan" (printf writes "-nan").
  private func number(_ x: Double) -> String { x.isNaN ? "nan" : String(format: "%.4g", x) }
}
