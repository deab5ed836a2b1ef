import PareTerminal

extension View {
  /// The status line: the transient message if there is one (errors in red), otherwise the
  /// filter, the search or sweep running in the background, how much of the model the plan
  /// compresses, whether it is exported, whether undo and redo would do something, and where
  /// the plan sits against the frontier the searches found (only where all of it fits); on the
  /// right, the selected row's position.
  mutating func drawStatusLine(row: Int, rows: [TensorRow], selectedIndex: Int?) {
    let position = selectedIndex.map { "\($0 + 1)/\(rows.count)" } ?? (rows.isEmpty ? "" : "\(rows.count) shown")
    let positionWidth = displayWidth(position)
    canvas.put(position, row: row, column: state.width - positionWidth, style: theme.dim)
    let room = max(state.width - positionWidth - 2, 0)
    var groups: [[TextSpan]] = []
    if let message = state.message {
      groups = [[TextSpan(message.text, message.isError ? theme.error : theme.highlight)]]
    } else {
      if !state.filter.isEmpty {
        groups.append([TextSpan("/" + state.filter, theme.accent), TextSpan(" \(rows.count) of \(state.rows.count)", theme.dim)])
      }
      if let work = backgroundWork { groups.append([TextSpan(work, theme.highlight), TextSpan(" (Esc stops)", theme.dim)]) }
      let compressed = state.plan.tensors.count
      groups.append([TextSpan(compressed == 0 ? "no tensor compressed" : "\(compressed) of \(state.rows.count) compressed")])
      if !state.isExported { groups.append([TextSpan("not exported", theme.fair)]) }
      let history = [state.canUndo ? "undo" : nil, state.canRedo ? "redo" : nil].compactMap { $0 }
      if !history.isEmpty { groups.append([TextSpan(history.joined(separator: "/") + " available", theme.dim)]) }
      if let frontier = frontierSpans, width(of: Array(groups.joined(separator: [TextSpan("  ")]))) + 2 + width(of: frontier) <= room {
        groups.append(frontier)
      }
    }
    let line = Array(groups.joined(separator: [TextSpan("  ")]))
    put(line, row: row, column: 0, maxWidth: room)
  }

  /// The search running ("searching 8x: sensitivity 37%, 1:05 left", "searching 8x: 12/100
  /// plans, 40s left"), else a sweep running while another view is shown ("sensitivity 37%,
  /// 1:05 left").
  private var backgroundWork: String? {
    func left(_ progress: WorkProgress) -> String { progress.timeLeft.map { ", " + $0 } ?? "" }
    if let search = state.search.running {
      let step = if let sweep = search.sweep {
        "sensitivity \(sweep.percent)%" + left(sweep)
      } else if let evaluations = search.evaluations {
        "\(evaluations.completed)/\(evaluations.total) plans" + left(evaluations)
      } else {
        "starting"
      }
      return "searching \(search.target.name): " + step + String(glyphs.ellipsis)
    }
    if case let .computing(progress) = state.sensitivity, state.detailView != .sensitivity {
      return "sensitivity" + (progress.map { " \($0.percent)%" + left($0) } ?? "") + String(glyphs.ellipsis)
    }
    return nil
  }

  /// "frontier at 9.7x: 0.9460 (you: -0.20 pts)": the best plan the searches measured that is
  /// no larger than the current one, and how the current one compares, as the metric shows a
  /// change.
  private var frontierSpans: [TextSpan]? {
    guard let (point, metric) = state.frontierComparison else { return nil }
    let kind = metric.kind
    let change = Format.signed(kind.shownChange(metric.value, from: point.value), decimals: kind.changeDecimals) + kind.changeSuffix
    return [TextSpan("frontier at \(Format.fixed(point.ratio, decimals: 1))x: \(Format.fixed(point.value, decimals: 4)) ", theme.dim),
            TextSpan("(you: \(change))", theme.change(kind, loss: kind.loss(metric.value, from: point.value)))]
  }

  /// The key hints from the keymap ("b bits-  B bits+  f format ..."), in keymap order, never
  /// cut in the middle. On a line too short for all of them the pinned ones (help, which lists
  /// the rest, and quit) end it, and the others are kept by priority, as many as fit.
  mutating func drawHints(row: Int) {
    let hinted = Keymap.bindings.filter { $0.hint != nil }
    var line = hintSpans(hinted)
    if width(of: line) > state.width {
      let pinned = hinted.filter { $0.priority == .pinned }
      var room = state.width - width(of: hintSpans(pinned)) - 2
      var kept = Set<Int>()
      let byPriority = hinted.indices.filter { hinted[$0].priority != .pinned }
        .sorted { (hinted[$0].priority, $0) < (hinted[$1].priority, $1) }
      for index in byPriority {
        let needed = width(of: hintGroup(hinted[index])) + (kept.isEmpty ? 0 : 2)
        if needed <= room { (room, kept) = (room - needed, kept.union([index])) }
      }
      line = hintSpans(hinted.indices.filter(kept.contains).map { hinted[$0] }) + [TextSpan("  ")] + hintSpans(pinned)
    }
    put(line, row: row, column: 0, maxWidth: state.width)
  }

  /// One hint: the key, then its word.
  private func hintGroup(_ binding: KeyBinding) -> [TextSpan] {
    [TextSpan(glyphs.keyLabel(binding.label), theme.key), TextSpan(" " + (binding.hint ?? ""))]
  }

  /// Hints two spaces apart.
  private func hintSpans(_ bindings: [KeyBinding]) -> [TextSpan] {
    Array(bindings.map(hintGroup).joined(separator: [TextSpan("  ")]))
  }
}
