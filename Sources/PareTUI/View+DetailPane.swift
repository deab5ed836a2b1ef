import PareTerminal

extension DetailView {
  /// The tab's title.
  var title: String { rawValue }

  /// The title where the pane is narrow.
  var shortTitle: String {
    switch self {
    case .histogram: "hist"
    case .spectrum: "svd"
    case .sparsity: "sparse"
    case .stats: "stats"
    case .sensitivity: "sens"
    }
  }
}

extension View {
  /// The detail pane: the views as tabs with the current one highlighted, the selected
  /// tensor's full name, and the current view of its data.
  mutating func drawDetailPane(selected: TensorRow?, in rect: Rect) {
    drawTabs(row: rect.row, in: rect)
    guard let row = selected else {
      canvas.put("no tensor selected", row: rect.row + 2, column: rect.column, style: theme.dim, maxWidth: rect.width)
      return
    }
    var nameLines = wrapped(row.name, width: rect.width, breakingAfter: ["."])
    if nameLines.count > 2 {
      nameLines = [Format.middleElided(row.name, toWidth: rect.width, ellipsis: glyphs.ellipsis)]
    }
    for (offset, line) in nameLines.enumerated() {
      canvas.put(line, row: rect.row + 1 + offset, column: rect.column, style: theme.strong, maxWidth: rect.width)
    }
    // The spec follows the name where it fits.
    if let spec = row.spec?.shortForm, let last = nameLines.last,
       displayWidth(last) + 2 + displayWidth(spec) <= rect.width {
      canvas.put(spec, row: rect.row + nameLines.count, column: rect.column + displayWidth(last) + 2,
                 style: theme.accent)
    }
    let content = rect.dropping(rows: 1 + nameLines.count)
    // The map needs no detail of the tensor: it is about every tensor.
    if state.detailView == .sensitivity {
      drawSensitivity(selected: row, in: content)
      return
    }
    guard let detail = state.details[row.name] else {
      canvas.put(computing, row: content.row, column: content.column, style: theme.dim, maxWidth: content.width)
      return
    }
    switch state.detailView {
    case .histogram: drawHistogram(detail, of: row, in: content)
    case .spectrum: drawSpectrum(detail, of: row, in: content)
    case .sparsity: drawSparsity(detail, of: row, in: content)
    case .stats: drawStats(detail, of: row, in: content)
    case .sensitivity: break
    }
  }

  /// "computing…", for data that is not there yet.
  var computing: String { "computing" + String(glyphs.ellipsis) }

  /// The view names as tabs, the current one in reverse video (`DetailTabs`).
  private mutating func drawTabs(row: Int, in rect: Rect) {
    let spans = DetailTabs(width: rect.width).segments.map { segment in
      TextSpan(segment.text, segment.view == nil ? theme.dim
        : segment.view == state.detailView && segment.isLabel ? theme.selected : theme.plain)
    }
    put(spans, row: row, column: rect.column - 1, maxWidth: rect.width + 1)
  }
}

/// The detail pane's tab row, for drawing it and for finding the tab a click hit: the view
/// names padded by a space each, short names where the full ones do not fit, one space apart
/// (unpadded) where even those do not, and the key that cycles them where there is room. It
/// starts one column left of the pane, on the space after the rule.
struct DetailTabs {
  /// A piece of the row: a tab's label (`view` set, `isLabel`) or padding beside it, or the
  /// key hint (`view` nil).
  struct Segment {
    let text: String
    let view: DetailView?
    let isLabel: Bool
  }

  let segments: [Segment]

  init(width: Int) {
    let views = DetailView.allCases
    func padded(_ title: (DetailView) -> String) -> [Segment] {
      views.map { Segment(text: " " + title($0) + " ", view: $0, isLabel: true) }
    }
    func total(_ segments: [Segment]) -> Int { segments.reduce(0) { $0 + displayWidth($1.text) } }
    var segments = padded(\.title)
    if total(segments) > width { segments = padded(\.shortTitle) }
    if total(segments) > width + 1 {
      segments = views.flatMap { [Segment(text: " ", view: $0, isLabel: false), Segment(text: $0.shortTitle, view: $0, isLabel: true)] }
    }
    if total(segments) + 7 <= width { segments.append(Segment(text: "  (Tab)", view: nil, isLabel: false)) }
    self.segments = segments
  }

  /// The view whose tab covers `offset` columns right of the row's start.
  func view(atOffset offset: Int) -> DetailView? {
    var start = 0
    for segment in segments {
      let end = start + displayWidth(segment.text)
      if offset >= start && offset < end { return segment.view }
      start = end
    }
    return nil
  }
}

/// Where the screen's parts are, as `render` places them: for the mouse.
struct ScreenGeometry {
  /// The detail pane's first column.
  let paneColumn: Int
  /// The row of the detail tabs.
  let tabRow = 1
  private let tabs: DetailTabs

  init(_ state: ExplorerState) {
    let table = TableLayout(rows: state.rows, maximumWidth: TableLayout.maximumWidth(screenWidth: state.width))
    paneColumn = table.width + 2
    tabs = DetailTabs(width: state.width - paneColumn)
  }

  /// The detail view whose tab is at `column`, if any.
  func tab(atColumn column: Int) -> DetailView? { tabs.view(atOffset: column - (paneColumn - 1)) }
}
