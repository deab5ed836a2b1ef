import Foundation
import PareTerminal
import PareWorkbench

extension View {
  /// The sensitivity view: the heat map of every swept tensor (rows) under every candidate
  /// (columns), each cell the metric change with only that tensor compressed; its progress while
  /// the sweep runs, or why there is none.
  mutating func drawSensitivity(selected row: TensorRow, in rect: Rect) {
    switch state.sensitivity {
    case .unavailable:
      let why = "nothing to measure: " + state.noMeasurementReason
      drawLines(wrapped(why, width: rect.width).map { [TextSpan($0, theme.dim)] }, in: rect)
    case .notComputed:
      drawSweepProgress(nil, in: rect)
    case .stopped:
      let lines = wrapped("sweep stopped (Esc); its finished candidates are cached", width: rect.width).map { [TextSpan($0, theme.strong)] }
        + [[]] + wrapped("Tab back to this view to go on", width: rect.width).map { [TextSpan($0, theme.dim)] }
      drawLines(lines, in: rect)
    case let .computing(progress):
      drawSweepProgress(progress, in: rect)
    case let .failed(why):
      let lines = wrapped("sensitivity failed: " + why, width: rect.width).map { [TextSpan($0, theme.error)] }
        + [[]] + wrapped("Tab back to this view to try again", width: rect.width).map { [TextSpan($0, theme.dim)] }
      drawLines(lines, in: rect)
    case let .computed(table):
      drawHeatMap(table, selected: row, in: rect)
    }
  }

  /// "computing… 37%", a bar, and what is being measured.
  private mutating func drawSweepProgress(_ progress: WorkProgress?, in rect: Rect) {
    let left = progress?.timeLeft.map { "  " + $0 } ?? ""
    var lines: [[TextSpan]] = [[TextSpan(computing + (progress.map { " \($0.percent)%" } ?? ""), theme.strong),
                                TextSpan(left, theme.plain)]]
    if let progress {
      let barWidth = min(rect.width, 40)
      let done = progress.percent * barWidth / 100
      lines.append([TextSpan(String(repeating: glyphs.bars[7], count: done), theme.accent),
                    TextSpan(String(repeating: glyphs.bars[0], count: barWidth - done), theme.dim)])
    }
    let what = "each tensor of two or more axes compressed alone by each candidate and measured; "
      + "finished candidates are cached for the next time; Esc stops"
    lines += [[]] + wrapped(what, width: rect.width).map { [TextSpan($0, theme.dim)] }
    drawLines(lines, in: rect)
  }

  /// The map (column heads, then one row per tensor, scrolled to keep the selected one in
  /// view), its legend, then the selected tensor's cells in figures, each part where it fits.
  private mutating func drawHeatMap(_ table: SensitivityTable, selected row: TensorRow, in rect: Rect) {
    let layout = HeatMapLayout(table: table, width: rect.width)
    let count = table.tensors.count
    let details = selectedLines(table, row, width: rect.width)
    // Every row with the legend under it; else as many rows as leave room for the legend (at
    // least three); else rows only.
    var legend = legendLines(table, layout, scrolls: false, width: rect.width)
    var shown = min(count, max(rect.height - 2, 0))
    if shown + 3 + legend.count > rect.height {
      legend = legendLines(table, layout, scrolls: true, width: rect.width)
      let room = rect.height - 3 - legend.count
      if room >= min(count, 3) { shown = room } else { legend = [] }
    }
    drawHeads(layout, row: rect.row, column: rect.column)
    let anchor = anchorIndex(table, selected: row.name)
    let first = max(0, min(anchor - shown / 2, count - shown))
    for offset in 0..<shown {
      drawMapRow(table, index: first + offset, layout: layout, row: rect.row + 2 + offset, column: rect.column)
    }
    var below = rect.dropping(rows: 2 + shown)
    if !legend.isEmpty {
      drawLines(legend, in: below.dropping(rows: 1))
      below = below.dropping(rows: 1 + legend.count)
    }
    if let lines = details.first(where: { $0.count + 1 <= below.height }) {
      drawLines(lines, in: below.dropping(rows: 1))
    } else if let lines = details.first(where: { $0.count <= below.height }) {
      drawLines(lines, in: below)  // without the blank line before them
    }
  }

