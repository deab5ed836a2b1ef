import PareWorkbench
import PareTerminal

/// Draws the explorer's screen for `state`: a pure function (no I/O, no clock, no globals)
/// whose canvas is exactly `state.width` x `state.height`.
///
/// Layout (DESIGN.md §7): the header on row 0; the tensor table on the left and the detail
/// pane of the selected tensor on the right, separated by a rule that doubles as a scroll bar;
/// the status line and the key hints on the last two rows; an overlay (help, prompt, question)
/// boxed over everything. Below 80 x 24 the screen only says that the terminal is too small.
public func render(_ state: ExplorerState) -> Canvas {
  var view = View(state: state)
  view.draw()
  return view.canvas
}

/// A rectangle of cells.
struct Rect: Equatable {
  var row: Int
  var column: Int
  var width: Int
  var height: Int

  /// The row below the rectangle.
  var bottom: Int { row + height }
  /// The column right of the rectangle.
  var right: Int { column + width }

  /// The part below the first `rows` rows.
  func dropping(rows: Int) -> Rect {
    let taken = min(max(rows, 0), height)
    return Rect(row: row + taken, column: column, width: width, height: height - taken)
  }
}

/// The styles of the explorer's semantic roles, with colour or without it.
///
/// Every role that carries meaning also has an attribute (reverse, bold, dim), so the screen
/// reads the same on a monochrome terminal (DESIGN.md §7, htop's monochrome scheme).
struct Theme {
  /// Ordinary text.
  let plain = Style.plain
  /// Labels and titles.
  let strong: Style
  /// Secondary information and things that cannot be changed.
  let dim: Style
  /// The selected table row and the current tab.
  let selected: Style
  /// Compression specs and the quantization grid.
  let accent: Style
  /// What the current plan changes: compressed values, the kept rank.
  let highlight: Style
  /// Errors.
  let error: Style
  /// Good, fair and poor quality (SQNR, metric change).
  let good: Style
  let fair: Style
  let poor: Style
  /// Keys in hints and help.
  let key: Style
  /// Whether the styles have colours.
  let colors: Bool

  init(colors: Bool) {
    self.colors = colors
    strong = Style(bold: true)
    dim = Style(dim: true)
    selected = Style(reverse: true)
    accent = colors ? Style(foreground: .cyan) : .plain
    highlight = colors ? Style(foreground: .yellow, bold: true) : Style(bold: true)
    error = colors ? Style(foreground: .red, bold: true) : Style(bold: true)
    good = colors ? Style(foreground: .green) : .plain
    fair = colors ? Style(foreground: .yellow) : .plain
    poor = colors ? Style(foreground: .red) : .plain
    key = colors ? Style(foreground: .cyan, bold: true) : Style(bold: true)
  }

  /// The style of an SQNR: good from 30 dB, fair from 15 dB, poor below.
  func quality(decibels: Double) -> Style {
    decibels >= 30 ? good : decibels >= 15 ? fair : poor
  }

  /// The style of what a value loses against a reference, as `kind` judges it: good for no
  /// loss, fair for a small one, poor for a large one.
  func change(_ kind: MetricKind, loss: Double) -> Style { mark(kind.severity(ofLoss: loss)) }

  /// A change level as coloured text (a bar glyph in the sensitivity map); without colours, a
  /// large loss is bold.
  func mark(_ level: MetricKind.Severity) -> Style {
    switch level {
    case .none: good
    case .small: fair
    case .large: colors ? poor : Style(bold: true)
    }
  }

  /// A change level as a coloured cell (a number on green, yellow or red); without colours, a
  /// large loss is bold.
  func cell(_ level: MetricKind.Severity) -> Style {
    guard colors else { return mark(level) }
    switch level {
    case .none: return Style(foreground: .black, background: .green)
    case .small: return Style(foreground: .black, background: .yellow)
    case .large: return Style(foreground: .white, background: .red, bold: true)
    }
  }
}

/// One frame being drawn: the state, its derived styles and the canvas. The drawing of each
/// part lives in the `View+*.swift` extensions.
struct View {
  let state: ExplorerState
  let theme: Theme
  let glyphs: Glyphs
  var canvas: Canvas
  /// Where the sensitivity map's cells were drawn, for the mouse (`mapCell(atRow:column:_:)`).
  var mapCells: [MapCellPlace] = []

  init(state: ExplorerState) {
    self.state = state
    theme = Theme(colors: state.colors)
    glyphs = state.glyphs
    canvas = Canvas(width: state.width, height: state.height)
  }

  /// Draws the whole screen.
  mutating func draw() {
    guard !state.isTooSmall else {
      drawTooSmall()
      return
    }
    let rows = state.visibleRows
    let selectedIndex = rows.firstIndex { $0.name == state.selection }
    let body = Rect(row: 1, column: 0, width: state.width, height: state.height - 3)
    let table = TableLayout(rows: state.rows, maximumWidth: TableLayout.maximumWidth(screenWidth: state.width))
    drawHeader(row: 0)
    drawTable(rows, selectedIndex: selectedIndex, layout: table,
              in: Rect(row: body.row, column: 0, width: table.width, height: body.height))
    let paneColumn = table.width + 2
    let pane = Rect(row: body.row, column: paneColumn, width: state.width - paneColumn, height: body.height)
    drawDetailPane(selected: selectedIndex.map { rows[$0] }, in: pane)
    drawStatusLine(row: state.height - 2, rows: rows, selectedIndex: selectedIndex)
    drawHints(row: state.height - 1)
    if let overlay = state.overlay { drawOverlay(overlay, pane: pane) }
  }

  /// The screen below the minimum size: what is wrong, centred, and how to leave.
  private mutating func drawTooSmall() {
    let size = "terminal too small: \(state.width) x \(state.height)"
    let need = "need at least \(minimumSize.width) x \(minimumSize.height)"
    let oneLine = size + ", " + need
    let lines = displayWidth(oneLine) <= state.width ? [oneLine, "", "q quits"] : [size, need, "", "q quits"]
    let top = max((state.height - lines.count) / 2, 0)
    for (offset, line) in lines.enumerated() {
      putCentred(line, row: top + offset, in: Rect(row: 0, column: 0, width: state.width, height: state.height),
                 style: offset == 0 ? theme.strong : theme.plain)
    }
  }
}
