import Foundation
import PareCompression
import PareTerminal

/// An input to `update`: a key (or resize, or click), the clock (about every 50 ms), or what a
/// background job finished (the controller turns its results into these on the tick).
public enum ExplorerEvent: Sendable, Equatable {
  case key(KeyEvent)
  case tick
  /// The session changed: an edit recorded, its tensors compressed, or its metric measured.
  case session(SessionSnapshot)
  /// A tensor's detail, computed in the background for the session's applied plan.
  case detail(tensor: String, TensorDetail)
  /// The sensitivity sweep's or the `a` search's progress or result.
  case sensitivity(SensitivityReport)
}

/// Work `update` asks the controller to do (everything that touches the session, files or the
/// terminal), so that `update` itself stays pure and testable.
public enum Effect: Sendable, Equatable {
  /// Set (nil: clear) one tensor's spec: one undoable step.
  case setSpec(tensor: String, spec: CompressionSpec?)
  /// Apply the spec of `source` to the `tensors` named (the compressible ones shown): one
  /// undoable step.
  case applySpec(source: String, tensors: [String])
  case undo
  case redo
  /// Write the current plan as JSON.
  case exportPlan(path: String)
  /// Write the compressed model directory, as `pare apply` does.
  case exportModel(path: String)
  /// Compute the detail data of a tensor (its histogram, spectrum, ...).
  case loadDetail(tensor: String)
  /// Compute the sensitivity map in the background (or read it from the cache).
  case loadSensitivity
  /// Search the best plan for a compression ratio in the background, then apply it as one
  /// undoable step (a newer search replaces a running one).
  case searchPlan(ratio: Double)
  /// Make these tensor specs the plan (a found plan): one undoable step.
  case applyPlan(tensors: [String: CompressionSpec])
  /// Answer to the restore question.
  case restoreSession(Bool)
  /// Leave the explorer.
  case quit
}

extension KeyEvent {
  /// Whether the user typed it (a key, not a resize or the mouse): an unknown one points to help.
  var isTyped: Bool {
    switch self {
    case .resize, .mouse, .wheelUp, .wheelDown: false
    default: true
    }
  }
}

/// The smallest terminal the explorer draws in.
public let minimumSize = (width: 80, height: 24)

/// How long a transient message stays, in ticks (about 3 s at 50 ms a tick).
let messageTicks = 60

extension ExplorerState {
  /// Table rows that fit: the screen less the header, column header, status and hint lines.
  public var tableRows: Int { max(1, height - 4) }

  /// Whether the terminal is below the minimum size.
  public var isTooSmall: Bool { width < minimumSize.width || height < minimumSize.height }

  /// Shows a transient message on the status line.
  public mutating func show(_ text: String, isError: Bool = false) {
    message = Message(text: text, isError: isError, expiresAt: tick + messageTicks)
  }

  /// The file name `e` proposes for the plan.
  public var defaultPlanPath: String { "\(modelName)-pare-plan.json" }

  /// The directory name `e` then Tab proposes for the compressed model.
  public var defaultModelPath: String { "\(modelName)-pare" }
}

/// Applies one event to the state and returns the effects the controller must perform.
///
/// Pure: the same state and event always give the same result. Selection is kept by tensor
/// name, so filtering and edits never move it to another tensor.
public func update(_ state: inout ExplorerState, _ event: ExplorerEvent) -> [Effect] {
  switch event {
  case .tick:
    state.tick += 1
    if let message = state.message, state.tick >= message.expiresAt { state.message = nil }
    return []
  case let .session(snapshot):
    return show(snapshot, &state)
  case let .sensitivity(report):
    return receive(report, &state)
  case let .detail(name, detail):
    // A detail computed before the latest edit's compression finished is stale.
    if state.rows.first(where: { $0.name == name })?.isPending == false { state.details[name] = detail }
    return []
  case let .key(key):
    if case let .resize(width, height) = key {
      (state.width, state.height) = (width, height)
      keepSelectionVisible(&state)
      return []
    }
    if let overlay = state.overlay { return handleOverlay(overlay, key, &state) }
    if state.isTooSmall { return key == .character("q") ? [.quit] : [] }
    if case let .mouse(row, _) = key { return click(row: row, &state) }
    guard let action = Keymap.action(for: key) else {
      if !state.hasPointedToHelp, key.isTyped {
        state.hasPointedToHelp = true
        state.show("press ? for help")
      }
      return []
    }
    return perform(action, &state)
  }
}