  /// The two head rows: each family of candidates over its columns ("int", "rank/"), then each
  /// candidate's numbers ("4", "8").
  private mutating func drawHeads(_ layout: HeatMapLayout, row: Int, column: Int) {
    for family in layout.families {
      let span = layout.span(of: family)
      let title = Canvas.truncated(family.name, toWidth: span.width, ellipsis: glyphs.ellipsis)
      canvas.put(title, row: row, column: column + span.column, style: theme.strong, maxWidth: span.width)
    }
    for (parameter, cell) in zip(layout.parameters, layout.cells) {
      let text = Canvas.truncated(parameter, toWidth: cell.width, ellipsis: glyphs.ellipsis)
      canvas.put(text.leftPadded(toLength: cell.width), row: row + 1, column: column + cell.column, style: theme.plain,
                 maxWidth: cell.width)
    }
  }

  /// One tensor's row: its label (reversed when selected), then a cell per candidate.
  private mutating func drawMapRow(_ table: SensitivityTable, index: Int, layout: HeatMapLayout, row: Int, column: Int) {
    let tensor = table.tensors[index]
    let label = Format.middleElided(HeatMapLayout.abbreviated(layout.labels[index], toWidth: layout.labelWidth),
                                    toWidth: layout.labelWidth, ellipsis: glyphs.ellipsis)
    canvas.put(label.rightPadded(toLength: layout.labelWidth), row: row, column: column,
               style: tensor.name == state.selection ? theme.selected : theme.plain, maxWidth: layout.labelWidth)
    let isSelected = tensor.name == state.selection
    for (index, (candidate, cell)) in zip(table.candidates, layout.cells).enumerated() {
      let (text, style) = cellText(table.cell(tensor.name, candidate), table: table, width: cell.width,
                                   numbers: layout.showsNumbers)
      // The cell Enter applies: reversed on the selected tensor's row.
      let shown = isSelected && index == selectedColumn(table) ? Style(bold: true, reverse: true) : style
      canvas.put(text, row: row, column: column + cell.column, style: shown, maxWidth: cell.width)
      mapCells.append(MapCellPlace(row: row, columns: (column + cell.column)..<(column + cell.column + cell.width),
                                   tensor: tensor.name, candidateIndex: index))
    }
  }

  /// A cell's text and style: with `numbers`, the change as the metric shows it on the level's colour (one
  /// decimal, or none where that does not fit), else a bar as tall as the loss (on a log scale)
  /// in the level's colour; "-" for a cell not measured.
  private func cellText(_ cell: SensitivityCell?, table: SensitivityTable, width: Int, numbers: Bool) -> (String, Style) {
    guard let cell else { return ("-".leftPadded(toLength: width), theme.dim) }
    let kind = table.metric
    let loss = kind.loss(cell.value, from: table.baseline)
    let level = kind.severity(ofLoss: loss)
    if numbers, let number = HeatMapLayout.number(kind.shownChange(cell.value, from: table.baseline), decimals: kind.changeDecimals, width: width) {
      return (number.leftPadded(toLength: width), theme.cell(level))
    }
    // No loss gives the lowest bar, everything lost (100 points of accuracy) the full one.
    let bar = glyphs.bar(kind.barHeight(ofLoss: loss))
    return (String(bar).leftPadded(toLength: width), theme.mark(level))
  }

  /// The map's selected column, within the table.
  private func selectedColumn(_ table: SensitivityTable) -> Int { min(max(state.mapColumn, 0), max(table.candidates.count - 1, 0)) }

