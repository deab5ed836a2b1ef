import Foundation
import PareCompression
import PareCore
import PareFormats
import PareTerminal
import PareWorkbench

/// Runs the explorer: draws `render(state)`, turns terminal events into `update` calls, and
/// performs the effects on the session, the disk and the terminal.
///
/// Everything here happens on one thread; the background work (the session's evaluation, the
/// original detail of a newly selected tensor, the sensitivity sweep and the `a` search) reports
/// back on each clock tick (about every 50 ms).
public final class ExplorerController {
  private let terminal: any Terminal
  private let session: Session
  private let store: SessionStore?
  /// The plan last written by an export (quitting without one asks first).
  private var exportedPlan: Plan
  /// Per tensor, the detail of its original values (computed once; edits only add the
  /// compressed part).
  private var originalDetails: [String: TensorDetail] = [:]
  private let detailLoader: DetailLoader
  /// The sensitivity sweep and the plan search (nil: browse only, or no source given).
  private let sensitivityLoader: SensitivityLoader?
  /// The number of the latest search asked for (older ones' results are dropped).
  private var searchGeneration = 0
  /// Whether the map has been looked for in the disk cache (once the session's metric names it).
  private var preloadRequested = false
  /// The explorer's state (exposed for tests).
  public private(set) var state: ExplorerState

  /// An explorer on `session`, drawing on `terminal`. With a `store`, the plan is saved after
  /// every change, and a plan saved by an earlier run is offered for restoring. With a
  /// `sensitivity` source, the sensitivity view and the `a` search measure with its evaluator.
  /// `noMeasurementReason` says why nothing is measured when the session has no evaluator.
  public init(terminal: any Terminal, session: Session, store: SessionStore?, sensitivity: SensitivitySource? = nil,
              noMeasurementReason: String = "no evaluation data") {
    self.terminal = terminal
    self.session = session
    self.store = store
    exportedPlan = session.plan
    let model = session.model
    detailLoader = DetailLoader(weights: model.weights)
    let rows = model.weights.entries.map { entry in
      TensorRow(name: entry.name, shape: entry.shape, dtype: entry.dtype, params: entry.elementCount,
                originalBytes: entry.byteRange.count,
                isCompressible: entry.dtype.isFloatingPoint && entry.dtype.isWritable && entry.elementCount > 0)
    }
    state = ExplorerState(modelName: model.name, rows: rows, width: terminal.size.width, height: terminal.size.height,
                          colors: terminal.capabilities.colors, glyphs: terminal.capabilities.glyphs)
    state.canEvaluate = session.isEvaluating || session.metric != nil
    state.noMeasurementReason = noMeasurementReason
    sensitivityLoader = state.canEvaluate ? sensitivity.map { SensitivityLoader(weights: model.weights, source: $0) } : nil
    if sensitivityLoader != nil { state.sensitivity = .notComputed }
    if let saved = store?.load(), !saved.tensors.isEmpty, saved.tensors != session.plan.tensors,
       (try? saved.validate(against: model.weights, file: "session")) != nil {
      state.overlay = .confirm(.restoreSession(tensors: saved.tensors.count))
    }
    refresh()
  }

  deinit { sensitivityLoader?.cancel() }

  /// Runs until the user quits. Returns normally; the caller restores the terminal.
  public func run() {
    var shown = render(state)
    terminal.draw(shown)
    while true {
      let event: ExplorerEvent
      if let key = terminal.nextEvent(timeout: 50) {
        event = .key(key)
      } else {
        event = .tick
      }
      if handle(event) { return }
      // Most ticks change nothing: skip handing curses an identical frame.
      let frame = render(state)
      if frame != shown {
        terminal.draw(frame)
        shown = frame
      }
    }
  }

  /// Applies one event; true when the explorer should quit. (The run loop's body, exposed so
  /// tests can drive the controller without a terminal loop.)
  @discardableResult
  public func handle(_ event: ExplorerEvent) -> Bool {
    if event == .tick, session.receiveResults() { refresh() }
    if event == .tick { receiveDetails() }
    if event == .tick { receiveSensitivity() }
    if event == .tick { state.isEvaluating = session.isEvaluating }
    for effect in update(&state, event) {
      if perform(effect) { return true }
    }
    return false
  }

  /// Performs one effect; true for quit.
  private func perform(_ effect: Effect) -> Bool {
    do {
      switch effect {
      case .quit:
        sensitivityLoader?.cancel()
        return true
      case let .setSpec(tensor, spec):
        try session.setSpec(spec, for: tensor)
        planChanged()
      case let .applyToAll(source):
        var plan = session.plan
        let spec = plan.tensors[source]
        for row in state.rows where row.isCompressible {
          plan.tensors[row.name] = spec.flatMap { SpecEditing.adapted($0, toShape: row.shape) }
        }
        try session.apply(plan)
        planChanged()
        state.show(spec == nil ? "cleared every tensor" : "applied \(source)'s spec to every tensor")
      case .undo:
        session.undo()
        planChanged()
      case .redo:
        session.redo()
        planChanged()
      case let .exportPlan(path):
        try exportPlan(to: path)
      case let .exportModel(path):
        try exportModel(to: path)
      case let .loadDetail(tensor):
        loadDetail(tensor)
      case .loadSensitivity:
        sensitivityLoader?.sweep()
      case let .searchPlan(ratio):
        if let loader = sensitivityLoader { searchGeneration = loader.search(ratio: ratio) }
      case let .restoreSession(yes):
        if yes, let saved = store?.load() {
          try session.apply(Plan(model: session.plan.model, tensors: saved.tensors))
          planChanged()
          state.show("restored \(saved.tensors.count) tensor specs (u undoes)")
        }
      }
    } catch {
      state.show("\(error)", isError: true)
    }
    return false
  }

