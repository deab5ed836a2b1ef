import PareTerminal
import PareWorkbench

extension View {
  /// Row 0: "pare", the model, its parameters, size before → after, the ratio and bits per
  /// weight, and on the right the metric with its change against the uncompressed model and the
  /// evaluation state.
  ///
  /// When the row is too narrow, the parameter count goes first, then bits per weight, then the metric's secondary
  /// figures (agreement, KL), then the sample size, then the model name is shortened.
  mutating func drawHeader(row: Int) {
    let compressed = state.isApplying ? String(glyphs.ellipsis) : Format.bytes(state.compressedBytes)
    let sizes = Format.bytes(state.originalBytes) + " " + String(glyphs.arrow) + " " + compressed
    var params: [TextSpan] = [TextSpan(Format.count(state.totalParams) + " params", theme.dim)]
    var bitsPerWeight: [TextSpan] = state.isApplying ? [] : [TextSpan(Format.fixed(state.bitsPerWeight, decimals: 2) + " bpw", theme.dim)]
    var secondary = secondaryMetricSpans
    var sample = sampleSpans
    let evaluation = evaluationSpans
    var nameWidth = displayWidth(state.modelName)
    let separator = [TextSpan("  ")]

    func left() -> [TextSpan] {
      let name = Canvas.truncated(state.modelName, toWidth: nameWidth, ellipsis: glyphs.ellipsis)
      let groups = [[TextSpan("pare", theme.key)], [TextSpan(name, theme.strong)], params, [TextSpan(sizes)],
                    state.isApplying ? [] : [TextSpan(Format.fixed(state.ratio, decimals: 1) + "x", theme.highlight)], bitsPerWeight]
      return Array(groups.filter { !$0.isEmpty }.joined(separator: separator))
    }
    func right() -> [TextSpan] {
      Array([secondary, sample, evaluation].filter { !$0.isEmpty }.joined(separator: separator))
    }
    func overflow() -> Int {
      let rightWidth = width(of: right())
      return width(of: left()) + (rightWidth > 0 ? 2 + rightWidth : 0) - state.width
    }
    if overflow() > 0 { params = [] }
    if overflow() > 0 { bitsPerWeight = [] }
    if overflow() > 0 { secondary = [] }
    if overflow() > 0 { sample = [] }
    if overflow() > 0 { nameWidth = max(8, nameWidth - overflow()) }

    let used = put(left(), row: row, column: 0, maxWidth: state.width)
    let rightSpans = right()
    let rightWidth = min(width(of: rightSpans), max(state.width - used - 2, 0))
    put(rightSpans, row: row, column: state.width - rightWidth, maxWidth: rightWidth)
  }

  /// The metric and its change as its kind shows it, or why there is none: "accuracy 0.9420
  /// -0.30 pts", "mean KL 0.0123 +0.0123"; dimmed with
  /// an ellipsis and a spinner while the plan is measured; the failure in red; "browse only"
  /// for a model that cannot be evaluated.
  private var evaluationSpans: [TextSpan] {
    guard state.canEvaluate else { return [TextSpan("browse only", theme.dim)] }
    if let failure = state.evaluationFailure, !state.isEvaluating {
      return [TextSpan("evaluation failed: " + failure, theme.error)]
    }
    guard let metric = state.metric else {
      return state.isEvaluating ? [spinner, TextSpan(" evaluating" + String(glyphs.ellipsis), theme.dim)] : []
    }
    // An absolute change (a KL divergence from 0) can be far below the decimals a fixed format
    // shows: four significant digits instead.
    let isAbsolute = metric.kind.changeStyle == .absolute
    let value = metric.name + " " + (isAbsolute ? Format.value(metric.value) : Format.fixed(metric.value, decimals: 4))
    let change = (isAbsolute ? (metric.shownChange < 0 ? "" : "+") + Format.value(metric.shownChange)
      : Format.signed(metric.shownChange, decimals: metric.kind.changeDecimals)) + metric.kind.changeSuffix
    if state.isEvaluating {
      return [spinner, TextSpan(" " + value + " " + change + String(glyphs.ellipsis), theme.dim)]
    }
    return [TextSpan(value + " ", theme.strong), TextSpan(change, theme.change(metric.kind, loss: metric.loss))]
  }

  /// The metric's secondary figures that have a header label ("agree 98.6%  KL 0.0123").
  private var secondaryMetricSpans: [TextSpan] {
    guard state.canEvaluate, let metric = state.metric else { return [] }
    let parts = metric.secondary.compactMap { figure in figure.label.map { $0 + " " + Format.figure(figure) } }
    return parts.isEmpty ? [] : [TextSpan(parts.joined(separator: "  "), theme.dim)]
  }

  /// How many items the metric was measured on, where the explorer measures only the first of
  /// the data ("64 sentences"), since `pare eval` measures all of them by default.
  private var sampleSpans: [TextSpan] {
    guard let items = state.sampledItems, let metric = state.metric, metric.samples > 0 else { return [] }
    return [TextSpan("\(metric.samples) \(items)", theme.dim)]
  }

  /// The current spinner frame.
  private var spinner: TextSpan {
    let frames = glyphs.spinner
    guard !frames.isEmpty else { return TextSpan("") }
    let index = ((state.tick % frames.count) + frames.count) % frames.count
    return TextSpan(String(frames[index]), theme.highlight)
  }
}
