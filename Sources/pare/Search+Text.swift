import Foundation
import PareWorkbench

/// The text output of `pare search`: the chosen candidates, predicted against measured, and the
/// frontier's table and plot.
enum SearchText {
  /// A ratio without trailing zeros: 8 gives "8", 10.5 gives "10.5".
  static func ratio(_ value: Double) -> String {
    value == value.rounded() && value < 1e15 ? String(Int(value)) : String(format: "%g", value)
  }

  /// One search: the plan's tensors, then the knapsack's plan, the plan found, the uniform plan
  /// and (`--like`) llama.cpp's mix side by side.
  static func one(_ outcome: SearchOutcome, uniform: MeasuredPlan?, like: MeasuredLike?, search: PlanSearch,
                  setup: SweepSetup, written: [String]) -> String {
    let found = outcome.found, table = search.table
    let tensorRows = table.tensors.map { tensor -> [String] in
      // --like: the mix's type of the tensor in a last column.
      let mixColumn = like.map { [$0.plan.choices[tensor.name]?.description ?? "-"] } ?? []
      guard let candidate = found.choices[tensor.name], let cell = table.cell(tensor.name, candidate) else {
        return [tensor.name, Formatting.bytes(tensor.bytes), "-", Formatting.bytes(tensor.bytes), ""] + mixColumn
      }
      return [tensor.name, Formatting.bytes(tensor.bytes), candidate.description, Formatting.bytes(cell.bytes),
              Formatting.change(table.metric, cell.value, from: table.baseline)] + mixColumn
    }
    let others = found.originalBytes - table.tensors.reduce(0) { $0 + $1.bytes }
    var plans = [("knapsack", outcome.allocated), ("searched, \(outcome.evaluations) evaluated", found)]
    if let uniform, let bits = uniform.choices.values.first?.quantize?.bits { plans.append(("uniform int\(bits)", uniform)) }
    if let like {
      plans.append(("llama.cpp \(like.fileType.displayName)", like.plan))
      plans.append(("llama.cpp \(like.fileType.displayName) + imatrix", like.weighted))
    }
    let budgetBits = Double(outcome.budget - search.fixedBytes) * 8 / Double(max(search.compressibleParameters, 1))
    var lines = [
      header(metric: table.metric.name, baseline: table.baseline, setup: setup),
      "budget    \(Formatting.bytes(outcome.budget)) of \(Formatting.bytes(found.originalBytes)) "
        + String(format: "(%.2fx), %.4g bits per weight over the compressible tensors", Double(found.originalBytes) / Double(max(outcome.budget, 1)), budgetBits)
        + (like.map { ": the size of llama.cpp's \($0.fileType.displayName) mix" } ?? ""),
      "",
      Formatting.table(header: ["tensor", "size", "choice", "compressed", "alone"] + (like.map { [$0.fileType.displayName] } ?? []),
                       rows: tensorRows, rightAligned: [1, 3, 4]),
      "other tensors, as stored: \(Formatting.bytes(others)); 'alone': \(Formatting.changeMeaning(table.metric)) with only that tensor compressed",
      "",
      planTable(plans, metric: table.metric.name, search: search),
    ]
    if let seed = outcome.startedFrom {
      lines.append("the evolutionary step started from \(seed), which measured better than the knapsack's plan")
    }
    if !written.isEmpty { lines.append("wrote     " + written.map(Formatting.displayPath).joined(separator: ", ")) }
    return lines.joined(separator: "\n")
  }

  /// The frontier: one row per ratio (searched and uniform), then the plot.
  static func frontier(_ frontier: ParetoFrontier, plot: FrontierPlot, setup: SweepSetup, written: [String]) -> String {
    let rows = frontier.points.map { point -> [String] in
      let s = point.searched
      var row = [ratio(point.targetRatio) + "x", Formatting.bytes(s.compressedBytes), String(format: "%.2fx", s.ratio),
                 String(format: "%.4f", s.measured.value), s.measured.meanKLDivergence.map { String(format: "%.4g", $0) } ?? "-"]
      if let u = point.uniform, let bits = u.choices.values.first?.quantize?.bits {
        row += ["int\(bits)", Formatting.bytes(u.compressedBytes), String(format: "%.2fx", u.ratio), String(format: "%.4f", u.measured.value)]
      } else {
        row += ["-", "", "", ""]
      }
      return row
    }
    var lines = [
      header(metric: frontier.metric.name, baseline: frontier.baseline, setup: setup), "",
      Formatting.table(
        header: ["target", "size", "ratio", frontier.metric.name, "mean KL", "uniform", "size", "ratio", frontier.metric.name],
        rows: rows, rightAligned: [1, 2, 3, 4, 6, 7, 8]),
    ]
    if !frontier.unreachable.isEmpty {
      lines.append("no plan fits " + frontier.unreachable.map { ratio($0) + "x" }.joined(separator: ", "))
    }
    lines += ["", plot.text()]
    if !written.isEmpty { lines.append("wrote     " + written.map(Formatting.displayPath).joined(separator: ", ")) }
    return lines.joined(separator: "\n")
  }

  private static func header(metric: String, baseline: Double, setup: SweepSetup) -> String {
    "model     \(setup.model.name), \(metric) \(String(format: "%.4f", baseline)) on \(Formatting.displayPath(setup.data.path))"
  }

  /// The plans side by side: size, bits per weight over the compressible tensors, the metric
  /// measured and predicted, and perplexity when measured (language models).
  private static func planTable(_ plans: [(String, MeasuredPlan)], metric: String, search: PlanSearch) -> String {
    let perplexity = plans.contains { $0.1.measured.secondary("perplexity") != nil }
    let rows = plans.map { name, plan -> [String] in
      func kl(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "-" }
      return [name, Formatting.bytes(plan.compressedBytes), String(format: "%.2fx", plan.ratio),
              String(format: "%.3f", search.bitsPerWeight(plan)),
              String(format: "%.4f", plan.measured.value),
              plan.predicted.map { String(format: "%.4f", $0.value) } ?? "-",
              kl(plan.measured.meanKLDivergence), kl(plan.predicted?.meanKL),
              plan.measured.agreement.map { String(format: "%.4f", $0) } ?? "-"]
        + (perplexity ? [plan.measured.secondary("perplexity").map { String(format: "%.4f", $0) } ?? "-"] : [])
    }
    return Formatting.table(
      header: ["plan", "size", "ratio", "bpw", metric, "predicted", "mean KL", "predicted", "agreement"] + (perplexity ? ["ppl"] : []),
      rows: rows, rightAligned: Set(1...(perplexity ? 9 : 8)))
  }
}
