import Foundation
import PareCompression
import PareFormats
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
  /// Set (nil: clear) one tensor's spec: one undoable step, or with `continuesRun` part of the
  /// step the same key made on the same tensor just before (b b b b is one step).
  case setSpec(tensor: String, spec: CompressionSpec?, continuesRun: Bool = false)
  /// Apply the spec of `source` to the `tensors` named (the compressible ones shown): one
  /// undoable step.
  case applySpec(source: String, tensors: [String])
  case undo
  case redo
  /// Write the current plan as JSON.
  case exportPlan(path: String)
  /// Write the compressed model directory, as `pare apply` does (with `packed`, as `pare apply
  /// --packed`).
  case exportModel(path: String, packed: Bool = false)
  /// Compute the detail data of a tensor (its histogram, spectrum, ...).
  case loadDetail(tensor: String)
  /// Compute the sensitivity map in the background (or read it from the cache).
  case loadSensitivity
  /// Search the best plan for a compression ratio or a llama.cpp mix's size in the background,
  /// then apply it as one undoable step (a newer search replaces a running one).
  case searchPlan(SearchTarget)
  /// Make these tensor specs the plan (a found plan): one undoable step.
  case applyPlan(tensors: [String: CompressionSpec])
  /// Stop the running sweep or search (Esc).
  case cancelBackground
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

/// How long a note stays, in ticks (about 3 s at 50 ms a tick); an error stays until a key.
let messageTicks = 60

/// How many messages the log (`M`) keeps.
let messageLogLimit = 200

/// How far the mouse wheel scrolls the table, in rows.
let wheelRows = 3

extension ExplorerState {
  /// Table rows that fit: the screen less the header, column header, status and hint lines.
  public var tableRows: Int { max(1, height - 4) }

  /// Whether the terminal is below the minimum size.
  public var isTooSmall: Bool { width < minimumSize.width || height < minimumSize.height }

  /// Shows a message on the status line and keeps it in the log: a note for a few seconds, an
  /// error until the next key (it may say why a key did nothing, so it must not vanish unread).
  public mutating func show(_ text: String, isError: Bool = false) {
    message = Message(text: text, isError: isError, expiresAt: isError ? Int.max : tick + messageTicks)
    messageLog.append(LoggedMessage(text: text, isError: isError, tick: tick))
    if messageLog.count > messageLogLimit { messageLog.removeFirst(messageLog.count - messageLogLimit) }
  }

  /// The file `e` proposes for the plan: the `--plan` file when there is one (exporting there
  /// updates it), else one named after the model.
  public var defaultPlanPath: String { planFile ?? "\(modelName)-pare-plan.json" }

  /// The full path a typed path names, as an export writes it: `~` expanded as a shell does, a
  /// relative path taken from the working directory. Nil when that cannot be said (no home for
  /// `~`, no working directory known).
  public func fullPath(_ typed: String) -> String? {
    guard let expanded = OutputPath.expandingTilde(typed, home: homeDirectory) else { return nil }
    if expanded.hasPrefix("/") { return expanded }
    guard let workingDirectory else { return nil }
    var relative = Substring(expanded)
    while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
    return (workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/") + relative
  }

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
    // An error stays until the next key; a run of edits ends at any other key.
    let run = state.editRun
    if key.isTyped {
      if state.message?.isError == true { state.message = nil }
      state.editRun = nil
    }
    if let overlay = state.overlay { return handleOverlay(overlay, key, &state) }
    if state.isTooSmall { return key == .character("q") ? [.quit] : [] }
    switch key {
    case let .mouse(row, column): return click(row: row, column: column, &state)
    case .wheelUp: return scroll(by: -wheelRows, &state)
    case .wheelDown: return scroll(by: wheelRows, &state)
    case .left, .right:
      if pickCell(key == .right ? 1 : -1, &state) { return [] }
    default: break
    }
    guard let action = Keymap.action(for: key) else {
      if !state.hasPointedToHelp, key.isTyped {
        state.hasPointedToHelp = true
        state.show("press ? for help")
      }
      return []
    }
    return perform(action, run: run, &state)
  }
}

