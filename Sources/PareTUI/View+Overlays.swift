import PareTerminal
import PareWorkbench

extension View {
  /// The modal layer, boxed over the screen (the filter prompt over the detail `pane`).
  mutating func drawOverlay(_ overlay: Overlay, pane: Rect) {
    switch overlay {
    case .help: drawHelp()
    case .messages: drawMessages()
    case let .prompt(prompt): drawPrompt(prompt, pane: pane)
    case let .confirm(question): drawConfirmation(question)
    }
  }

  // MARK: - Help

  /// The key reference generated from `Keymap.bindings`: each binding's keys and help text, in
  /// one column where it fits, else in two with the text wrapped; taller than the screen, in one
  /// column that scrolls (`helpScroll`), the footer saying which lines are shown.
  private mutating func drawHelp() {
    let (layout, columnWidth) = helpLayout()
    let textWidth = state.width - 4
    let visible = state.height - 2
    let scroll = min(state.helpScroll, helpScrollLimit)
    let lineCount = layout.map(\.count).max() ?? 0
    let scrolls = lineCount > visible
    let contentWidth = layout.count == 1 ? min(textWidth, layout[0].map { width(of: $0) }.max() ?? 0) : textWidth
    let height = min(lineCount + 2, state.height)
    let keys = glyphs.keyLabel("↑/↓")
    let footer = scrolls ? "\(scroll + 1)-\(min(scroll + visible, lineCount)) of \(lineCount), \(keys) scroll, other keys close"
      : "any key closes"
    let rect = centred(width: min(max(contentWidth, displayWidth(footer) + 4) + 4, state.width), height: height)
    drawBox(rect, title: "keys", footer: footer)
    for (index, lines) in layout.enumerated() {
      let column = rect.column + 2 + index * (columnWidth + 3)
      let shown = Array(lines.dropFirst(scroll).prefix(visible))
      drawLines(shown, in: Rect(row: rect.row + 1, column: column, width: columnWidth, height: rect.height - 2))
    }
  }

  /// The help's columns of lines and their width: one column if it fits the screen, else two
  /// with the text wrapped if they do, else one to scroll.
  func helpLayout() -> (columns: [[[TextSpan]]], columnWidth: Int) {
    let entries = Keymap.bindings
    let labelWidth = entries.map { displayWidth(glyphs.keyLabel($0.label)) }.max() ?? 0
    let textWidth = state.width - 4
    for columns in [1, 2] {
      let columnWidth = (textWidth - 3 * (columns - 1)) / columns
      let blocks = entries.map { helpBlock($0, labelWidth: labelWidth, width: columnWidth, wraps: true) }
      let layout = balancedColumns(blocks, count: columns)
      if layout.allSatisfy({ $0.count <= state.height - 2 }) { return (layout, columnWidth) }
    }
    let blocks = entries.map { helpBlock($0, labelWidth: labelWidth, width: textWidth, wraps: true) }
    return ([blocks.flatMap { $0 }], textWidth)
  }

  /// The most the help scrolls: 0 where it fits the screen.
  var helpScrollLimit: Int {
    let lines = helpLayout().columns.map(\.count).max() ?? 0
    return max(0, lines - (state.height - 2))
  }

  // MARK: - Messages

