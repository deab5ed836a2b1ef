import PareTerminal

extension View {
  /// Sparsity: the fraction of zeros before and with the plan, then the zero fraction of every
  /// row as a strip of bars (rows averaged into cells where there are more rows than cells),
  /// over as many lines as fit, each line labelled with its first row.
  mutating func drawSparsity(_ detail: TensorDetail, of row: TensorRow, in rect: Rect) {
    var overall: [[TextSpan]] = [[TextSpan("zeros "), TextSpan(Format.percent(detail.original.zeroFraction), theme.strong),
                              TextSpan(" original")]]
    if let compressed = detail.compressed {
      overall.append([TextSpan(String(glyphs.arrow) + " "), TextSpan(Format.percent(compressed.zeroFraction), theme.highlight),
                      TextSpan(" with " + (row.spec.map(\.shortForm) ?? "the plan"))])
    }
    var lines = packed(overall, width: rect.width)
    let fractions = detail.rowZeroFractions
    guard row.shape.count >= 2, fractions.count >= 2 else {
      lines.append([TextSpan("no rows: 1-D tensor", theme.dim)])
      drawLines(lines, in: rect)
      return
    }

    let labelWidth = String(fractions.count - 1).count
    let stripWidth = rect.width - labelWidth - 1
    func summary(rowsPerCell: Int) -> [[TextSpan]] {
      let fullRows = fractions.reduce(0) { $0 + ($1 >= 1 ? 1 : 0) }
      let rowCount = rowsPerCell > 1 ? "\(fractions.count) rows, \(rowsPerCell) per cell" : "\(fractions.count) rows"
      let range = Format.percent(fractions.min() ?? 0) + " to " + Format.percent(fractions.max() ?? 0)
      var groups: [[TextSpan]] = [[TextSpan(rowCount)], [TextSpan("per row " + range)]]
      if fullRows > 0 { groups.append([TextSpan("\(fullRows) rows all zero", theme.highlight)]) }
      groups.append([TextSpan("bar height: zeros in the row", theme.dim)])
      return [[]] + packed(groups, width: rect.width) + [[]]
    }
    let stripRoom = rect.height - lines.count - summary(rowsPerCell: 1).count
    guard stripWidth > 0, stripRoom > 0 else {
      drawLines(lines, in: rect)
      return
    }
    let rowsPerCell = (fractions.count + stripWidth * stripRoom - 1) / (stripWidth * stripRoom)
    // Fewer rows than a line has cells are stretched across it.
    let cellCount = max((fractions.count + rowsPerCell - 1) / rowsPerCell, min(stripWidth, fractions.count * 8))
    let cells = resampled(fractions, to: cellCount)
    lines += summary(rowsPerCell: rowsPerCell)
    drawLines(lines, in: rect)

    // The cells in bands as wide as the pane; where there is room, each band is a few rows
    // tall (finer steps) and a blank line apart. Each band is labelled with its first row.
    let step = Double(fractions.count) / Double(cellCount)
    let bands = (cellCount + stripWidth - 1) / stripWidth
    let bandRows = max(1, min(8, (rect.height - lines.count + 1) / bands - 1))
    let pitch = bandRows > 1 ? bandRows + 1 : 1
    for band in 0..<bands {
      let top = rect.row + lines.count + band * pitch
      guard top + bandRows <= rect.bottom else { break }
      let firstCell = band * stripWidth
      let slice = Array(cells[firstCell..<min(firstCell + stripWidth, cellCount)])
      let label = String(Int(Double(firstCell) * step))
      canvas.put(label, row: top + bandRows - 1, column: rect.column + labelWidth - label.count, style: theme.dim)
      drawBars(eighths: eighths(slice, rows: bandRows).map { max($0, 1) },
               styles: slice.map { $0 > 0 ? theme.accent : theme.dim },
               in: Rect(row: top, column: rect.column + labelWidth + 1, width: slice.count, height: bandRows))
    }
  }

  /// Lines of spans from the top of `rect`, as many as fit.
  mutating func drawLines(_ lines: [[TextSpan]], in rect: Rect) {
    for (offset, line) in lines.prefix(max(rect.height, 0)).enumerated() {
      put(line, row: rect.row + offset, column: rect.column, maxWidth: rect.width)
    }
  }
}