private func perform(_ action: Action, run: EditRun?, _ state: inout ExplorerState) -> [Effect] {
  func edit(_ change: (CompressionSpec?, [Int]) -> SpecEditing.Outcome) -> [Effect] {
    PareTUI.edit(&state, action: action, run: run, change)
  }
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
  case .bitsDown: return edit(SpecEditing.bitsDown)
  case .bitsUp: return edit(SpecEditing.bitsUp)
  case .cycleFormat: return edit(SpecEditing.cycleFormat)
  case .cycleGranularity: return edit(SpecEditing.cycleGranularity)
  case .rankDown: return edit(SpecEditing.rankDown)
  case .rankUp: return edit(SpecEditing.rankUp)
  case .sparsityDown: return edit { SpecEditing.sparsity($0, shape: $1, up: false) }
  case .sparsityUp: return edit { SpecEditing.sparsity($0, shape: $1, up: true) }
  case .clearTensor: return edit { _, _ in SpecEditing.Outcome(spec: nil, note: nil) }
  case .enterSpec:
    guard let row = editableRow(&state) else { return [] }
    // The current spec, selected: typing replaces it, an arrow key edits it.
    state.overlay = .prompt(Prompt(purpose: .spec(tensor: row.name), text: SpecEntry.text(of: row.spec), isSelected: true))
    return []
  case .applyCell: return applyCell(&state)
  case .applyToShown:
    guard let row = state.selectedRow else { return [] }
    return [.applySpec(source: row.name, tensors: state.visibleRows.filter(\.isCompressible).map(\.name))]
  case .searchPlan:
    guard state.sensitivity != .unavailable else {
      state.show("nothing to measure: " + state.noMeasurementReason, isError: true)
      return []
    }
    // The last target, selected: typing replaces it, Enter searches it again.
    state.overlay = .prompt(Prompt(purpose: .searchTarget, text: state.search.lastTarget?.typed ?? "", isSelected: true))
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
  case .cancel: return cancel(&state)
  case .messages:
    state.overlay = .messages
    return []
  case .help:
    state.overlay = .help
    state.helpScroll = 0
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
  case .notComputed, .failed, .stopped:
    state.sensitivity = .computing(nil)
    // A running search sweeps the map's cells too; a sweep of its own would supersede it.
    return state.search.running == nil ? [.loadSensitivity] : []
  case .unavailable, .computing, .computed:
    return []
  }
}