  /// The message log (`M`): the latest messages that fit, oldest first, each with the time
  /// since the explorer started; errors in red.
  private mutating func drawMessages() {
    let boxWidth = state.width - 4
    let textWidth = boxWidth - 4
    var lines: [[TextSpan]] = []
    for message in state.messageLog {
      let time = Format.duration(Double(message.tick) * 0.05)
      let stamp = time.leftPadded(toLength: 7) + "  "
      let style = message.isError ? theme.error : theme.plain
      for (index, line) in wrapped(message.text, width: max(textWidth - 9, 1)).enumerated() {
        lines.append([TextSpan(index == 0 ? stamp : String(repeating: " ", count: 9), theme.dim), TextSpan(line, style)])
      }
    }
    if lines.isEmpty { lines = [[TextSpan("no messages yet", theme.dim)]] }
    let visible = state.height - 4
    let shown = Array(lines.suffix(visible))
    let rect = centred(width: boxWidth, height: shown.count + 2)
    drawBox(rect, title: "messages", footer: lines.count > visible ? "latest \(visible) lines, any key closes" : "any key closes")
    drawLines(shown, in: Rect(row: rect.row + 1, column: rect.column + 2, width: textWidth, height: shown.count))
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

  /// A text prompt: what it is for, the text with a cursor, the full path an export writes, why
  /// the last Enter was refused, and its keys. The filter prompt sits over the detail pane so
  /// the table it filters stays in view; the others are centred.
  private mutating func drawPrompt(_ prompt: Prompt, pane: Rect) {
    let title: String
    let keys: [(String, String)]
    var below: [[TextSpan]] = []
    let boxWidth = prompt.purpose == .filter ? min(pane.width + 1, 60) : min(state.width - 4, 60)
    let innerWidth = boxWidth - 4
    switch prompt.purpose {
    case .exportPlan, .exportModel, .exportPackedModel:
      title = switch prompt.purpose {
      case .exportPlan: "Export the plan to:"
      case .exportModel: "Export the compressed model (drop-in, full size) to:"
      default: "Export the compressed model, drop-in and packed, to:"
      }
      keys = [("Enter", "write"), ("Tab", "plan/model/packed"), ("Esc", "cancel")]
      let typed = prompt.text.trimmingCharacters(in: .whitespaces)
      if !typed.isEmpty, let path = state.fullPath(typed) {
        let shown = prompt.purpose == .exportPlan || path.hasSuffix("/") ? path : path + "/"
        below.append([TextSpan(String(glyphs.arrow) + " " + Format.middleElided(shown, toWidth: innerWidth - 2, ellipsis: glyphs.ellipsis),
                               theme.dim)])
      }
    case .filter:
      title = "Filter:"
      keys = [("Enter", "keep"), ("Esc", "clear")]
    case .searchTarget:
      keys = [("Enter", "search and apply"), ("Esc", "cancel")]
      if state.search.llamaMixRefusal == nil {
        // A language model: the size of a llama.cpp mix too, as `pare search --like` takes it.
        title = "Target ratio (e.g. 8) or llama.cpp mix (e.g. q4_k_m):"
        if prompt.error == nil {
          below += wrapped("mixes: " + LlamaQuantMix.FileType.allCases.map(\.rawValue).joined(separator: " "), width: innerWidth)
            .map { [TextSpan($0, theme.dim)] }
        }
      } else {
        title = "Target ratio (e.g. 8 for an eighth of the size):"
      }
    case let .spec(tensor):
      let prefix = "Spec of ", suffix = ":"
      title = prefix + Format.middleElided(tensor, toWidth: innerWidth - prefix.count - suffix.count, ellipsis: glyphs.ellipsis) + suffix
      keys = [("Enter", "set"), ("Esc", "cancel")]
      if prompt.error == nil {
        below.append([TextSpan("e.g. int4  int4 g64  rank 64 int8  prune 50% int4  2:4  none", theme.dim)])
      }
    }
    if let error = prompt.error {
      below += wrapped(error, width: innerWidth).prefix(4).map { [TextSpan($0, theme.error)] }
    }
    let keySpans = Array(keys.map { [TextSpan($0.0, theme.key), TextSpan(" " + $0.1)] }.joined(separator: [TextSpan("  ")]))
    let height = 6 + below.count
    let rect = prompt.purpose == .filter
      ? Rect(row: pane.row + 1, column: pane.column - 1, width: boxWidth, height: height)
      : centred(width: boxWidth, height: height)
    let box = switch prompt.purpose {
    case .filter: "filter"
    case .exportPlan, .exportModel, .exportPackedModel: "export"
    case .searchTarget: "search"
    case .spec: "spec"
    }
    drawBox(rect, title: box, footer: nil)
    let inner = Rect(row: rect.row + 1, column: rect.column + 2, width: rect.width - 4, height: rect.height - 2)
    canvas.put(title, row: inner.row, column: inner.column, style: theme.strong, maxWidth: inner.width)
    drawField(prompt, row: inner.row + 1, column: inner.column, width: inner.width)
    drawLines(below, in: Rect(row: inner.row + 2, column: inner.column, width: inner.width, height: below.count))
    put(keySpans, row: inner.row + 3 + below.count, column: inner.column, maxWidth: inner.width)
  }

  /// The prompt's text with its cursor (a reversed cell), scrolled sideways to keep the cursor
  /// in view (an ellipsis where text is cut off on the left); a selected text is reversed whole.
  private mutating func drawField(_ prompt: Prompt, row: Int, column: Int, width fieldWidth: Int) {
    let characters = Array(prompt.text)
    let cursor = min(max(prompt.cursor, 0), characters.count)
    let widths = characters.map { displayWidth(String($0)) }
    // The first character shown: as few cut off as keep the cursor's cell in the field.
    var first = 0
    func needed(from start: Int) -> Int { widths[start..<cursor].reduce(0, +) + 1 + (start > 0 ? 1 : 0) }
    while first < cursor && needed(from: first) > fieldWidth { first += 1 }
    var at = column
    if first > 0 {
      canvas.put(String(glyphs.ellipsis), row: row, column: at, style: theme.dim)
      at += 1
    }
    let textStyle = prompt.isSelected ? theme.selected : theme.plain
    for index in first..<characters.count {
      guard at + widths[index] <= column + fieldWidth else { break }
      let style = index == cursor && !prompt.isSelected ? theme.selected : textStyle
      canvas.put(String(characters[index]), row: row, column: at, style: style)
      at += widths[index]
    }
    if cursor == characters.count || prompt.isSelected, at < column + fieldWidth {
      canvas.put(" ", row: row, column: at, style: theme.selected)
    }
  }

  // MARK: - Confirmation

  /// A yes/no question.
  private mutating func drawConfirmation(_ question: Confirmation) {
    let text: String
    let title: String
    let answers: [(String, String)]
    switch question {
    case let .quit(unsaved, searchTarget):
      let search = searchTarget.map { " The running \($0.name) search stops." } ?? ""
      (title, text) = ("quit", (unsaved ? "Quit without exporting the plan?" : "Quit?") + search)
      answers = [("y", "quit"), ("n", "stay")]
    case let .restoreSession(tensors):
      let count = tensors == 1 ? "1 tensor" : "\(tensors) tensors"
      (title, text) = ("restore", "Restore the plan from your last session on this model (\(count))?")
      answers = [("y", "restore it"), ("n", "start without it")]
    }
    // The answers on a line of their own: until one is given, every key waits for it.
    let keys = Array(answers.map { [TextSpan($0.0, theme.key), TextSpan(" " + $0.1)] }.joined(separator: [TextSpan("  ")]))
    let lines = wrapped(text, width: state.width - 8)
    let contentWidth = max(lines.map { displayWidth($0) }.max() ?? 0, width(of: keys))
    let rect = centred(width: contentWidth + 4, height: lines.count + 4)
    drawBox(rect, title: title, footer: nil)
    for (offset, line) in lines.enumerated() {
      canvas.put(line, row: rect.row + 1 + offset, column: rect.column + 2, style: theme.strong)
    }
    put(keys, row: rect.row + 2 + lines.count, column: rect.column + 2, maxWidth: contentWidth)
  }

  /// A rectangle of the given size in the middle of the screen.
  private func centred(width: Int, height: Int) -> Rect {
    Rect(row: max((state.height - height) / 2, 0), column: max((state.width - width) / 2, 0), width: width, height: height)
  }
}
