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
  private let options: ExplorerOptions
  /// The plan last written by an export (quitting without one asks first).
  private var exportedPlan: Plan
  private let detailLoader: DetailLoader
  /// The sensitivity sweep and the plan search (nil: browse only, or no source given).
  private let sensitivityLoader: SensitivityLoader?
  /// Whether the map has been looked for in the disk cache (once the session's metric names it).
  private var preloadRequested = false
  /// The weights' sha256 for exported plans and the `--plan` check, hashed in the background.
  private let weightsDigest: WeightsDigest
  /// The `--plan` file whose recorded sha256 is compared once the digest is ready.
  private var planFileToCheck: String?
  /// The run of one edit key on one tensor being recorded as one undo step: the history's
  /// position before it, and the session's revision after its last edit (any other change in
  /// between ends the run).
  private var editRun: (base: Int, revision: Int)?
  /// The explorer's state (exposed for tests).
  public private(set) var state: ExplorerState

  /// An explorer on `session`, drawing on `terminal`. With a `store`, the plan is saved after
  /// every change, and a plan saved by an earlier run is offered for restoring (unless the
  /// session starts from `options.planFile`). With a `sensitivity` source, the sensitivity view
  /// and the `a` search measure with its evaluator. `noMeasurementReason` says why nothing is
  /// measured when the session has no evaluator. The weights are hashed (`weightsDigest`) only
  /// in the background, once a plan changes or a `--plan` records a hash to compare with: the
  /// first screen never waits for every weight byte to be read.
  public init(terminal: any Terminal, session: Session, store: SessionStore?, sensitivity: SensitivitySource? = nil,
              noMeasurementReason: String = "no evaluation data", options: ExplorerOptions = ExplorerOptions(),
              weightsDigest: WeightsDigest? = nil) {
    self.terminal = terminal
    self.session = session
    self.store = store
    self.options = options
    exportedPlan = session.plan
    let model = session.model
    detailLoader = DetailLoader(weights: model.weights)
    self.weightsDigest = weightsDigest ?? WeightsDigest(weights: model.weights)
    let rows = model.weights.entries.map { entry in
      TensorRow(name: entry.name, shape: entry.shape, dtype: entry.dtype, params: entry.elementCount,
                originalBytes: entry.byteRange.count,
                isCompressible: entry.dtype.isFloatingPoint && entry.dtype.isWritable && entry.elementCount > 0)
    }
    state = ExplorerState(modelName: model.name, rows: rows, width: terminal.size.width, height: terminal.size.height,
                          colors: terminal.capabilities.colors, glyphs: terminal.capabilities.glyphs)
    state.canEvaluate = session.isEvaluating || session.metric != nil
    state.noMeasurementReason = noMeasurementReason
    state.sampledItems = options.sampledItems
    (state.planFile, state.homeDirectory) = (options.planFile, options.homeDirectory)
    state.workingDirectory = FileManager.default.currentDirectoryPath
    sensitivityLoader = state.canEvaluate ? sensitivity.map { SensitivityLoader(weights: model.weights, source: $0) } : nil
    if sensitivityLoader != nil {
      state.sensitivity = .notComputed
      state.search.llamaMixRefusal = sensitivity?.llamaMix.refusal
      state.search.llamaMixWarning = sensitivity?.llamaMixWarning
    }
    if let planFile = options.planFile {
      if session.plan.model?.sha256 != nil {
        planFileToCheck = planFile
        self.weightsDigest.start()
      }
    } else {
      let saved = Result { try store?.load() }
      if case let .failure(problem) = saved { state.show("\(problem)", isError: true) }
      if let saved = try? saved.get(), !saved.tensors.isEmpty, saved.tensors != session.plan.tensors,
         // Headers only: scanning a large model's saved tensors for NaN would hold up the first
         // screen; accepting the offer validates the values (`Session.apply`).
         (try? saved.validate(against: model.weights, file: "session", values: false)) != nil {
        state.overlay = .confirm(.restoreSession(tensors: saved.tensors.count))
      }
    }
    refresh()
  }

  deinit { sensitivityLoader?.stop() }

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
    if event == .tick {
      let wasApplying = session.isApplying
      if session.receiveResults() || session.isApplying != wasApplying { refresh() }
      for (name, detail) in detailLoader.takeFinished() { handle(.detail(tensor: name, detail)) }
      receiveSensitivity()
      checkPlanFile()
    }
    for effect in update(&state, event) {
      if perform(effect) { return true }
    }
    return false
  }

  /// Whether every background job (compression, evaluation, detail) has finished and been shown.
  /// Tests tick until it holds instead of sleeping.
  public var isIdle: Bool {
    session.isIdle && detailLoader.isIdle && (sensitivityLoader?.isIdle ?? true) && planFileToCheck == nil
  }

  /// Warns, once the weights are hashed, when the `--plan` file records other weights.
  private func checkPlanFile() {
    guard let file = planFileToCheck, let digest = weightsDigest.ifReady else { return }
    planFileToCheck = nil
    if let warning = session.plan.otherWeightsWarning(file: file, weightsSHA256: digest) {
      state.show(warning, isError: true)
    }
  }

  /// Performs one effect; true for quit.
  private func perform(_ effect: Effect) -> Bool {
    do {
      switch effect {
      case .quit:
        sensitivityLoader?.stop()
        return true
      case let .setSpec(tensor, spec, continuesRun):
        try setSpec(spec, for: tensor, continuesRun: continuesRun)
      case let .applySpec(source, tensors):
        try applySpec(of: source, to: tensors)
      case .undo:
        let before = session.plan
        session.undo()
        planChanged()
        state.show("undo: " + Self.change(from: before, to: session.plan, arrow: state.glyphs.arrow))
      case .redo:
        let before = session.plan
        session.redo()
        planChanged()
        state.show("redo: " + Self.change(from: before, to: session.plan, arrow: state.glyphs.arrow))
      case let .exportPlan(path):
        try export(.exportPlan, typed: path) { try exportPlan(to: $0) }
      case let .exportModel(path, packed):
        try export(packed ? .exportPackedModel : .exportModel, typed: path) { try exportModel(to: $0, packed: packed) }
      case .cancelBackground:
        sensitivityLoader?.cancel()
      case let .loadDetail(tensor):
        if state.selectedRow?.isPending != true { loadDetail(tensor) }
      case .loadSensitivity:
        sensitivityLoader?.sweep()
      case let .searchPlan(target):
        sensitivityLoader?.search(target)
      case let .applyPlan(tensors):
        try session.apply(Plan(model: session.plan.model, tensors: tensors))
        planChanged()
      case let .restoreSession(yes):
        if yes, let saved = try store?.load() {
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

  /// Sets one tensor's spec: a step of its own, or, continuing a run of one key on that tensor
  /// that nothing else has changed the plan since, the run's one step made anew (b b b b is one
  /// undo step).
  private func setSpec(_ spec: CompressionSpec?, for tensor: String, continuesRun: Bool) throws {
    if continuesRun, let run = editRun, run.revision == session.revision {
      var next = session.history.plans[run.base]
      next.tensors[tensor] = (spec?.isEmpty ?? true) ? nil : spec
      // Checked first: the run's step is taken back only for a plan that will be recorded.
      try next.validate(against: session.model.weights, file: "plan")
      if session.history.index == run.base + 1 { session.undo() }
      try session.apply(next)
      editRun = (run.base, session.revision)
    } else {
      let base = session.history.index
      try session.setSpec(spec, for: tensor)
      editRun = (base, session.revision)
    }
    planChanged()
  }

  /// What an undo or redo changed: "fc1.weight int5 ch → int4 ch" for one tensor (the arrow
  /// the glyph set has), else how many.
  static func change(from before: Plan, to after: Plan, arrow: Character) -> String {
    let names = Set(before.tensors.keys).union(after.tensors.keys).filter { before.tensors[$0] != after.tensors[$0] }.sorted()
    guard names.count == 1, let name = names.first else {
      return names.isEmpty ? "the plan is unchanged" : "\(names.count) tensors changed back"
    }
    let text = { (spec: CompressionSpec?) in spec.map(\.shortForm) ?? "none" }
    return "\(name) \(text(before.tensors[name])) \(arrow) \(text(after.tensors[name]))"
  }

  /// Runs an export to the path typed at the prompt (`~` expanded); when it fails, the prompt
  /// opens again with the text as typed and the error in it, for a fix.
  private func export(_ purpose: Prompt.Purpose, typed: String, _ write: (String) throws -> Void) throws {
    do {
      try write(try homeExpanded(typed))
    } catch {
      state.overlay = .prompt(Prompt(purpose: purpose, text: typed, error: "\(error)"))
      throw error
    }
  }

  /// Gives `tensors` the spec of `source` (adapted to each shape) as one step, and says how
  /// many it changed: all of them, or the filter's matches.
  private func applySpec(of source: String, to tensors: [String]) throws {
    var plan = session.plan
    let spec = plan.tensors[source]
    let targets = Set(tensors)
    for row in state.rows where targets.contains(row.name) {
      plan.tensors[row.name] = spec.flatMap { SpecEditing.adapted($0, toShape: row.shape) }
    }
    try session.apply(plan)
    planChanged()
    let count = tensors.count == 1 ? "1 tensor" : "\(tensors.count) tensors"
    let scope = state.filter.isEmpty ? "every tensor (\(count))" : "the \(count) matching /\(state.filter)"
    state.show(spec == nil ? "cleared \(scope)" : "applied \(source)'s spec to \(scope)")
  }

  /// `path` with a leading `~` expanded to the home directory, as a shell would: the prompt is
  /// where a user types paths as in a shell, and a literal `~` folder is never what they meant.
  private func homeExpanded(_ path: String) throws -> String {
    guard let expanded = OutputPath.expandingTilde(path, home: options.homeDirectory) else {
      throw FileWriteError(path: path, reason: "HOME is not set, so ~ names no directory")
    }
    return expanded
  }

  private func planChanged() {
    weightsDigest.start()
    if let problem = store?.save(session.plan) { state.show(problem, isError: true) }
    refresh()
  }

  /// Hands the session's numbers to `update` (which asks for the selected tensor's detail when
  /// they changed it).
  private func refresh() {
    let (plan, applied) = (session.plan, session.applied)
    var tensors: [String: SessionSnapshot.Tensor] = [:]
    for name in Set(plan.tensors.keys).union(applied.plan.tensors.keys) {
      let compressed = applied.compressed[name]
      tensors[name] = SessionSnapshot.Tensor(spec: plan.tensors[name], bytes: compressed?.storage.bytes,
                                             sqnrDecibels: compressed?.error.sqnrDecibels,
                                             isPending: plan.tensors[name] != applied.plan.tensors[name])
    }
    let snapshot = SessionSnapshot(
      plan: plan, tensors: tensors, compressedBytes: applied.compressedBytes, isApplying: session.isApplying,
      // The metric shown is an older plan's until the current one is compressed and measured.
      metric: session.metric, isEvaluating: session.isEvaluating || session.isApplying, evaluationFailure: session.evaluationFailure?.message,
      canUndo: session.history.canUndo, canRedo: session.history.canRedo, isExported: plan == exportedPlan)
    _ = handle(.session(snapshot))
  }

  /// Computes `name`'s detail for the applied plan in the background ("computing…" meanwhile).
  private func loadDetail(_ name: String) {
    detailLoader.request(name, compressed: session.applied.compressed[name])
  }

  /// Hands the sweep's and the search's reports to `update`. The first time the session's metric
  /// is known, the map is looked for in the disk cache, so a model swept before shows its map at
  /// once.
  private func receiveSensitivity() {
    guard let loader = sensitivityLoader else { return }
    if !preloadRequested, state.sensitivity == .notComputed, state.search.running == nil, let metric = session.metric {
      preloadRequested = true
      loader.preload(metric: metric)
    }
    for report in loader.takeEvents() { handle(.sensitivity(report)) }
  }

  private func planToExport() throws -> Plan {
    var plan = session.plan
    plan.model = ModelReference(path: session.model.path, sha256: weightsDigest.value)
    plan.summary = try session.appliedNow().summary(metric: session.metric.map {
      MetricSummary(name: $0.name, baseline: $0.baseline, value: $0.value)
    })
    return plan
  }

  private func exportPlan(to path: String) throws {
    try AtomicFile.write([Array(try planToExport().jsonData())], to: path)
    exportedPlan = session.plan
    state.isExported = true
    state.show("wrote \(path)")
  }

  private func exportModel(to path: String, packed: Bool) throws {
    let metric = session.metric.map { MetricSummary(name: $0.name, baseline: $0.baseline, value: $0.value) }
    let written = try ModelExport.write(session.model, applied: try session.appliedNow(), metric: metric, to: path,
                                        packed: packed, weightsSHA256: weightsDigest.value)
    exportedPlan = session.plan
    state.isExported = true
    let names = written.map { URL(fileURLWithPath: $0).lastPathComponent }
    state.show("wrote \(path)/ (\(names.joined(separator: ", ")))")
  }
}
