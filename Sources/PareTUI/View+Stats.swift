import PareTerminal

extension View {
  /// Statistics: what the tensor is, its spec in words and what the spec costs and does (size,
  /// bits, entropy-coded estimate, relative MSE, SQNR); then the values before and with the
  /// plan side by side, and the percentiles of the original values. The two blocks stand side
  /// by side where the pane is wide, one above the other where it is not.
  mutating func drawStats(_ detail: TensorDetail, of row: TensorRow, in rect: Rect) {
    let values = valueLines(detail, width: rect.width)
    let valuesWidth = values.map { width(of: $0) }.max() ?? 0
    let gap = 4
    if rect.width >= 2 * valuesWidth + gap {
      let summary = summaryLines(detail, of: row, width: rect.width - valuesWidth - gap)
      let summaryWidth = summary.map { width(of: $0) }.max() ?? 0
      drawLines(summary, in: Rect(row: rect.row, column: rect.column, width: summaryWidth, height: rect.height))
      let valuesColumn = rect.column + summaryWidth + gap
      drawLines(values, in: Rect(row: rect.row, column: valuesColumn, width: valuesWidth, height: rect.height))
      return
    }
    let summary = summaryLines(detail, of: row, width: rect.width)
    var lines = summary + [[]] + values
    // The blank separator goes first when the pane is short.
    if lines.count > rect.height { lines.removeAll { $0.isEmpty } }
    drawLines(lines, in: rect)
  }

  /// The tensor, its spec in words, and what the spec costs and does.
  private func summaryLines(_ detail: TensorDetail, of row: TensorRow, width: Int) -> [[TextSpan]] {
    let identity = row.dtype.rawValue + "  " + Format.shape(row.shape) + "  " + Format.count(row.params) + " params"
    var lines: [[TextSpan]] = [[TextSpan(identity)]]
    let words = row.spec.map(\.words) ?? "no compression (original values)"
    lines += wrapped(words, width: width).map { [TextSpan($0, row.spec == nil ? theme.dim : theme.accent)] }
    func field(_ label: String, _ value: String, _ style: Style = .plain) -> [TextSpan] {
      [TextSpan(label.rightPadded(toLength: 9), theme.dim), TextSpan(value, style)]
    }
    let storedBytes = detail.storage?.bytes ?? row.currentBytes
    let arrow = " " + String(glyphs.arrow) + " "
    lines.append(field("size", Format.bytes(row.originalBytes) + arrow + Format.bytes(storedBytes)))
    if let storage = detail.storage {
      let perValue = Format.fixed(Double(storage.bits) / Double(max(row.params, 1)), decimals: 2)
      lines.append(field("bits", Format.count(storage.bits) + ", " + perValue + "/param"))
      lines.append(field("entropy", Format.bytes(storage.entropyCodedBits / 8) + " coded (est.)"))
    }
    if let relativeMSE = detail.relativeMSE { lines.append(field("rel. MSE", Format.value(relativeMSE))) }
    if let decibels = row.sqnrDecibels {
      lines.append(field("SQNR", Format.decibels(decibels), theme.quality(decibels: decibels)))
    }
    return lines
  }

  /// The values before and with the plan side by side, then the percentiles of the original
  /// values in pairs from the tails in.
  private func valueLines(_ detail: TensorDetail, width: Int) -> [[TextSpan]] {
    let columnWidth = max(min(10, (width - 7) / 2), 1)
    let original = detail.original
    let compressed = detail.compressed
    func line(_ label: String, _ original: String, _ compressed: String?, style: Style) -> [TextSpan] {
      var spans = [TextSpan(label.rightPadded(toLength: 6), theme.dim), TextSpan(original.leftPadded(toLength: columnWidth), style)]
      if let compressed {
        let compressedStyle = style == theme.plain ? theme.highlight : style
        spans.append(TextSpan(" " + compressed.leftPadded(toLength: columnWidth), compressedStyle))
      }
      return spans
    }
    var lines = [
      line("", "original", compressed == nil ? nil : "with plan", style: theme.strong),
      line("min", Format.value(Double(original.min)), compressed.map { Format.value(Double($0.min)) }, style: theme.plain),
      line("max", Format.value(Double(original.max)), compressed.map { Format.value(Double($0.max)) }, style: theme.plain),
      line("mean", Format.value(original.mean), compressed.map { Format.value($0.mean) }, style: theme.plain),
      line("std", Format.value(original.std), compressed.map { Format.value($0.std) }, style: theme.plain),
      line("zeros", Format.percent(original.zeroFraction), compressed.map { Format.percent($0.zeroFraction) },
           style: theme.plain),
    ]
    // Only for a tensor holding NaN or infinite values (which Pare leaves uncompressed).
    let nonFinite = original.nanCount + original.infiniteCount
    if nonFinite > 0 { lines.insert(line("nonfin", String(nonFinite), nil, style: theme.error), at: 1) }
    let levels = [1, 5, 25, 50, 75, 95, 99]
    let pairs = [(0, 6), (1, 5), (2, 4), (3, nil)]
    for (low, high) in pairs where low < detail.percentiles.count {
      var spans = percentile(levels[low], detail.percentiles[low])
      if let high, high < detail.percentiles.count {
        spans += [TextSpan("  ")] + percentile(levels[high], detail.percentiles[high])
      }
      lines.append(spans)
    }
    return lines
  }

  /// "p25  -0.0312": a percentile's label and value.
  private func percentile(_ level: Int, _ value: Float) -> [TextSpan] {
    [TextSpan(("p" + String(level)).rightPadded(toLength: 4), theme.dim),
     TextSpan(Format.value(Double(value)).leftPadded(toLength: 8))]
  }
}

extension String {
  /// The string with spaces added on the right up to `length` characters.
  func rightPadded(toLength length: Int) -> String {
    count >= length ? self : self + String(repeating: " ", count: length - count)
  }

  /// The string with spaces added on the left up to `length` characters.
  func leftPadded(toLength length: Int) -> String {
    count >= length ? self : String(repeating: " ", count: length - count) + self
  }
}
