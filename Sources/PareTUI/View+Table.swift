import PareTerminal

/// Which columns the tensor table shows and how wide they are, decided from the content of
/// every row (so the columns stay put while scrolling) and the room the screen gives the table.
struct TableLayout {
  /// The table's columns, in display order.
  enum Column: CaseIterable {
    case name, shape, params, size, spec, error

    /// The column header.
    var title: String {
      switch self {
      case .name: "tensor"
      case .shape: "shape"
      case .params: "params"
      case .size: "size"
      case .spec: "spec"
      case .error: "SQNR"
      }
    }

    /// The cells the compression computes, shown as an ellipsis until it is done.
    var isPendingWhileCompressing: Bool { self == .size || self == .error }

    /// Numbers are right-aligned, words left-aligned.
    var alignsRight: Bool { self == .shape || self == .params || self == .size || self == .error }

    /// The cell text of `row` (the name unshortened).
    func text(of row: TensorRow) -> String {
      switch self {
      case .name: row.name
      case .shape: Format.shape(row.shape)
      case .params: Format.count(row.params)
      case .size: Format.bytes(row.currentBytes)
      case .spec: row.spec.map(\.shortForm) ?? ""
      case .error: Format.decibels(row.sqnrDecibels)
      }
    }
  }

  /// The columns after the name, most important first: what is kept when the table is narrow.
  static let priority: [Column] = [.spec, .size, .error, .shape, .params]
  /// Names are shortened to no less than this before a column is given up for them.
  static let minimumNameWidth = 24

  /// The shown columns in display order with their widths.
  let columns: [(column: Column, width: Int)]
  /// Columns the table takes, gaps included (the rule on its right not).
  let width: Int

  /// The most the table may take of a screen: 50 of 80 columns, 80 of 160; the detail pane
  /// gets the rest.
  static func maximumWidth(screenWidth: Int) -> Int { 20 + 3 * screenWidth / 8 }

  /// The layout for `rows` in at most `maximumWidth` columns: names as long as the longest
  /// (but shortened to leave room for columns in `priority` order), no wider than needed.
  init(rows: [TensorRow], maximumWidth: Int) {
    var contentWidth: [Column: Int] = [:]
    for column in Column.allCases { contentWidth[column] = displayWidth(column.title) }
    for row in rows {
      for column in Column.allCases {
        contentWidth[column] = max(contentWidth[column] ?? 0, displayWidth(column.text(of: row)))
      }
    }
    let longestName = contentWidth[.name] ?? 0
    let room = maximumWidth - 1  // the blank column before the rule
    var used = min(longestName, Self.minimumNameWidth)
    var shown: Set<Column> = [.name]
    for column in Self.priority {
      let needed = (contentWidth[column] ?? 0) + 1
      if used + needed <= room {
        shown.insert(column)
        used += needed
      }
    }
    let others = used - min(longestName, Self.minimumNameWidth)
    let nameWidth = min(longestName, max(room - others, 0))
    columns = Column.allCases.filter(shown.contains).map { ($0, $0 == .name ? nameWidth : contentWidth[$0] ?? 0) }
    // One blank column before the rule on the right.
    width = nameWidth + others + 1
  }
}

extension View {
  /// The table of `rows` in `rect`: a header line, then as many rows as fit from the effective
  /// scroll offset, the selected one in reverse video, and the rule on its right that shows
  /// where the visible rows are.
  mutating func drawTable(_ rows: [TensorRow], selectedIndex: Int?, layout: TableLayout, in rect: Rect) {
    drawTableHeader(layout: layout, row: rect.row, column: rect.column)
    let body = rect.dropping(rows: 1)
    let first = View.firstVisibleRow(offset: state.scrollOffset, selected: selectedIndex,
                                     count: rows.count, visible: body.height)
    if rows.isEmpty {
      let empty = state.filter.isEmpty ? "no tensors" : "no tensor matches \"\(state.filter)\""
      canvas.put(empty, row: body.row, column: body.column, style: theme.dim, maxWidth: layout.width)
    }
    for line in 0..<min(body.height, max(rows.count - first, 0)) {
      let index = first + line
      let row = rows[index]
      let isSelected = index == selectedIndex
      var base = row.isCompressible ? theme.plain : theme.dim
      if isSelected {
        base = row.isCompressible ? theme.selected : Style(dim: true, reverse: true)
        canvas.fill(row: body.row + line, column: body.column, width: layout.width, height: 1, style: base)
      }
      let cells = layout.columns.map { entry in
        entry.column == .name
          ? (Format.middleElided(row.name, toWidth: entry.width, ellipsis: glyphs.ellipsis), false)
          : (row.isPending && entry.column.isPendingWhileCompressing
              ? String(glyphs.ellipsis) : entry.column.text(of: row), entry.column.alignsRight)
      }
      let styles = isSelected || !row.isCompressible ? nil : layout.columns.map { cellStyle($0.column, of: row) }
      drawTableRow(cells, styles: styles, row: body.row + line, column: body.column, layout: layout, base: base)
    }
    drawScrollRule(column: rect.right, rows: rect, first: first, visible: body.height, count: rows.count)
  }

