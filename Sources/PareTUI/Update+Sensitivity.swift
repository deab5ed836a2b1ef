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
    let target = state.search.running.map { $0.target.name + " " } ?? ""
    state.search.running = nil
    state.show("\(target)search: \(why)", isError: true)
  }
  return []
}

private func found(_ outcome: SearchOutcome, _ state: inout ExplorerState) -> [Effect] {
  let target = state.search.running?.target
  state.search.running = nil
  for measured in [outcome.allocated, outcome.found] + outcome.seeds.map(\.plan) {
    let point = FrontierPoint(compressedBytes: measured.compressedBytes, ratio: measured.ratio, value: measured.measured.value)
    if !state.search.frontier.contains(point) { state.search.frontier.append(point) }
  }
  let found = outcome.found
  let name = target?.name ?? "the"
  if case let .llamaMix(fileType) = target, let like = MixOutcome(outcome, fileType: fileType) {
    guard found.plan.tensors != state.plan.tensors else {
      state.show("\(name) search: the current plan is the one found, " + like.summaries[0])
      return []
    }
    // The longest that fits the status line (the message log keeps it as shown).
    let room = statusRoom(state) - "\(name) search: ; u undoes".count
    let summary = like.summaries.first { $0.count <= room } ?? like.summaries[like.summaries.count - 1]
    state.show("\(name) search: \(summary); u undoes")
    return [.applyPlan(tensors: found.plan.tensors)]
  }
  let measured = "\(found.measured.name) \(Format.fixed(found.measured.value, decimals: 4))"
  let predicted = found.predicted.map { " (predicted \(Format.fixed($0.value, decimals: 4)))" } ?? ""
  let summary = "\(Format.fixed(found.ratio, decimals: 2))x, \(measured)\(predicted)"
  guard found.plan.tensors != state.plan.tensors else {
    state.show("\(name) search: the current plan is the one found, \(summary)")
    return []
  }
  // Shown now; an error applying it replaces it.
  state.show("\(name) search: \(summary); u undoes")
  return [.applyPlan(tensors: found.plan.tensors)]
}

/// The columns the status line gives a message: the width less the selected row's position on
/// the right ("12/272" at its widest) and the gap before it.
private func statusRoom(_ state: ExplorerState) -> Int {
  let count = String(state.rows.count).count
  return state.width - (2 * count + 1) - 2
}

/// A search at a llama.cpp mix's size, as the status line says it: the plan found beside the mix
/// as llama-quantize writes it without and with an imatrix (the search's two seeds).
struct MixOutcome {
  let fileType: LlamaQuantMix.FileType
  let found: MeasuredPlan
  let plain: MeasuredPlan
  let weighted: MeasuredPlan

  /// The outcome's seeds as `LlamaQuantMix.seeds` makes them (nil when there are not two).
  init?(_ outcome: SearchOutcome, fileType: LlamaQuantMix.FileType) {
    guard outcome.seeds.count == 2 else { return nil }
    (self.fileType, found, plain, weighted) = (fileType, outcome.found, outcome.seeds[0].plan, outcome.seeds[1].plan)
  }

  /// What the search found, longest first, each shorter than the one before (the status line
  /// shows the first that fits): "KL 0.0197 at 103.6MB (llama.cpp Q4_K_M 0.0735, + imatrix
  /// 0.0377 at 103.7MB)". When the plan found is one of the mixes (the search started from it
  /// and found nothing better) it says so.
  var summaries: [String] {
    let metric = found.measured.name
    func value(_ plan: MeasuredPlan) -> String { Format.fixed(plan.measured.value, decimals: 4) }
    func size(_ plan: MeasuredPlan) -> String { Format.bytes(plan.compressedBytes) }
    let mix = "llama.cpp \(fileType.displayName)"
    if found.plan.tensors == weighted.plan.tensors || found.plan.tensors == plain.plan.tensors {
      let isWeighted = found.plan.tensors == weighted.plan.tensors
      let (best, other) = isWeighted ? (mix + " + imatrix", "without imatrix") : (mix, "+ imatrix")
      let otherValue = value(isWeighted ? plain : weighted)
      return [
        "nothing beat \(best), \(metric) \(value(found)) at \(size(found)) (\(other) \(otherValue))",
        "nothing beat \(best), \(metric) \(value(found)) (\(other) \(otherValue))",
        "nothing beat \(best), \(metric) \(value(found))",
      ]
    }
    return [
      "\(metric) \(value(found)) at \(size(found)) (\(mix) \(value(plain)), + imatrix \(value(weighted)) at \(size(plain)))",
      "\(metric) \(value(found)) at \(size(found)) (llama.cpp \(value(plain)), + imatrix \(value(weighted)))",
      "\(metric) \(value(found)) (llama.cpp \(value(plain)), imatrix \(value(weighted)))",
    ]
  }
}
