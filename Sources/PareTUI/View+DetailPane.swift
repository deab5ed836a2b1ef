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

  /// The view names as tabs, the current one in reverse video; short names where the full
  /// ones do not fit, one space apart (the current one unpadded) where even those do not, and
  /// the key that cycles them where there is room.
  private mutating func drawTabs(row: Int, in rect: Rect) {
    let views = DetailView.allCases
    func padded(_ title: (DetailView) -> String) -> [TextSpan] {
      views.map { TextSpan(" " + title($0) + " ", $0 == state.detailView ? theme.selected : theme.plain) }
    }
    var spans = padded(\.title)
    if width(of: spans) > rect.width { spans = padded(\.shortTitle) }
    if width(of: spans) > rect.width + 1 {
      spans = Array(views.map { [TextSpan($0.shortTitle, $0 == state.detailView ? theme.selected : theme.plain)] }
        .joined(separator: [TextSpan(" ")]))
      spans.insert(TextSpan(" "), at: 0)
    }
    if width(of: spans) + 7 <= rect.width { spans.append(TextSpan("  (Tab)", theme.dim)) }
    put(spans, row: row, column: rect.column - 1, maxWidth: rect.width + 1)
  }
}
