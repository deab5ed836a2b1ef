import Dispatch
import PareCompression
import PareFormats
import PareWorkbench
import Synchronization

/// Runs the sensitivity sweep and the `a` search off the UI thread, with the source's own
/// evaluator, and hands their progress and results to the controller, which takes them on its
/// clock tick: a sweep takes seconds to minutes, and the explorer never waits for it.
///
/// Jobs run one at a time, in the order asked, on one queue (the evaluator is not re-entrant).
/// A newer search supersedes an older one: the older stops at its next check (its sweep runs on,
/// since the newer needs the same cells) and reports nothing. `cancel()` stops everything, for
/// quitting.
final class SensitivityLoader: Sendable {
  /// What the background work reports.
  enum Event: Sendable {
    /// The running sweep's progress; nil when it has ended.
    case sweep(WorkProgress?)
    /// The map's table.
    case table(SensitivityTable)
    /// The sweep failed, with why.
    case sweepFailed(String)
    /// Plans the search `generation` has measured.
    case searchProgress(generation: Int, WorkProgress)
    /// What the search `generation` found.
    case found(generation: Int, SearchOutcome)
    /// The search `generation` failed, with why (no plan fits, or the sweep failed).
    case searchFailed(generation: Int, String)
  }

  private struct State {
    var events: [Event] = []
    var cancelled = false
    /// The latest search's number.
    var generation = 0
    /// Built by the first job that needs it, then kept.
    var evaluator: (any LayerOrderedEvaluator)?
  }

  private let weights: WeightStore
  private let source: SensitivitySource
  private let queue = DispatchQueue(label: "pare.sensitivity", qos: .userInitiated)
  private let state = Mutex(State())

  /// A loader measuring the model of `weights` as `source` says.
  init(weights: WeightStore, source: SensitivitySource) { (self.weights, self.source) = (weights, source) }

  /// Reads the map's table from the disk cache when every cell is there (no evaluator needed:
  /// `metric` is the session's); reports nothing otherwise.
  func preload(metric: PlanMetric) {
    queue.async { [self] in
      guard !isCancelled() else { return }
      let cache = source.cache(metric: metric.name)
      let tensors = SensitivityAnalysis.compressibleTensors(in: weights)
      var cells: [SensitivityCell] = []
      for candidate in source.mapCandidates {
        guard let cached = cache.load(candidate, tensors: tensors.map(\.name)) else { return }
        cells += cached
      }
      post(.table(SensitivityTable(metric: metric.kind, baseline: metric.baseline, tensors: tensors,
                                   candidates: source.mapCandidates, cells: cells)))
    }
  }

  /// Computes the map's table (measuring only what the cache lacks).
  func sweep() {
    queue.async { [self] in
      if let table = try? table(of: source.mapCandidates) { post(.table(table)) }
    }
  }

  /// Searches the best plan for `ratio` from the search's table (swept first where the cache
  /// lacks cells). Returns the search's number, which its events carry.
  func search(ratio: Double) -> Int {
    let generation = state.withLock { state in
      state.generation += 1
      return state.generation
    }
    let superseded: @Sendable () -> Bool = { [self] in
      state.withLock { $0.cancelled || $0.generation != generation }
    }
    queue.async { [self] in
      guard !superseded() else { return }
      do {
        let table = try table(of: source.sweptBySearch)
        post(.table(table.restricted(to: source.mapCandidates)))
        guard !superseded() else { return }
        let search = PlanSearch(table: table, weights: weights, evaluator: try evaluator(), compression: source.compression)
        let budget = Int((Double(search.originalBytes) / ratio).rounded(.down))
        let total = source.searchOptions.evaluations
        post(.searchProgress(generation: generation, WorkProgress(completed: 0, total: total)))
        let outcome = try search.run(budget: budget, options: source.searchOptions, isCancelled: superseded) { done in
          post(.searchProgress(generation: generation, WorkProgress(completed: done, total: total)))
        }
        // Cancelled during the evolutionary step, the search returns what it had: not wanted.
        guard !superseded() else { return }
        if let sessionCompression = source.sessionCompression {
          _ = try AppliedPlan(plan: outcome.found.plan, weights: weights, cache: sessionCompression)
        }
        post(.found(generation: generation, outcome))
      } catch is CancellationError {
      } catch {
        post(.searchFailed(generation: generation, "\(error)"))
      }
    }
    return generation
  }

  /// Stops every job at its next check (between cells, batches and plans); nothing more is
  /// reported.
  func cancel() { state.withLock { $0.cancelled = true } }

  /// The events reported since the last call, in order.
  func takeEvents() -> [Event] {
    state.withLock { state in
      defer { state.events.removeAll() }
      return state.events
    }
  }

  private func post(_ event: Event) {
    state.withLock { state in
      if !state.cancelled { state.events.append(event) }
    }
  }

  private func isCancelled() -> Bool { state.withLock { $0.cancelled } }

  /// The table of `candidates`, reporting the sweep's progress (and its end, and its failure).
  private func table(of candidates: [Candidate]) throws -> SensitivityTable {
    defer { post(.sweep(nil)) }
    do {
      let evaluator = try evaluator()
      let isCancelled: @Sendable () -> Bool = { [self] in self.isCancelled() }
      let analysis = SensitivityAnalysis(weights: weights, evaluator: evaluator, compression: source.compression,
                                         cache: source.cache(metric: evaluator.metric.name))
      return try analysis.run(candidates: candidates, progress: { step in
        post(.sweep(WorkProgress(completed: step.completed, total: step.total)))
      }, isCancelled: isCancelled)
    } catch let error as CancellationError {
      throw error
    } catch {
      post(.sweepFailed("\(error)"))
      throw error
    }
  }

  /// The sweep's evaluator, built on first use (on the queue, so once).
  private func evaluator() throws -> any LayerOrderedEvaluator {
    if let built = state.withLock({ $0.evaluator }) { return built }
    let built = try source.makeEvaluator()
    state.withLock { $0.evaluator = built }
    return built
  }
}

extension SensitivityTable {
  /// The same measurements for `candidates` only (each must be among the table's).
  func restricted(to candidates: [Candidate]) -> SensitivityTable {
    let kept = Set(candidates)
    return SensitivityTable(metric: metric, baseline: baseline, tensors: tensors, candidates: candidates,
                            cells: cells.filter { kept.contains($0.candidate) })
  }
}
