import Foundation
import PareTerminal

extension View {
  /// The value histogram: a legend; bars of the original counts (linear or log) with the band
  /// that pruning zeroes dimmed; an axis with the quantization grid as ticks and the pruning
  /// threshold as brackets; below it, on the same scale, bars of the counts with the plan;
  /// the range under the ends of the axis.
  mutating func drawHistogram(_ detail: TensorDetail, of row: TensorRow, in rect: Rect) {
    guard let lower = detail.histogramEdges.first, let upper = detail.histogramEdges.last,
          lower.isFinite, upper.isFinite, upper > lower, !detail.originalCounts.isEmpty, rect.width > 0
    else {
      canvas.put("no values to plot", row: rect.row, column: rect.column, style: theme.dim, maxWidth: rect.width)
      return
    }
    let plotWidth = rect.width
    let column = { (value: Float) -> Int in
      cellIndex(Double(value - lower) / Double(upper - lower) * Double(plotWidth), count: plotWidth)
    }
    let showsGrid = !detail.gridLevels.isEmpty && detail.gridLevels.count <= plotWidth * 2 / 3
    let legend = histogramLegend(detail, row: row, showsGrid: showsGrid, width: rect.width)
    let plotRows = rect.height - legend.count - 2
    guard plotRows >= 3 else {
      canvas.put("too little room", row: rect.row, column: rect.column, style: theme.dim, maxWidth: rect.width)
      return
    }
    drawLines(legend, in: rect)
    let compressedRows = detail.compressedCounts == nil ? 0 : plotRows * 2 / 5
    let originalPlot = Rect(row: rect.row + legend.count, column: rect.column, width: plotWidth,
                            height: plotRows - compressedRows)
    let compressedPlot = Rect(row: originalPlot.bottom + 1, column: rect.column, width: plotWidth, height: compressedRows)

    // Both plots share the original's scale, so that heights compare; spikes are clipped.
    let logScale = state.logHistogram
    let scale = { (count: Double) -> Double in logScale ? log(count + 1) : count }
    let original = resampled(detail.originalCounts.map(Double.init), to: plotWidth).map(scale)
    let top = max(original.max() ?? 0, 1e-12)
    var styles = Array(repeating: theme.plain, count: plotWidth)
    if let threshold = detail.pruneThreshold, threshold > 0 {
      for pruned in column(-threshold)...column(threshold) { styles[pruned] = theme.dim }
    }
    drawBars(eighths: eighths(original.map { $0 / top }, rows: originalPlot.height), styles: styles, in: originalPlot)
    if let counts = detail.compressedCounts {
      let compressed = resampled(counts.map(Double.init), to: plotWidth).map { scale($0) / top }
      drawBars(eighths: eighths(compressed, rows: compressedPlot.height),
               styles: Array(repeating: theme.highlight, count: plotWidth), in: compressedPlot)
    }

    // The axis: grid levels as ticks, the pruning threshold as brackets.
    var axis = CellStrip(width: plotWidth, character: glyphs.horizontal, style: theme.dim)
    if showsGrid {
      for level in detail.gridLevels { axis.set(column(level), glyphs.vertical, theme.accent) }
    }
    if let threshold = detail.pruneThreshold, threshold > 0 {
      axis.set(column(-threshold), "[", theme.highlight)
      axis.set(column(threshold), "]", theme.highlight)
    }
    put(axis, row: originalPlot.bottom, column: rect.column)
    drawAxisLabels(left: Format.value(Double(lower)), right: Format.value(Double(upper)),
                   middle: lower < 0 && upper > 0 ? (column(0), "0") : nil, row: compressedPlot.bottom, in: compressedPlot)
  }

  /// The legend of the histogram packed into lines; the key that switches the scale is added
  /// where it costs no line.
  private func histogramLegend(_ detail: TensorDetail, row: TensorRow, showsGrid: Bool, width: Int) -> [[TextSpan]] {
    var groups: [[TextSpan]] = [[TextSpan((state.logHistogram ? "log" : "linear") + " counts")]]
    if detail.compressedCounts != nil {
      groups.append([TextSpan("top: original")])
      groups.append([TextSpan("below: "), TextSpan(row.spec.map(\.shortForm) ?? "with the plan", theme.highlight)])
    }
    if !detail.gridLevels.isEmpty {
      let levels = " \(detail.gridLevels.count) levels" + (showsGrid ? "" : " (too dense to show)")
      groups.append([TextSpan(String(glyphs.vertical), theme.accent), TextSpan(levels)])
    }
    if let threshold = detail.pruneThreshold, threshold > 0 {
      groups.append([TextSpan("[ ]", theme.highlight), TextSpan(" pruned <" + Format.value(Double(threshold)))])
    }
    let lines = packed(groups, width: width)
    let withKey = packed(groups + [[TextSpan("l: " + (state.logHistogram ? "linear" : "log"), theme.dim)]], width: width)
    return withKey.count == lines.count ? withKey : lines
  }

  /// Labels under the ends of an axis, and one more at a column in between where it has room.
  mutating func drawAxisLabels(left: String, right: String, middle: (column: Int, text: String)?, row: Int, in plot: Rect) {
    let leftWidth = canvas.put(left, row: row, column: plot.column, style: theme.dim, maxWidth: plot.width)
    let rightWidth = displayWidth(right)
    guard leftWidth + 1 + rightWidth <= plot.width else { return }
    canvas.put(right, row: row, column: plot.right - rightWidth, style: theme.dim)
    guard let middle else { return }
    let middleWidth = displayWidth(middle.text)
    let start = min(middle.column, plot.width - rightWidth - 1 - middleWidth)
    if start > leftWidth {
      canvas.put(middle.text, row: row, column: plot.column + start, style: theme.dim)
    }
  }
}