private func perform(_ action: Action, _ state: inout ExplorerState) -> [Effect] {
  switch action {
  case .moveUp: return move(by: -1, &state)
  case .moveDown: return move(by: 1, &state)
  case .pageUp: return move(by: -state.tableRows, &state)
  case .pageDown: return move(by: state.tableRows, &state)
  case .first: return move(by: -state.rows.count, &state)
  case .last: return move(by: state.rows.count, &state)
  case .nextView: return showView(state.detailView.next, &state)
  case .previousView: return showView(state.detailView.previous, &state)
  case .toggleLogScale:
    state.logHistogram.toggle()
    return []
  case .bitsDown: return edit(&state, SpecEditing.bitsDown)
  case .bitsUp: return edit(&state, SpecEditing.bitsUp)
  case .cycleFormat: return edit(&state, SpecEditing.cycleFormat)
  case .cycleGranularity: return edit(&state, SpecEditing.cycleGranularity)
  case .rankDown: return edit(&state, SpecEditing.rankDown)
  case .rankUp: return edit(&state, SpecEditing.rankUp)
  case .sparsityDown: return edit(&state) { SpecEditing.sparsity($0, shape: $1, up: false) }
  case .sparsityUp: return edit(&state) { SpecEditing.sparsity($0, shape: $1, up: true) }
  case .clearTensor: return edit(&state) { _, _ in SpecEditing.Outcome(spec: nil, note: nil) }
  case .applyToShown:
    guard let row = state.selectedRow else { return [] }
    return [.applySpec(source: row.name, tensors: state.visibleRows.filter(\.isCompressible).map(\.name))]
  case .searchPlan:
    guard state.sensitivity != .unavailable else {
      state.show("nothing to measure: " + state.noMeasurementReason, isError: true)
      return []
    }
    // The last target, selected: typing replaces it, Enter searches it again.
    state.overlay = .prompt(Prompt(purpose: .targetRatio, text: state.search.lastTarget.map(Format.trimmed) ?? "",
                                   isSelected: true))
    return []
  case .sortNext:
    state.sort = TableSort(key: state.sort.nextKey(hasSensitivity: state.sensitivity.table != nil))
    keepSelectionVisible(&state)
    return []
  case .sortReverse:
    state.sort.isReversed.toggle()
    keepSelectionVisible(&state)
    return []
  case .nextMatch: return stepToMatch(1, &state)
  case .previousMatch: return stepToMatch(-1, &state)
  case .undo:
    guard state.canUndo else { state.show("nothing to undo"); return [] }
    return [.undo]
  case .redo:
    guard state.canRedo else { state.show("nothing to redo"); return [] }
    return [.redo]
  case .export:
    state.overlay = .prompt(Prompt(purpose: .exportPlan, text: state.defaultPlanPath))
    return []
  case .filter:
    state.overlay = .prompt(Prompt(purpose: .filter, text: state.filter))
    return []
  case .help:
    state.overlay = .help
    return []
  case .quit:
    let isUnsaved = !state.isExported && !state.plan.tensors.isEmpty
    let search = state.search.running?.target
    if !isUnsaved && search == nil { return [.quit] }
    state.overlay = .confirm(.quit(unsaved: isUnsaved, searchTarget: search))
    return []
  }
}