  /// The index of the row to keep in view: the selected tensor's, or for a tensor outside the
  /// map (1-D, integer) the nearest one above it in the model.
  private func anchorIndex(_ table: SensitivityTable, selected name: String) -> Int {
    let rowsOfMap = Dictionary(uniqueKeysWithValues: table.tensors.enumerated().map { ($1.name, $0) })
    var anchor = 0
    for row in state.rows {
      if let index = rowsOfMap[row.name] { anchor = index }
      if row.name == name { break }
    }
    return anchor
  }

  /// What the cells mean: the metric and unit, the colours (or the bars' heights), that 1-D
  /// tensors are left out, and that the rows scroll.
  private func legendLines(_ table: SensitivityTable, _ layout: HeatMapLayout, scrolls: Bool, width: Int) -> [[TextSpan]] {
    let kind = table.metric
    let units = kind.changeUnits.isEmpty ? "" : " in " + kind.changeUnits
    let meaning = wrapped("\(kind.name) change\(units) with only that tensor compressed", width: width)
    let large = Format.trimmed(kind.largeLoss)
    var groups: [[TextSpan]] = []
    if theme.colors {
      groups.append([TextSpan("no loss", theme.mark(.none)), TextSpan("  "), TextSpan("under " + large, theme.mark(.small)),
                     TextSpan("  "), TextSpan(large + " or more", theme.mark(.large))])
    } else {
      groups.append([TextSpan("bold: \(large) or more", theme.mark(.large))])
    }
    if !layout.showsNumbers { groups.append([TextSpan("bar height: loss, log scale", theme.dim)]) }
    groups.append([TextSpan("1-D tensors not swept", theme.dim)])
    if scrolls { groups.append([TextSpan("\(table.tensors.count) tensors, scrolled", theme.dim)]) }
    let pick: [TextSpan] = table.candidates.isEmpty ? [] : [
      TextSpan(glyphs.keyLabel("←/→"), theme.key), TextSpan(" pick, "), TextSpan("Enter", theme.key), TextSpan(" sets "),
      TextSpan(table.candidates[selectedColumn(table)].description, theme.accent),
    ]
    return meaning.map { [TextSpan($0, theme.dim)] } + packed(groups, width: width) + (pick.isEmpty ? [] : [pick])
  }

  /// The selected tensor's cells in figures, each form in as many columns as the width takes,
  /// richest first: size, change in points and KL divergence per candidate under column titles,
  /// then without the KL, then the change alone, then "int4 -0.20" pairs packed into lines. For
  /// a tensor outside the map, why.
  private func selectedLines(_ table: SensitivityTable, _ row: TensorRow, width limit: Int) -> [[[TextSpan]]] {
    let cells = table.cells(of: row.name)
    guard !cells.isEmpty else {
      let why = row.shape.count < 2 ? "1-D tensor: not in the sweep; a search leaves it as stored"
        : "not in the sweep: no floating-point weights Pare can write"
      return [wrapped(why, width: limit).map { [TextSpan($0, theme.dim)] }]
    }
    let names = cells.map(\.candidate.description)
    let sizes = cells.map { Format.bytes($0.bytes) }
    let kind = table.metric
    let changes = cells.map { Format.signed(kind.shownChange($0.value, from: table.baseline), decimals: kind.changeDecimals) }
    let divergences = cells.map { $0.meanKL.map(Format.value) ?? "-" }
    let hasKL = cells.contains { $0.meanKL != nil }
    let columns: [[(title: String, values: [String])]] = [
      [("", names), ("size", sizes), (kind.changeTitle, changes)] + (hasKL ? [("KL", divergences)] : []),
      [("", names), ("size", sizes), (kind.changeTitle, changes)],
      [("", names), (kind.changeTitle, changes)],
    ]
    let pairs = zip(names, changes).map { [TextSpan($0 + " "), TextSpan($1)] }
    return columns.compactMap { fields in
      let widths = fields.map { field in ([field.title] + field.values).map { displayWidth($0) }.max() ?? 0 }
      let groupWidth = widths.reduce(0, +) + 2 * (widths.count - 1)
      guard groupWidth <= limit else { return nil }
      let perLine = (limit + 3) / (groupWidth + 3)
      let lineCount = (cells.count + perLine - 1) / perLine
      func group(_ values: [String], style: (Int) -> Style) -> [TextSpan] {
        Array(values.enumerated().map { index, value in
          [TextSpan(index == 0 ? value.rightPadded(toLength: widths[0]) : value.leftPadded(toLength: widths[index]), style(index))]
        }.joined(separator: [TextSpan("  ")]))
      }
      let header = group(fields.map(\.title)) { _ in theme.dim }
      var lines = [Array(Array(repeating: header, count: min(perLine, cells.count)).joined(separator: [TextSpan("   ")]))]
      for line in 0..<lineCount {
        // Column-major: the candidates read down, then across.
        let members = stride(from: line, to: cells.count, by: lineCount).map { index in
          group(fields.map { $0.values[index] }) { field in
            field == 0 && cells[index].spec == row.spec ? theme.highlight : theme.plain
          }
        }
        lines.append(Array(members.joined(separator: [TextSpan("   ")])))
      }
      return lines
    } + [packed(pairs, width: limit)]
  }
}

