import PareTerminal

extension View {
  /// The modal layer, boxed over the screen (the filter prompt over the detail `pane`).
  mutating func drawOverlay(_ overlay: Overlay, pane: Rect) {
    switch overlay {
    case .help: drawHelp()
    case let .prompt(prompt): drawPrompt(prompt, pane: pane)
    case let .confirm(question): drawConfirmation(question)
    }
  }

  // MARK: - Help

  /// The key reference generated from `Keymap.bindings`: each binding's keys and help text, in
  /// one column where it fits, else in two with the text wrapped, else in two cut short.
  private mutating func drawHelp() {
    let entries = Keymap.bindings
    let labelWidth = entries.map { displayWidth(glyphs.keyLabel($0.label)) }.max() ?? 0
    let textWidth = state.width - 4
    let rowsAvailable = state.height - 2
    let gap = 3

    // One column if it fits, else two with the text wrapped, else two with the text cut.
    var layout: [[[TextSpan]]] = []
    var columnWidth = textWidth
    for (columns, wraps) in [(1, true), (2, true), (2, false)] {
      columnWidth = (textWidth - gap * (columns - 1)) / columns
      let blocks = entries.map { helpBlock($0, labelWidth: labelWidth, width: columnWidth, wraps: wraps) }
      layout = balancedColumns(blocks, count: columns)
      if layout.allSatisfy({ $0.count <= rowsAvailable }) { break }
    }
    let contentWidth = layout.count == 1 ? min(textWidth, layout[0].map { width(of: $0) }.max() ?? 0) : textWidth
    let height = min((layout.map(\.count).max() ?? 0) + 2, state.height)
    let rect = centred(width: contentWidth + 4, height: height)
    drawBox(rect, title: "keys", footer: "any key closes")
    for (index, lines) in layout.enumerated() {
      let column = rect.column + 2 + index * (columnWidth + gap)
      drawLines(lines, in: Rect(row: rect.row + 1, column: column, width: columnWidth, height: rect.height - 2))
    }
  }

  /// The lines of one binding: its label, then its help text, wrapped (continuation lines
  /// indented under the text) or cut to one line.
  private func helpBlock(_ binding: KeyBinding, labelWidth: Int, width: Int, wraps: Bool) -> [[TextSpan]] {
    let indent = TextSpan(String(repeating: " ", count: labelWidth + 2))
    let keys = glyphs.keyLabel(binding.label)
    let label = [TextSpan(keys, theme.key), TextSpan(String(repeating: " ", count: labelWidth + 2 - displayWidth(keys)))]
    let textWidth = max(width - labelWidth - 2, 1)
    let text = wraps ? wrapped(binding.help, width: textWidth)
                     : [Canvas.truncated(binding.help, toWidth: textWidth, ellipsis: glyphs.ellipsis)]
    return text.enumerated().map { index, line in (index == 0 ? label : [indent]) + [TextSpan(line)] }
  }

  /// Blocks of lines split into `count` columns in order, as evenly as the blocks allow.
  private func balancedColumns(_ blocks: [[[TextSpan]]], count: Int) -> [[[TextSpan]]] {
    guard count > 1 else { return [blocks.flatMap { $0 }] }
    let total = blocks.reduce(0) { $0 + $1.count }
    var taken = 0
    var best = (split: blocks.count, height: total)
    for (index, block) in blocks.enumerated() {
      taken += block.count
      let height = max(taken, total - taken)
      if height < best.height { best = (index + 1, height) }
    }
    return [blocks[..<best.split].flatMap { $0 }, blocks[best.split...].flatMap { $0 }]
  }

  // MARK: - Prompt

  /// A text prompt: what it is for, the text with a cursor, and its keys. The filter prompt
  /// sits over the detail pane so the table it filters stays in view; the others are centred.
  private mutating func drawPrompt(_ prompt: Prompt, pane: Rect) {
    let title: String
    let keys: [(String, String)]
    switch prompt.purpose {
    case .exportPlan, .exportModel:
      title = prompt.purpose == .exportPlan ? "Export plan to:" : "Export compressed model to directory:"
      keys = [("Enter", "write"), ("Tab", "plan/model"), ("Esc", "cancel")]
    case .filter:
      title = "Filter:"
      keys = [("Enter", "keep"), ("Esc", "clear")]
    case .targetRatio:
      title = "Target ratio (e.g. 8 for an eighth of the size):"
      keys = [("Enter", "search and apply"), ("Esc", "cancel")]
    }
    let keySpans = Array(keys.map { [TextSpan($0.0, theme.key), TextSpan(" " + $0.1)] }.joined(separator: [TextSpan("  ")]))
    let rect = prompt.purpose == .filter
      ? Rect(row: pane.row + 1, column: pane.column - 1, width: min(pane.width + 1, 60), height: 6)
      : centred(width: min(state.width - 4, 60), height: 6)
    let box = switch prompt.purpose {
    case .filter: "filter"
    case .exportPlan, .exportModel: "export"
    case .targetRatio: "search"
    }
    drawBox(rect, title: box, footer: nil)
    let inner = Rect(row: rect.row + 1, column: rect.column + 2, width: rect.width - 4, height: rect.height - 2)
    canvas.put(title, row: inner.row, column: inner.column, style: theme.strong, maxWidth: inner.width)
    // The end of the text stays in view, with the cursor after it.
    let fieldWidth = inner.width - 1
    var text = prompt.text
    if displayWidth(text) > fieldWidth {
      text = String(Canvas.truncated(String(text.reversed()), toWidth: fieldWidth, ellipsis: glyphs.ellipsis).reversed())
    }
    let used = canvas.put(text, row: inner.row + 1, column: inner.column, style: prompt.isSelected ? theme.selected : theme.plain,
                          maxWidth: fieldWidth)
    canvas.put(" ", row: inner.row + 1, column: inner.column + used, style: theme.selected)
    put(keySpans, row: inner.row + 3, column: inner.column, maxWidth: inner.width)
  }

  // MARK: - Confirmation

  /// A yes/no question.
  private mutating func drawConfirmation(_ question: Confirmation) {
    let text: String
    let title: String
    switch question {
    case let .quit(unsaved, searchTarget):
      let search = searchTarget.map { " The running \(Format.trimmed($0))x search stops." } ?? ""
      (title, text) = ("quit", (unsaved ? "Quit without exporting the plan?" : "Quit?") + search + " y/n")
    case let .restoreSession(tensors):
      let count = tensors == 1 ? "1 tensor" : "\(tensors) tensors"
      (title, text) = ("restore", "Restore the plan from your last session on this model (\(count))? y/n")
    }
    let lines = wrapped(text, width: state.width - 8)
    let contentWidth = lines.map { displayWidth($0) }.max() ?? 0
    let rect = centred(width: contentWidth + 4, height: lines.count + 2)
    drawBox(rect, title: title, footer: nil)
    for (offset, line) in lines.enumerated() {
      canvas.put(line, row: rect.row + 1 + offset, column: rect.column + 2, style: theme.strong)
    }
  }

  /// A rectangle of the given size in the middle of the screen.
  private func centred(width: Int, height: Int) -> Rect {
    Rect(row: max((state.height - height) / 2, 0), column: max((state.width - width) / 2, 0), width: width, height: height)
  }
}