/// Copies the session's numbers into the state. When a tensor's numbers change its detail is
/// stale: the selected one is asked for again once its compression is done.
private func show(_ snapshot: SessionSnapshot, _ state: inout ExplorerState) -> [Effect] {
  let before = state.rows
  for i in state.rows.indices {
    let tensor = snapshot.tensors[state.rows[i].name]
    state.rows[i].spec = tensor?.spec
    state.rows[i].currentBytes = tensor?.bytes ?? state.rows[i].originalBytes
    state.rows[i].sqnrDecibels = tensor?.sqnrDecibels
    state.rows[i].isPending = tensor?.isPending ?? false
  }
  state.plan = snapshot.plan
  state.compressedBytes = snapshot.compressedBytes
  state.isApplying = snapshot.isApplying
  state.metric = snapshot.metric
  state.isEvaluating = snapshot.isEvaluating
  state.evaluationFailure = snapshot.evaluationFailure
  state.canUndo = snapshot.canUndo
  state.canRedo = snapshot.canRedo
  state.isExported = snapshot.isExported
  if state.rows != before { state.details.removeAll() }
  guard let row = state.selectedRow, state.details[row.name] == nil, !row.isPending else { return [] }
  return [.loadDetail(tensor: row.name)]
}

/// Shows a detail view; the sensitivity view asks for the map.
private func showView(_ view: DetailView, _ state: inout ExplorerState) -> [Effect] {
  state.detailView = view
  return view == .sensitivity ? requestSensitivity(&state) : []
}

/// Starts the sensitivity sweep unless it is running, done or impossible (a failed one is tried
/// again).
private func requestSensitivity(_ state: inout ExplorerState) -> [Effect] {
  switch state.sensitivity {
  case .notComputed, .failed:
    state.sensitivity = .computing(nil)
    // A running search sweeps the map's cells too; a sweep of its own would supersede it.
    return state.search.running == nil ? [.loadSensitivity] : []
  case .unavailable, .computing, .computed:
    return []
  }
}

/// The ratio typed at the `a` prompt ("8", "9.5", "8x"), or nil when it is not a number above 1.
private func parsedRatio(_ text: String) -> Double? {
  let number = text.hasSuffix("x") || text.hasSuffix("X") ? String(text.dropLast()) : text
  guard let ratio = Double(number), ratio.isFinite, ratio > 1 else { return nil }
  return ratio
}

/// Starts the search for the ratio typed at the `a` prompt, or says why the text is no ratio.
private func startSearch(_ text: String, _ state: inout ExplorerState) -> [Effect] {
  guard let ratio = parsedRatio(text) else {
    state.show("'\(text)' is not a ratio: type a number above 1, e.g. 8 for an eighth of the size", isError: true)
    return []
  }
  if let running = state.search.running {
    state.show("replacing the running \(Format.trimmed(running.target))x search")
  }
  state.search.running = RunningSearch(target: ratio)
  state.search.lastTarget = ratio
  return [.searchPlan(ratio: ratio)]
}

/// Moves the selection within the visible rows.
private func move(by delta: Int, _ state: inout ExplorerState) -> [Effect] {
  let rows = state.visibleRows
  guard !rows.isEmpty else { return [] }
  let current = rows.firstIndex { $0.name == state.selection } ?? 0
  return select(rows[min(max(current + delta, 0), rows.count - 1)].name, &state)
}

/// Selects `name`, scrolls to it and asks for its detail.
private func select(_ name: String, _ state: inout ExplorerState) -> [Effect] {
  state.selection = name
  keepSelectionVisible(&state)
  return state.details[name] == nil ? [.loadDetail(tensor: name)] : []
}

/// Selects the next (`direction` 1) or previous (-1) visible tensor matching the last `/`
/// pattern, wrapping round, as `n` and `N` do in less and vim.
private func stepToMatch(_ direction: Int, _ state: inout ExplorerState) -> [Effect] {
  guard !state.searchPattern.isEmpty else {
    state.show("no pattern yet: / types one")
    return []
  }
  let rows = state.visibleRows
  let pattern = NamePattern(state.searchPattern)
  let current = rows.firstIndex { $0.name == state.selection } ?? (direction > 0 ? -1 : rows.count)
  for step in stride(from: 1, through: rows.count, by: 1) {
    let index = ((current + direction * step) % rows.count + rows.count) % rows.count
    if pattern.matches(rows[index].name) { return select(rows[index].name, &state) }
  }
  state.show("no tensor matches \(state.searchPattern)", isError: true)
  return []
}