/// Where the heat map's parts go: the label column, then a cell per candidate, the candidates
/// grouped into families under one head ("int" over 2, 3, 4, 6, 8).
///
/// Cells are as wide as fits, up to `widestCell`, with the labels up to 12 columns; a cell at
/// least two wide is also wide enough for its head and a space before it ("50" under prune), so
/// heads never run together; a space between families where it fits.
struct HeatMapLayout {
  /// A run of neighbouring candidates sharing a family name ("int" for int2 ... int8).
  struct Family {
    let name: String
    /// Index of its first candidate.
    let first: Int
    let count: Int
  }

  /// Each tensor's label: its name less the suffix every tensor shares (".weight").
  let labels: [String]
  let labelWidth: Int
  /// The narrowest cell: the width every cell has unless its head needs more.
  let cellWidth: Int
  let families: [Family]
  /// Each candidate's numbers, its head ("4" for int4, "8/4" for rank/8+int4).
  let parameters: [String]
  /// Each candidate's cell: column from the map's left edge, and width.
  let cells: [(column: Int, width: Int)]

  /// Widest cell: room for " -74.6".
  static let widestCell = 6

  init(table: SensitivityTable, width: Int) {
    labels = Self.labels(table.tensors.map(\.name))
    let parts = table.candidates.map { Self.split($0.description) }
    parameters = parts.map(\.parameter)
    var families: [Family] = []
    var familyOf: [Int] = []
    for (index, part) in parts.enumerated() {
      if let last = families.last, last.name == part.family {
        families[families.count - 1] = Family(name: last.name, first: last.first, count: last.count + 1)
      } else {
        families.append(Family(name: part.family, first: index, count: 1))
      }
      familyOf.append(families.count - 1)
    }
    self.families = families
    let longest = labels.map { displayWidth($0) }.max() ?? 0
    let parameters = parameters
    func placed(_ cell: Int, gaps: Bool) -> [(column: Int, width: Int)] {
      var column = 0
      return parameters.indices.map { index in
        if gaps && index > 0 && familyOf[index] != familyOf[index - 1] { column += 1 }
        let width = cell == 1 ? 1 : max(cell, displayWidth(parameters[index]) + 1)
        defer { column += width }
        return (column, width)
      }
    }
    let layouts = (1...Self.widestCell).reversed().flatMap { cell in [true, false].map { (cell, placed(cell, gaps: $0)) } }
    let mapWidth = { (cells: [(column: Int, width: Int)]) in cells.last.map { $0.column + $0.width } ?? 0 }
    let chosen = layouts.first { min(longest, 12) + 1 + mapWidth($0.1) <= width } ?? layouts[layouts.count - 1]
    let labelWidth = max(0, min(longest, width - 1 - mapWidth(chosen.1)))
    (cellWidth, self.labelWidth) = (chosen.0, labelWidth)
    cells = chosen.1.map { (labelWidth + 1 + $0.column, $0.width) }
  }