/// Starts the search for the ratio or llama.cpp file type typed at the `a` prompt, or says why
/// the text is neither (or why this model takes no file type).
private func startSearch(_ text: String, _ state: inout ExplorerState) -> [Effect] {
  let target: SearchTarget
  switch SearchTarget.parse(text, llamaMixRefusal: state.search.llamaMixRefusal) {
  case let .failure(problem):
    state.show(problem.message, isError: true)
    return []
  case let .success(parsed):
    target = parsed
  }
  if let running = state.search.running {
    state.show("replacing the running \(running.target.name) search")
  } else if target.llamaMixFileType != nil, let warning = state.search.llamaMixWarning {
    state.show("note: " + warning)
  }
  state.search.running = RunningSearch(target: target)
  state.search.lastTarget = target
  return [.searchPlan(target)]
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

/// The selected row when it can be compressed; else nil, saying why.
private func editableRow(_ state: inout ExplorerState) -> TensorRow? {
  guard let row = state.selectedRow else { return nil }
  guard row.isCompressible else {
    state.show("\(row.name) (\(row.dtype.rawValue)) holds no weights to compress", isError: true)
    return nil
  }
  return row
}

/// A one-key edit of the selected tensor. The same key again on the same tensor, with no other
/// key between, continues `run`: one undo step for the whole run.
func edit(_ state: inout ExplorerState, action: Action, run: EditRun?,
          _ change: (CompressionSpec?, [Int]) -> SpecEditing.Outcome) -> [Effect] {
  guard let row = editableRow(&state) else { return [] }
  let outcome = change(row.spec, row.shape)
  if let note = outcome.note { state.show(note) }
  let thisRun = EditRun(action: action, tensor: row.name)
  state.editRun = thisRun
  return outcome.spec == row.spec ? [] : [.setSpec(tensor: row.name, spec: outcome.spec, continuesRun: run == thisRun)]
}

/// Enter in the sensitivity map: the selected tensor gets the selected cell's candidate.
private func applyCell(_ state: inout ExplorerState) -> [Effect] {
  guard state.detailView == .sensitivity else {
    state.show("Enter gives a tensor a cell of the sensitivity map: Tab to the map first")
    return []
  }
  guard let table = state.sensitivity.table, !table.candidates.isEmpty else {
    state.show("the sensitivity map is not computed yet")
    return []
  }
  guard let row = editableRow(&state) else { return [] }
  guard table.tensors.contains(where: { $0.name == row.name }) else {
    state.show("\(row.name) is not in the map: only tensors of two or more axes are swept", isError: true)
    return []
  }
  let candidate = table.candidates[min(max(state.mapColumn, 0), table.candidates.count - 1)]
  let spec = candidate.spec(forShape: row.shape)
  guard spec != row.spec else {
    state.show("\(row.name) is at \(candidate) already")
    return []
  }
  state.show("\(row.name): \(candidate) from the map (u undoes)")
  return [.setSpec(tensor: row.name, spec: spec)]
}

/// ← and → in the computed sensitivity map move its selected cell; true when they did (past
/// either end they switch views as elsewhere).
private func pickCell(_ step: Int, _ state: inout ExplorerState) -> Bool {
  guard state.detailView == .sensitivity, let table = state.sensitivity.table else { return false }
  let column = state.mapColumn + step
  guard column >= 0 && column < table.candidates.count else { return false }
  state.mapColumn = column
  return true
}

/// Esc: stops the search or the sweep running in the background (finished candidates stay in
/// the disk cache), else clears the filter.
private func cancel(_ state: inout ExplorerState) -> [Effect] {
  if let search = state.search.running {
    state.search.running = nil
    if case .computing = state.sensitivity { state.sensitivity = .stopped }
    state.show("stopped the \(search.target.name) search")
    return [.cancelBackground]
  }
  if case .computing = state.sensitivity {
    state.sensitivity = .stopped
    state.show("stopped the sensitivity sweep; its finished candidates are cached")
    return [.cancelBackground]
  }
  if !state.filter.isEmpty {
    state.filter = ""
    keepSelectionVisible(&state)
  }
  return []
}

/// A click on a table row selects it; a click on a detail tab shows that view; a click on a
/// sensitivity-map cell selects its tensor and candidate, the cell Enter applies (mouse support
/// is off unless enabled).
private func click(row: Int, column: Int, _ state: inout ExplorerState) -> [Effect] {
  let geometry = ScreenGeometry(state)
  if column >= geometry.paneColumn {
    if row == geometry.tabRow, let view = geometry.tab(atColumn: column) { return showView(view, &state) }
    guard let cell = mapCell(atRow: row, column: column, state),
          state.visibleRows.contains(where: { $0.name == cell.tensor }) else { return [] }
    state.mapColumn = cell.candidateIndex
    return select(cell.tensor, &state)
  }
  let index = state.scrollOffset + row - 2  // header and column-header lines above the table
  let rows = state.visibleRows
  guard row >= 2, index >= 0, index < rows.count else { return [] }
  let current = rows.firstIndex { $0.name == state.selection } ?? 0
  return move(by: index - current, &state)
}

/// The mouse wheel: scrolls the table, taking the selection along where it would leave the
/// screen.
private func scroll(by delta: Int, _ state: inout ExplorerState) -> [Effect] {
  let rows = state.visibleRows
  guard !rows.isEmpty else { return [] }
  state.scrollOffset = max(0, min(state.scrollOffset + delta, max(0, rows.count - state.tableRows)))
  let current = rows.firstIndex { $0.name == state.selection } ?? 0
  let kept = min(max(current, state.scrollOffset), min(state.scrollOffset + state.tableRows, rows.count) - 1)
  guard kept != current else { return [] }
  state.selection = rows[kept].name
  return state.details[rows[kept].name] == nil ? [.loadDetail(tensor: rows[kept].name)] : []
}

private func handleOverlay(_ overlay: Overlay, _ key: KeyEvent, _ state: inout ExplorerState) -> [Effect] {
  switch overlay {
  case .help:
    // Taller than the screen, the help scrolls; any other key closes it.
    let step: Int? = switch key {
    case .down, .character("j"), .wheelDown: 1
    case .up, .character("k"), .wheelUp: -1
    case .pageDown, .character(" "): max(state.height - 4, 1)
    case .pageUp: -max(state.height - 4, 1)
    default: nil
    }
    if let step {
      state.helpScroll = max(0, min(state.helpScroll + step, View(state: state).helpScrollLimit))
    } else if key.isTyped {
      state.overlay = nil
    }
    return []
  case .messages:
    if key.isTyped { state.overlay = nil }
    return []
  case let .confirm(question):
    // Ctrl-C at the quit question quits, as a second Ctrl-C does in a shell.
    let yes = key == .character("y") || key == .character("Y") || (question.isQuit && key == .control("c"))
    let no = key == .character("n") || key == .character("N") || key == .escape
    guard yes || no else {
      // The question holds every key until answered: say so rather than swallow them.
      if key.isTyped, case .restoreSession = question {
        state.show("answer first: y restores your last session's plan, n starts without it", isError: true)
      } else if key.isTyped {
        state.show("answer first: y or n", isError: true)
      }
      return []
    }
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
      return submit(prompt, &state)
    case .tab where prompt.isExport:
      prompt = nextExport(after: prompt, &state)
    default:
      guard prompt.edit(key) else { return [] }
      prompt.error = nil
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

/// Enter at a prompt: does what it is for. Bad input keeps the prompt open with the text and
/// says what is wrong in it.
private func submit(_ prompt: Prompt, _ state: inout ExplorerState) -> [Effect] {
  state.overlay = nil
  let text = prompt.text.trimmingCharacters(in: .whitespaces)
  switch prompt.purpose {
  case .filter: return []
  case .exportPlan: return text.isEmpty ? [] : [.exportPlan(path: text)]
  case .exportModel: return text.isEmpty ? [] : [.exportModel(path: text)]
  case .exportPackedModel: return text.isEmpty ? [] : [.exportModel(path: text, packed: true)]
  case .searchTarget: return text.isEmpty ? [] : startSearch(text, &state)
  case let .spec(tensor):
    guard let row = state.rows.first(where: { $0.name == tensor }) else { return [] }
    switch SpecEntry.spec(text, shape: row.shape, dtype: row.dtype) {
    case let .failure(problem):
      var kept = prompt
      (kept.error, kept.isSelected) = (problem.message, false)
      state.overlay = .prompt(kept)
      state.messageLog.append(LoggedMessage(text: "\(tensor): \(problem.message)", isError: true, tick: state.tick))
      return []
    case let .success(spec):
      guard spec != row.spec else { return [] }
      return [.setSpec(tensor: tensor, spec: spec)]
    }
  }
}

/// Tab in an export prompt: the plan, the compressed model (drop-in), the same with the packed
/// model, in turn. The two model exports share the directory typed.
private func nextExport(after prompt: Prompt, _ state: inout ExplorerState) -> Prompt {
  switch prompt.purpose {
  case .exportPlan: Prompt(purpose: .exportModel, text: state.defaultModelPath)
  case .exportModel: Prompt(purpose: .exportPackedModel, text: prompt.text)
  default: Prompt(purpose: .exportPlan, text: state.defaultPlanPath)
  }
}

extension Prompt {
  /// Applies a line-editing key as readline does: characters insert at the cursor, ←/→,
  /// Home/End (Ctrl-A/Ctrl-E) move it, Backspace and Delete remove one character, Ctrl-U all
  /// before the cursor, Ctrl-W the word (or path part) before it. Selected text is replaced by
  /// the first character typed, cleared by Backspace, kept by an arrow (the cursor after it).
  /// False for other keys.
  mutating func edit(_ key: KeyEvent) -> Bool {
    var characters = Array(text)
    cursor = min(max(cursor, 0), characters.count)
    if isSelected {
      switch key {
      case .character, .backspace, .delete, .control("u"), .control("w"): (characters, cursor) = ([], 0)
      default: break
      }
    }
    switch key {
    case let .character(c):
      characters.insert(c, at: cursor)
      cursor += 1
    case .backspace:
      if !isSelected && cursor > 0 {
        characters.remove(at: cursor - 1)
        cursor -= 1
      }
    case .delete:
      if cursor < characters.count { characters.remove(at: cursor) }
    // On a selected text an arrow only keeps it (the cursor stays after it).
    case .left, .control("b"): cursor = isSelected ? characters.count : max(cursor - 1, 0)
    case .right, .control("f"): cursor = isSelected ? characters.count : min(cursor + 1, characters.count)
    case .home, .control("a"): cursor = 0
    case .end, .control("e"): cursor = characters.count
    case .control("u"):
      characters.removeSubrange(..<cursor)
      cursor = 0
    case .control("w"):
      let isBreak = { (c: Character) in c == " " || c == "/" }
      var start = cursor
      while start > 0 && isBreak(characters[start - 1]) { start -= 1 }
      while start > 0 && !isBreak(characters[start - 1]) { start -= 1 }
      characters.removeSubrange(start..<cursor)
      cursor = start
    default:
      return false
    }
    text = String(characters)
    isSelected = false
    return true
  }
}