/// Scrolls so the selected row is inside the table.
func keepSelectionVisible(_ state: inout ExplorerState) {
  let rows = state.visibleRows
  guard let index = rows.firstIndex(where: { $0.name == state.selection }) else {
    state.scrollOffset = 0
    return
  }
  if index < state.scrollOffset { state.scrollOffset = index }
  if index >= state.scrollOffset + state.tableRows { state.scrollOffset = index - state.tableRows + 1 }
  state.scrollOffset = max(0, min(state.scrollOffset, max(0, rows.count - state.tableRows)))
}

private func edit(_ state: inout ExplorerState, _ change: (CompressionSpec?, [Int]) -> SpecEditing.Outcome) -> [Effect] {
  guard let row = state.selectedRow else { return [] }
  guard row.isCompressible else {
    state.show("\(row.name) (\(row.dtype.rawValue)) holds no weights to compress", isError: true)
    return []
  }
  let outcome = change(row.spec, row.shape)
  if let note = outcome.note { state.show(note) }
  return outcome.spec == row.spec ? [] : [.setSpec(tensor: row.name, spec: outcome.spec)]
}

/// A click on a table row selects it (mouse support is off unless enabled).
private func click(row: Int, _ state: inout ExplorerState) -> [Effect] {
  let index = state.scrollOffset + row - 2  // header and column-header lines above the table
  let rows = state.visibleRows
  guard row >= 2, index >= 0, index < rows.count else { return [] }
  let current = rows.firstIndex { $0.name == state.selection } ?? 0
  return move(by: index - current, &state)
}

private func handleOverlay(_ overlay: Overlay, _ key: KeyEvent, _ state: inout ExplorerState) -> [Effect] {
  switch overlay {
  case .help:
    state.overlay = nil
    return []
  case let .confirm(question):
    // Ctrl-C at the quit question quits, as a second Ctrl-C does in a shell.
    let yes = key == .character("y") || key == .character("Y") || (question.isQuit && key == .control("c"))
    let no = key == .character("n") || key == .character("N") || key == .escape
    guard yes || no else { return [] }
    state.overlay = nil
    switch question {
    case .quit: return yes ? [.quit] : []
    case .restoreSession: return [.restoreSession(yes)]
    }
  case var .prompt(prompt):
    switch key {
    case .escape:
      state.overlay = nil
      if prompt.purpose == .filter { state.filter = ""; keepSelectionVisible(&state) }
      return []
    case .enter:
      state.overlay = nil
      let text = prompt.text.trimmingCharacters(in: .whitespaces)
      switch prompt.purpose {
      case .filter: return []
      case .exportPlan: return text.isEmpty ? [] : [.exportPlan(path: text)]
      case .exportModel: return text.isEmpty ? [] : [.exportModel(path: text)]
      case .targetRatio: return text.isEmpty ? [] : startSearch(text, &state)
      }
    case .tab where prompt.purpose == .exportPlan || prompt.purpose == .exportModel:
      prompt = prompt.purpose == .exportPlan
        ? Prompt(purpose: .exportModel, text: state.defaultModelPath)
        : Prompt(purpose: .exportPlan, text: state.defaultPlanPath)
    case .backspace:
      if prompt.isSelected { prompt.text = "" } else if !prompt.text.isEmpty { prompt.text.removeLast() }
      prompt.isSelected = false
    case let .character(c):
      prompt.text = (prompt.isSelected ? "" : prompt.text) + String(c)
      prompt.isSelected = false
    case .left, .right, .home, .end:
      // The cursor stays at the end; moving it only keeps the text, as a line editor does.
      prompt.isSelected = false
    default:
      return []
    }
    state.overlay = .prompt(prompt)
    if prompt.purpose == .filter {
      state.filter = prompt.text
      if !prompt.text.isEmpty { state.searchPattern = prompt.text }
      // Keep the selection if it still matches, else select the first match.
      if state.selectedRow == nil { state.selection = state.visibleRows.first?.name ?? state.selection }
      keepSelectionVisible(&state)
      if let name = state.selectedRow?.name, state.details[name] == nil { return [.loadDetail(tensor: name)] }
    }
    return []
  }
}