  private func planChanged() {
    try? store?.save(session.plan)
    state.details.removeAll()
    refresh()
  }

  /// Copies the session's numbers into the state and loads the selected tensor's detail.
  private func refresh() {
    let applied = session.applied
    for i in state.rows.indices {
      let name = state.rows[i].name
      let compressed = applied.compressed[name]
      state.rows[i].spec = session.plan.tensors[name]
      state.rows[i].currentBytes = compressed?.storage.bytes ?? state.rows[i].originalBytes
      state.rows[i].sqnrDecibels = compressed?.error.sqnrDecibels
    }
    state.plan = session.plan
    state.compressedBytes = applied.compressedBytes
    state.metric = session.metric
    state.isEvaluating = session.isEvaluating
    state.evaluationFailure = session.evaluationFailure?.message
    state.canUndo = session.history.canUndo
    state.canRedo = session.history.canRedo
    state.isExported = session.plan == exportedPlan
    if let name = state.selection, state.details[name] == nil { loadDetail(name) }
  }

  /// Shows `name`'s detail: at once when its original part is known (an edit only adds the
  /// compressed part), else after the background loader computes it ("computing…" meanwhile).
  private func loadDetail(_ name: String) {
    guard let original = originalDetails[name] else {
      detailLoader.request(name)
      return
    }
    let weights = session.model.weights
    state.details[name] = original.compressed(by: session.applied.compressed[name]) { try? weights.tensor(named: name) }
  }

  /// Takes the details the background loader finished and shows the selected one.
  private func receiveDetails() {
    for (name, detail) in detailLoader.takeFinished() {
      originalDetails[name] = detail
      if name == state.selection && state.details[name] == nil { loadDetail(name) }
    }
  }

  /// Takes the sweep's and the search's reports: progress into the state, the map's table, and
  /// a found plan applied. The first time the session's metric is known, the map is looked for
  /// in the disk cache, so a model swept before shows its map at once.
  private func receiveSensitivity() {
    guard let loader = sensitivityLoader else { return }
    if !preloadRequested, state.sensitivity == .notComputed, let metric = session.metric {
      preloadRequested = true
      loader.preload(metric: metric)
    }
    for event in loader.takeEvents() {
      switch event {
      case let .sweep(progress):
        if let progress, state.sensitivity.table == nil { state.sensitivity = .computing(progress) }
        state.search.running?.sweep = progress
      case let .table(table):
        state.sensitivity = .computed(table)
      case let .sweepFailed(why):
        if state.sensitivity.table == nil { state.sensitivity = .failed(why) }
      case let .searchProgress(generation, progress) where generation == searchGeneration:
        state.search.running?.sweep = nil
        state.search.running?.evaluations = progress
      case let .found(generation, outcome) where generation == searchGeneration:
        applyFound(outcome)
      case let .searchFailed(generation, why) where generation == searchGeneration:
        let target = state.search.running.map { Format.trimmed($0.target) + "x " } ?? ""
        state.search.running = nil
        state.show("\(target)search: \(why)", isError: true)
      case .searchProgress, .found, .searchFailed:
        break  // a superseded search
      }
    }
  }

  /// Adds a search's measured plans to the frontier and makes the plan it found the current
  /// one (one undo step), saying what was predicted and measured.
  private func applyFound(_ outcome: SearchOutcome) {
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
    guard found.plan.tensors != session.plan.tensors else {
      state.show("\(target) search: the current plan is the one found, \(summary)")
      return
    }
    do {
      try session.apply(Plan(model: session.plan.model, tensors: found.plan.tensors))
      planChanged()
      state.show("\(target) search: \(summary); u undoes")
    } catch {
      state.show("\(error)", isError: true)
    }
  }

  private var planToExport: Plan {
    var plan = session.plan
    plan.model = ModelReference(path: session.model.path, sha256: session.model.weights.sha256())
    plan.summary = session.applied.summary(metric: session.metric.map {
      MetricSummary(name: $0.name, baseline: $0.baseline, value: $0.value)
    })
    return plan
  }

  private func exportPlan(to path: String) throws {
    try AtomicFile.write([Array(planToExport.jsonData())], to: path)
    exportedPlan = session.plan
    state.isExported = true
    state.show("wrote \(path)")
  }

  private func exportModel(to path: String) throws {
    let metric = session.metric.map { MetricSummary(name: $0.name, baseline: $0.baseline, value: $0.value) }
    _ = try ModelExport.write(session.model, applied: session.applied, metric: metric, to: path, packed: false)
    exportedPlan = session.plan
    state.isExported = true
    state.show("wrote \(path)/ (model.safetensors, config.json, plan.json)")
  }
}
