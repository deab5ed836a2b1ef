/// One cell of a `Canvas`.
///
/// Cells are made only by `Canvas` so that its invariants hold: `text` is one printable
/// character (with at most four combining marks) covering one or two columns, and a
/// two-column character is always followed by a continuation cell.
public struct Cell: Hashable, Sendable {
  /// What the cell shows; `""` for the right half of a wide character, whose left half holds it.
  public internal(set) var text: String
  /// How the cell is drawn.
  public internal(set) var style: Style

  /// Whether this is the right half of a two-column character.
  public var isContinuation: Bool { text.isEmpty }

  /// A space in the plain style: what a new canvas is filled with.
  public static let blank = Cell(text: " ", style: .plain)
}

/// A grid of styled cells, the frame that a pure `view(state)` produces and a `Terminal` draws.
///
/// A value type so that views stay pure and tests can compare frames. Writes outside the grid
/// are ignored rather than trapping, so layout code never has to guard its arithmetic; text is
/// measured in display columns (see `displayWidth(of:)`), never split through a wide
/// character, and control characters show as `?`.
public struct Canvas: Hashable, Sendable {
  /// Columns.
  public let width: Int
  /// Rows.
  public let height: Int
  /// Row-major, `width * height` cells.
  private var cells: [Cell]

  /// A blank canvas; negative sizes are taken as zero.
  public init(width: Int, height: Int) {
    self.width = max(width, 0)
    self.height = max(height, 0)
    cells = Array(repeating: .blank, count: self.width * self.height)
  }

  /// The cell at a position, or `Cell.blank` outside the canvas.
  public subscript(row: Int, column: Int) -> Cell {
    contains(row: row, column: column) ? cells[row * width + column] : .blank
  }

  /// Writes one line of text starting at a column and returns how many columns it took.
  ///
  /// The text is clipped at the right edge and after `maxWidth` columns (`nil`: no limit).
  /// A wide character that would be cut in two is replaced by a space in the columns left,
  /// whether the cut is at the right limit or at the left edge (negative `column`). A row
  /// outside the canvas writes nothing but reports the same width, so `column + result` is
  /// always where following text goes. Overwriting half of an existing wide character blanks
  /// its other half.
  @discardableResult
  public mutating func put(
    _ text: String, row: Int, column: Int, style: Style = .plain, maxWidth: Int? = nil
  ) -> Int {
    var limit = width
    if let maxWidth, maxWidth < limit.subtractingClamped(column) {
      limit = column.addingClamped(max(maxWidth, 0))
    }
    guard column < limit else { return 0 }
    let rowIsVisible = row >= 0 && row < height
    var x = column
    var used = 0
    TextWidth.forEachUnit(in: text) { unit in
      // x < limit here, so these additions cannot overflow.
      if x + unit.width > limit {
        // Only a two-column character can overshoot: pad its one remaining column.
        if rowIsVisible && x >= 0 { setCell(" ", width: 1, row: row, column: x, style: style) }
        used += 1
        return false
      }
      if rowIsVisible {
        if x >= 0 {
          setCell(unit.text, width: unit.width, row: row, column: x, style: style)
        } else if x + unit.width > 0 {
          setCell(" ", width: 1, row: row, column: 0, style: style)
        }
      }
      x += unit.width
      used += unit.width
      return x < limit
    }
    return used
  }

  /// Fills a rectangle with a character (default: spaces), clipped to the canvas.
  ///
  /// A two-column character is repeated at every other column, with a space where an odd
  /// column is left over; a zero-width character fills with spaces.
  public mutating func fill(
    row: Int, column: Int, width: Int, height: Int,
    character: Character = " ", style: Style = .plain
  ) {
    let firstRow = max(row, 0)
    let endRow = min(self.height, row.addingClamped(max(height, 0)))
    let firstColumn = max(column, 0)
    let endColumn = min(self.width, column.addingClamped(max(width, 0)))
    guard firstRow < endRow, firstColumn < endColumn else { return }
    let span = endColumn - firstColumn
    let unit = Canvas.displayWidth(of: String(character)) > 0 ? String(character) : " "
    let line = String(repeating: unit, count: span)
    for fillRow in firstRow..<endRow {
      put(line, row: fillRow, column: firstColumn, style: style, maxWidth: span)
    }
  }

