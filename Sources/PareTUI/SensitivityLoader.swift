import PareCompression
import PareFormats
import PareWorkbench
import Synchronization

/// Runs the sensitivity sweep and the `a` search off the UI thread, with the source's own
/// evaluator, and hands their progress and results to the controller, which takes them on its
/// clock tick: a sweep takes seconds to minutes, and the explorer never waits for it.
///
/// Jobs run one at a time on one `LatestWinsQueue` (the evaluator is not re-entrant): a newer
/// job (a sweep, a search) supersedes an older one, which stops at its next check and reports
/// nothing. A search sweeps every cell the map needs, so superseding the map's sweep loses
/// nothing; finished candidates are on disk for the newer job. `stop()` ends everything, for
/// quitting.
final class SensitivityLoader: Sendable {
  private typealias Job = LatestWinsQueue<SensitivityReport>.Job

  private let weights: WeightStore
  private let source: SensitivitySource
  private let jobs = LatestWinsQueue<SensitivityReport>(label: "pare.sensitivity")
  /// Built by the first job that needs it, then kept.
  private let builtEvaluator = Mutex<(any LayerOrderedEvaluator)?>(nil)

  /// A loader measuring the model of `weights` as `source` says.
  init(weights: WeightStore, source: SensitivitySource) { (self.weights, self.source) = (weights, source) }

  /// Reads the map's table from the disk cache when every cell is there (no evaluator needed:
  /// `metric` is the session's); reports nothing otherwise.
  func preload(metric: PlanMetric) {
    jobs.submit { [self] job in
      let cache = source.cache(metric: metric.name)
      let tensors = SensitivityAnalysis.compressibleTensors(in: weights)
      var cells: [SensitivityCell] = []
      for candidate in source.mapCandidates {
        guard let cached = cache.load(candidate, tensors: tensors.map(\.name)) else { return }
        cells += cached
      }
      job.post(.table(SensitivityTable(metric: metric.kind, baseline: metric.baseline, tensors: tensors,
                                       candidates: source.mapCandidates, cells: cells)))
    }
  }

  /// Computes the map's table (measuring only what the cache lacks).
  func sweep() {
    jobs.submit { [self] job in
      if let table = try? table(of: source.mapCandidates, job) { job.post(.table(table)) }
    }
  }

  /// Searches the best plan for `target` from the search's table (swept first where the cache
  /// lacks cells). A llama.cpp mix's target is its exact size for the model, and the mix as
  /// llama-quantize writes it without and with an imatrix seeds the search (both measured), as
  /// `pare search --like` does.
  func search(_ target: SearchTarget) {
    jobs.submit { [self] job in
      do {
        // Sized first: a model the mix's rules refuse fails before the sweep.
        let mix = try target.llamaMixFileType.map { try llamaMix($0) }
        let table = try table(of: source.sweptBySearch, job)
        job.post(.table(table.restricted(to: source.mapCandidates)))
        let search = PlanSearch(table: table, weights: weights, evaluator: try evaluator(), compression: source.compression)
        let budget = switch target {
        case let .ratio(ratio): search.budget(ratio: ratio)
        case .llamaMix: mix?.bytes ?? 0  // sized above
        }
        let total = source.searchOptions.evaluations
        job.post(.searchProgress(WorkProgress(completed: 0, total: total)))
        let started = ContinuousClock.now
        let outcome = try search.run(budget: budget, options: source.searchOptions, seeds: mix?.seeds ?? [],
                                     isCancelled: job.isCancelled) { done in
          job.post(.searchProgress(WorkProgress(completed: done, total: total, elapsed: seconds(since: started))))
        }
        // The session applies the found plan in the background too; compressing it into the
        // session's cache here makes that instant.
        if let sessionCompression = source.sessionCompression, !job.isCancelled() {
          _ = try AppliedPlan(plan: outcome.found.plan, weights: weights, cache: sessionCompression)
        }
        // Cancelled during the evolutionary step, the search returns what it had: post drops it.
        job.post(.found(outcome))
      } catch is CancellationError {
      } catch {
        job.post(.searchFailed("\(error)"))
      }
    }
  }

  /// llama.cpp's mix of `fileType` for the source's decoder: its size and its two seeds; throws
  /// one line for a model without mix rules.
  private func llamaMix(_ fileType: LlamaQuantMix.FileType) throws -> (bytes: Int, seeds: [SearchSeed]) {
    let config: DecoderConfig
    switch source.llamaMix {
    case let .decoder(decoder): config = decoder
    case let .refused(why): throw TargetError(refusing: fileType.rawValue, why: why)
    }
    let mix = LlamaQuantMix(fileType: fileType)
    return (try mix.bytes(config: config, weights: weights), try mix.seeds(config: config, weights: weights))
  }

  /// Stops every job at its next check (between cells, batches and plans); nothing more is
  /// reported.
  func stop() { jobs.stop() }

  /// Stops the running sweep or search at its next check (Esc); later jobs run as usual.
  func cancel() { jobs.supersede() }

  /// The events reported since the last call, in order.
  func takeEvents() -> [SensitivityReport] { jobs.take() }

  /// Whether no job is waiting or running and every event was taken.
  var isIdle: Bool { jobs.isIdle }

  /// The table of `candidates`, reporting the sweep's progress (and its end, and its failure).
  private func table(of candidates: [Candidate], _ job: Job) throws -> SensitivityTable {
    defer { job.post(.sweep(nil)) }
    do {
      let evaluator = try evaluator()
      let analysis = SensitivityAnalysis(weights: weights, evaluator: evaluator, compression: source.compression,
                                         cache: source.cache(metric: evaluator.metric.name))
      let started = ContinuousClock.now
      return try analysis.run(candidates: candidates, progress: { step in
        job.post(.sweep(WorkProgress(completed: step.completed, total: step.total, elapsed: seconds(since: started))))
      }, isCancelled: job.isCancelled)
    } catch let error as CancellationError {
      throw error
    } catch {
      job.post(.sweepFailed("\(error)"))
      throw error
    }
  }

  /// The sweep's evaluator, built on first use (on the queue, so once).
  private func evaluator() throws -> any LayerOrderedEvaluator {
    if let built = builtEvaluator.withLock({ $0 }) { return built }
    let built = try source.makeEvaluator()
    builtEvaluator.withLock { $0 = built }
    return built
  }
}

/// What the sensitivity sweep and the `a` search report (to `update`, as `.sensitivity` events).
public enum SensitivityReport: Sendable, Equatable {
  /// The running sweep's progress; nil when it has ended.
  case sweep(WorkProgress?)
  /// The map's table.
  case table(SensitivityTable)
  /// The sweep failed, with why.
  case sweepFailed(String)
  /// Plans the search has measured.
  case searchProgress(WorkProgress)
  /// What the search found.
  case found(SearchOutcome)
  /// The search failed, with why (no plan fits, or the sweep failed).
  case searchFailed(String)
}

/// Seconds from `start` to now.
private func seconds(since start: ContinuousClock.Instant) -> Double {
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

extension SensitivityTable {
  /// The same measurements for `candidates` only (each must be among the table's).
  func restricted(to candidates: [Candidate]) -> SensitivityTable {
    let kept = Set(candidates)
    return SensitivityTable(metric: metric, baseline: baseline, tensors: tensors, candidates: candidates,
                            cells: cells.filter { kept.contains($0.candidate) })
  }
}
