import PareWorkbench

/// Takes one report of the sweep or the search: progress into the state, the map's table, and a
/// found plan added to the frontier and applied (one undo step), saying what was predicted and
/// measured.
func receive(_ report: SensitivityReport, _ state: inout ExplorerState) -> [Effect] {
  switch report {
  case let .sweep(progress):
    if let progress, state.sensitivity.table == nil { state.sensitivity = .computing(progress) }
    state.search.running?.sweep = progress
  case let .table(table):
    state.sensitivity = .computed(table)
  case let .sweepFailed(why):
    if state.sensitivity.table == nil { state.sensitivity = .failed(why) }
  case let .searchProgress(progress):
    state.search.running?.sweep = nil
    state.search.running?.evaluations = progress
  case let .found(outcome):
    return found(outcome, &state)
  case let .searchFailed(why):
    let target = state.search.running.map { Format.trimmed($0.target) + "x " } ?? ""
    state.search.running = nil
    state.show("\(target)search: \(why)", isError: true)
  }
  return []
}

private func found(_ outcome: SearchOutcome, _ state: inout ExplorerState) -> [Effect] {
  let target = state.search.running.map { Format.trimmed($0.target) + "x" } ?? "the"
  state.search.running = nil
  for measured in [outcome.allocated, outcome.found] {
    let point = FrontierPoint(compressedBytes: measured.compressedBytes, ratio: measured.ratio, value: measured.measured.value)
    if !state.search.frontier.contains(point) { state.search.frontier.append(point) }
  }
  let found = outcome.found
  let measured = "\(found.measured.name) \(Format.fixed(found.measured.value, decimals: 4))"
  let predicted = found.predicted.map { " (predicted \(Format.fixed($0.value, decimals: 4)))" } ?? ""
  let summary = "\(Format.fixed(found.ratio, decimals: 2))x, \(measured)\(predicted)"
  guard found.plan.tensors != state.plan.tensors else {
    state.show("\(target) search: the current plan is the one found, \(summary)")
    return []
  }
  // Shown now; an error applying it replaces it.
  state.show("\(target) search: \(summary); u undoes")
  return [.applyPlan(tensors: found.plan.tensors)]
}