  /// Whether the cells are wide enough for numbers.
  var showsNumbers: Bool { Self.number(-10, decimals: 2, width: cellWidth) != nil }

  /// The columns of family `family`'s cells, from the map's left edge.
  func span(of family: Family) -> (column: Int, width: Int) {
    let first = cells[family.first], last = cells[family.first + family.count - 1]
    return (first.column, last.column + last.width - first.column)
  }

  /// A change as a cell shows it, leaving a space before it: one decimal fewer than the metric
  /// shows elsewhere, down to none, as the width takes (one decimal, or none, for points):
  /// large ones; nil when even that does not fit.
  static func number(_ change: Double, decimals: Int, width: Int) -> String? {
    stride(from: decimals - 1, through: 0, by: -1).lazy.map { Format.signed(change, decimals: $0) }.first { displayWidth($0) < width }
  }

  /// `names` less the dotted suffix they all share (".weight"), when every name keeps something.
  static func labels(_ names: [String]) -> [String] {
    guard let first = names.first, names.count > 1 else { return names }
    var suffix = ""
    for part in first.split(separator: ".").reversed() {
      let longer = "." + part + suffix
      guard names.allSatisfy({ $0.hasSuffix(longer) && $0.count > longer.count }) else { break }
      suffix = longer
    }
    return names.map { String($0.dropLast(suffix.count)) }
  }

  /// `label` with its dotted parts cut to their first letter from the left, as far as needed
  /// to fit `width` ("encoder.layer.5.attention.output.dense" becomes "e.l.5.a.output.dense"):
  /// numbers and the last part, which tell tensors apart, are kept whole.
  static func abbreviated(_ label: String, toWidth width: Int) -> String {
    var parts = label.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    var index = 0
    while displayWidth(parts.joined(separator: ".")) > width && index < parts.count - 1 {
      if Int(parts[index]) == nil, let first = parts[index].first { parts[index] = String(first) }
      index += 1
    }
    return parts.joined(separator: ".")
  }

  /// A candidate's family (its text without the numbers) and its numbers joined by "/":
  /// ("int", "4"), ("rank/", "8"), ("rank/+int", "8/4"), ("prune", "97.5").
  static func split(_ text: String) -> (family: String, parameter: String) {
    var family = "", numbers: [String] = [], number = ""
    for character in text {
      if character.isNumber || (character == "." && !number.isEmpty) {
        number.append(character)
        continue
      }
      if !number.isEmpty { numbers.append(number); number = "" }
      family.append(character)
    }
    if !number.isEmpty { numbers.append(number) }
    return (family, numbers.joined(separator: "/"))
  }
}

/// Where one cell of the sensitivity map is on the screen, and what it is.
struct MapCellPlace: Equatable {
  /// The screen row.
  let row: Int
  /// The screen columns it covers.
  let columns: Range<Int>
  /// The tensor of its row.
  let tensor: String
  /// Its candidate's index in the table (the map column Enter applies).
  let candidateIndex: Int
}

/// The sensitivity-map cell `render` draws at (`row`, `column`), if any: the screen is drawn
/// again (a pure function of the state) rather than its geometry computed twice.
func mapCell(atRow row: Int, column: Int, _ state: ExplorerState) -> MapCellPlace? {
  guard state.detailView == .sensitivity, state.sensitivity.table != nil else { return nil }
  var view = View(state: state)
  view.draw()
  return view.mapCells.first { $0.row == row && $0.columns.contains(column) }
}