  /// The canvas as plain text: every row followed by a newline, trailing spaces trimmed, each
  /// wide character once. Golden-screen tests compare this with text files.
  public var text: String {
    var result = ""
    for row in 0..<height {
      var line = ""
      for column in 0..<width { line += cells[row * width + column].text }
      while line.last == " " { line.removeLast() }
      result += line
      result += "\n"
    }
    return result
  }

  /// A stretch of adjacent cells in one row with the same style.
  public struct Run: Hashable, Sendable {
    /// The column where the run starts.
    public var column: Int
    /// The run's text, each wide character once, trailing spaces kept.
    public var text: String
    /// The style of every cell in the run.
    public var style: Style
  }

  /// A row split into runs of equal style, left to right; empty for a row outside the canvas.
  /// Lets tests check styles ("the selected row is reverse from column 0 to 39") without
  /// comparing cells one by one.
  public func runs(row: Int) -> [Run] {
    guard row >= 0 && row < height else { return [] }
    var runs: [Run] = []
    for column in 0..<width {
      let cell = cells[row * width + column]
      if let last = runs.indices.last, runs[last].style == cell.style || cell.isContinuation {
        runs[last].text += cell.text
      } else {
        runs.append(Run(column: column, text: cell.text, style: cell.style))
      }
    }
    return runs
  }

  /// The columns `text` takes when written with `put`: 1 per ordinary character, 2 per wide
  /// character (CJK, most emoji), 0 for combining marks and format characters, 1 per control
  /// character (shown as `?`). The same on every machine, whatever the process locale.
  public static func displayWidth(of text: String) -> Int {
    var total = 0
    TextWidth.forEachUnit(in: text) { unit in
      total += unit.width
      return true
    }
    return total
  }

  /// `text` shortened to at most `width` columns, ending in `ellipsis` when it had to be cut
  /// (pass `Glyphs.ellipsis`); text that fits is returned unchanged.
  public static func truncated(_ text: String, toWidth width: Int, ellipsis: Character) -> String {
    guard displayWidth(of: text) > width else { return text }
    let ellipsisWidth = displayWidth(of: String(ellipsis))
    guard width >= ellipsisWidth else { return "" }
    var result = ""
    var used = 0
    TextWidth.forEachUnit(in: text) { unit in
      guard used + unit.width <= width - ellipsisWidth else { return false }
      result += unit.text
      used += unit.width
      return true
    }
    result.append(ellipsis)
    return result
  }

  private func contains(row: Int, column: Int) -> Bool {
    row >= 0 && row < height && column >= 0 && column < width
  }

  /// Stores one cell group at a position where all its columns fit, first blanking the other
  /// half of any wide character that the write cuts in two.
  private mutating func setCell(_ text: String, width cellWidth: Int, row: Int, column: Int, style: Style) {
    let index = row * width + column
    if cells[index].isContinuation && column > 0 {
      cells[index - 1].text = " "
    }
    if column + cellWidth < width && cells[index + cellWidth].isContinuation {
      cells[index + cellWidth].text = " "
    }
    cells[index] = Cell(text: text, style: style)
    if cellWidth == 2 { cells[index + 1] = Cell(text: "", style: style) }
  }
}

extension Int {
  /// `self + other`, saturating at the bounds of `Int` instead of trapping.
  func addingClamped(_ other: Int) -> Int {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? (other > 0 ? .max : .min) : sum
  }

  /// `self - other`, saturating at the bounds of `Int` instead of trapping.
  func subtractingClamped(_ other: Int) -> Int {
    let (difference, overflow) = subtractingReportingOverflow(other)
    return overflow ? (other < 0 ? .max : .min) : difference
  }
}