  /// The column titles, the sorted column's followed by an arrow, in the column's padding or
  /// the gap after it, so the layout never moves with the sort. A sort with no column of its own (sensitivity, the file's order
  /// reversed) titles the name column instead.
  private mutating func drawTableHeader(layout: TableLayout, row: Int, column: Int) {
    let sort = state.sort
    let marked: TableLayout.Column? = switch sort.key {
    case .file: sort.isReversed ? .name : nil
    case .name, .sensitivity: .name
    case .params: .params
    case .size: .size
    case .error: .error
    }
    let nameTitle = switch sort.key {
    case .sensitivity: "by sens"
    case .file where sort.isReversed: "by file"
    default: TableLayout.Column.name.title
    }
    let cells = layout.columns.map { ($0.column == .name ? nameTitle : $0.column.title, $0.column.alignsRight) }
    drawTableRow(cells, styles: nil, row: row, column: column, layout: layout, base: theme.strong)
    guard let index = layout.columns.firstIndex(where: { $0.column == marked }) else { return }
    let start = column + layout.columns[..<index].reduce(0) { $0 + $1.width + 1 }
    let (title, alignsRight) = cells[index]
    let width = layout.columns[index].width
    let arrow = sort.isDescending ? glyphs.descending : glyphs.ascending
    let x = alignsRight ? start + width : start + min(displayWidth(title), width)
    canvas.put(String(arrow), row: row, column: x, style: theme.accent)
  }

  /// One line of the table: `cells` aligned in the layout's columns, one space apart.
  private mutating func drawTableRow(_ cells: [(String, Bool)], styles: [Style]?, row: Int, column: Int,
                                     layout: TableLayout, base: Style) {
    var x = column
    for (index, (text, alignsRight)) in cells.enumerated() {
      let width = layout.columns[index].width
      let pad = alignsRight ? max(width - displayWidth(text), 0) : 0
      canvas.put(text, row: row, column: x + pad, style: styles?[index] ?? base, maxWidth: width - pad)
      x += width + 1
    }
  }

  /// Colour for the spec and error cells of an unselected row.
  private func cellStyle(_ column: TableLayout.Column, of row: TensorRow) -> Style {
    if row.isPending && column.isPendingWhileCompressing { return theme.dim }
    return switch column {
    case .spec: theme.accent
    case .error: row.sqnrDecibels.map { theme.quality(decibels: $0) } ?? theme.dim
    default: theme.plain
    }
  }

  /// The rule between table and detail pane; when the rows do not all fit, a thumb on it shows
  /// which part of the table is visible.
  private mutating func drawScrollRule(column: Int, rows rect: Rect, first: Int, visible: Int, count: Int) {
    for row in rect.row..<rect.bottom {
      canvas.put(String(glyphs.vertical), row: row, column: column, style: theme.dim)
    }
    guard count > visible, visible > 0 else { return }
    let thumb = max(1, visible * visible / count)
    let top = (visible - thumb) * first / max(count - visible, 1)
    let thumbGlyph = String(glyphs.bars[glyphs.bars.count - 1])
    for row in 0..<thumb {
      canvas.put(thumbGlyph, row: rect.bottom - visible + top + row, column: column, style: theme.dim)
    }
  }

  /// The first row to show: `offset` clamped to the rows there are, then moved just enough to
  /// bring the selected row into the `visible` rows shown.
  static func firstVisibleRow(offset: Int, selected: Int?, count: Int, visible: Int) -> Int {
    guard visible > 0, count > 0 else { return 0 }
    var first = min(max(offset, 0), max(count - visible, 0))
    if let selected {
      if selected < first { first = selected }
      if selected >= first + visible { first = selected - visible + 1 }
    }
    return first
  }
}
