import Foundation
import PareCompression
import PareTerminal

/// The energy figures of a spectrum: how much of the sum of squared singular values the first
/// k keep.
struct SpectrumEnergy {
  /// The singular values, largest first.
  let singularValues: [Float]
  /// `cumulative[k]`: fraction of the energy in the first k + 1 singular values.
  let cumulative: [Double]

  init(singularValues: [Float]) {
    self.singularValues = singularValues
    cumulative = LowRank.cumulativeEnergy(singularValues)
  }

  /// The least rank keeping at least `fraction` of the energy: the rank a `lowrank.energy` spec
  /// of that fraction selects.
  func rank(keeping fraction: Double) -> Int {
    LowRank.rank(for: LowRankSpec(energy: fraction), singularValues: singularValues)
  }

  /// The fraction the first `rank` values keep.
  func fraction(keptBy rank: Int) -> Double {
    guard rank > 0, !cumulative.isEmpty else { return 0 }
    return cumulative[min(rank, cumulative.count) - 1]
  }
}

extension View {
  /// The singular value spectrum: bars of the singular values on a log axis (those a low-rank
  /// spec drops dimmed), the cumulative energy as a line below, the kept rank marked on both,
  /// and the ranks that keep 90, 95 and 99% of the energy.
  mutating func drawSpectrum(_ detail: TensorDetail, of row: TensorRow, in rect: Rect) {
    guard row.shape.count >= 2 else {
      canvas.put("no spectrum: 1-D tensor", row: rect.row, column: rect.column, style: theme.dim, maxWidth: rect.width)
      return
    }
    guard let values = detail.singularValues, !values.isEmpty else {
      canvas.put(computing, row: rect.row, column: rect.column, style: theme.dim, maxWidth: rect.width)
      return
    }
    let count = values.count
    let energy = SpectrumEnergy(singularValues: values)
    let plotWidth = rect.width
    let rankColumn = detail.rank.flatMap { $0 < count ? $0 * plotWidth / count : nil }

    var notes: [[TextSpan]] = [[TextSpan(String(glyphs.braille(0b0011_1000)), theme.accent), TextSpan(" cumulative energy")]]
    if let rank = detail.rank {
      notes.append([TextSpan(String(glyphs.vertical), theme.highlight),
                    TextSpan(" rank \(rank) keeps " + Format.percent(energy.fraction(keptBy: rank)))])
    }
    let ranks = [0.90, 0.95, 0.99].map { String(energy.rank(keeping: $0)) }
    let ranksLine = ["rank for 90/95/99% energy:", ranks.joined(separator: " / ") + " of \(count)"]
    notes += displayWidth(ranksLine.joined(separator: " ")) <= rect.width
      ? [[TextSpan(ranksLine.joined(separator: " "))]] : ranksLine.map { [TextSpan($0)] }
    let range = Format.value(Double(values.max() ?? 0)) + " down to " + Format.value(Double(values.min() ?? 0))
    let legend = packed([[TextSpan("singular values, log scale")], [TextSpan(range, theme.dim)]], width: rect.width)
    let text = packed(notes, width: rect.width)
    let plotRows = rect.height - legend.count - text.count - 2
    guard plotRows >= 4 else {
      canvas.put("too little room", row: rect.row, column: rect.column, style: theme.dim, maxWidth: rect.width)
      return
    }
    let energyRows = max(2, plotRows / 3)
    let bars = Rect(row: rect.row + legend.count, column: rect.column, width: plotWidth, height: plotRows - energyRows)
    let curve = Rect(row: bars.bottom + 1, column: rect.column, width: plotWidth, height: energyRows)
    drawLines(legend, in: rect)

    // Singular values, log scale from a little below the smallest positive one.
    let positive = values.filter { $0 > 0 }.map { log10(Double($0)) }
    let high = positive.max() ?? 0
    let low = (positive.min() ?? 0) - max(high - (positive.min() ?? 0), 1) * 0.05
    let fractions = resampled(values.map(Double.init), to: plotWidth).map { value in
      value > 0 ? (log10(value) - low) / max(high - low, 1e-12) : 0
    }
    let styles = (0..<plotWidth).map { column in
      rankColumn.map { column >= $0 } == true ? theme.dim : theme.plain
    }
    drawBars(eighths: eighths(fractions, rows: bars.height), styles: styles, in: bars)

    var axis = CellStrip(width: plotWidth, character: glyphs.horizontal, style: theme.dim)
    if let rankColumn { axis.set(rankColumn, glyphs.vertical, theme.highlight) }
    put(axis, row: bars.bottom, column: rect.column)
    drawEnergyCurve(energy, rankColumn: rankColumn, in: curve)
    if let rankColumn {
      // The marker runs through the empty cells above the bars too.
      for line in 0..<bars.height where canvas[bars.row + line, bars.column + rankColumn].text == " " {
        canvas.put(String(glyphs.vertical), row: bars.row + line, column: bars.column + rankColumn, style: theme.highlight)
      }
    }
    let rankLabel = detail.rank.flatMap { rank in rankColumn.map { ($0, "r\(rank)") } }
    drawAxisLabels(left: "1", right: String(count), middle: rankLabel, row: curve.bottom, in: curve)
    drawLines(text, in: Rect(row: curve.bottom + 1, column: rect.column, width: rect.width, height: text.count))
  }

  /// The cumulative energy from 0 (bottom) to 1 (top) as a braille line, two dots per column
  /// across and four per row down, with the kept rank's column marked.
  private mutating func drawEnergyCurve(_ energy: SpectrumEnergy, rankColumn: Int?, in rect: Rect) {
    let dotColumns = rect.width * 2
    let dotRows = rect.height * 4
    guard dotColumns > 0, dotRows > 0, !energy.cumulative.isEmpty else { return }
    var cells = [UInt8](repeating: 0, count: rect.width * rect.height)
    // Bit of the braille dot at (column within the cell, row within the cell).
    let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
    let count = energy.cumulative.count
    var previous: Int?
    for x in 0..<dotColumns {
      let index = cellIndex((Double(x) + 0.5) * Double(count) / Double(dotColumns), count: count)
      let y = cellIndex((1 - energy.cumulative[index]) * Double(dotRows - 1) + 0.5, count: dotRows)
      // Fill in from the previous point so that steep rises stay one line.
      let from = previous.map { $0 < y ? $0 + 1 : $0 > y ? $0 - 1 : y } ?? y
      for dotRow in min(from, y)...max(from, y) {
        cells[(dotRow / 4) * rect.width + x / 2] |= bits[x % 2][dotRow % 4]
      }
      previous = y
    }
    for line in 0..<rect.height {
      var strip = CellStrip(width: rect.width)
      for column in 0..<rect.width {
        let dots = cells[line * rect.width + column]
        if dots != 0 {
          strip.set(column, glyphs.braille(dots), theme.accent)
        } else if column == rankColumn {
          strip.set(column, glyphs.vertical, theme.highlight)
        }
      }
      put(strip, row: rect.row + line, column: rect.column)
    }
  }
}
