import Foundation
import PareCompression
import PareWorkbench

/// What the explorer's sensitivity map and `a` search measure with: a second evaluator on the
/// session's evaluation data, the cache key, and the candidates.
///
/// The sweep and the search run on a background queue with their own evaluator, built by
/// `makeEvaluator` when first needed: evaluators are not re-entrant, and the session's serves
/// the live edits. Cells go to the same disk cache as `pare sensitivity`, so measure on the same
/// data the CLI would (all of it), or the cache would mix measurements.
public struct SensitivitySource: Sendable {
  /// Builds the sweep's evaluator (called once, on the background queue).
  public var makeEvaluator: @Sendable () throws -> any LayerOrderedEvaluator
  /// The compressed tensors `makeEvaluator`'s evaluator uses: a cache of its own (a sweep
  /// compresses each (tensor, candidate) once and would crowd out the session's), big enough to
  /// hold the tensors the search's evaluations reuse.
  public var compression: CompressionCache
  /// The session's compressed tensors: a found plan is compressed into them on the background
  /// queue, so applying it on the UI thread finds every tensor ready (nil: applied as is).
  public var sessionCompression: CompressionCache?
  /// The weights' fingerprint (`WeightStore.fingerprint()`: the cache key, with the data's
  /// sha256 and the metric).
  public var modelFingerprint: String
  /// SHA-256 of the evaluation data.
  public var dataSHA256: String
  /// The environment naming the cache folder (`PARE_CACHE_DIR`, `XDG_CACHE_HOME`, `HOME`).
  public var environment: [String: String]
  /// The map's columns.
  public var mapCandidates: [Candidate]
  /// The choices of the `a` search (the map's candidates are added when missing).
  public var searchCandidates: [Candidate]
  /// Evaluations and seed of the `a` search.
  public var searchOptions: PlanSearch.Options
  /// Whether `a` also searches at the size of llama.cpp's mixes (`q4_k_m`): the decoder's
  /// config they are assigned from, or why not.
  public var llamaMix: LlamaMixSupport
  /// What `a` says when a search at a mix's size starts on this model, as `pare search --like`
  /// warns (`LlamaQuantMix.quantizedSourceWarning`); nil for nothing.
  public var llamaMixWarning: String?

  /// A source with `pare search`'s defaults: the sensitivity candidates in the map, the search
  /// candidates and 100 evaluations (seed 1) in the search, so `a` finds the plan `pare search
  /// --target-ratio` writes.
  public init(modelFingerprint: String, dataSHA256: String, compression: CompressionCache,
              sessionCompression: CompressionCache? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
              mapCandidates: [Candidate] = Candidate.sensitivityDefaults,
              searchCandidates: [Candidate] = Candidate.searchDefaults,
              searchOptions: PlanSearch.Options = PlanSearch.Options(),
              llamaMix: LlamaMixSupport = .refused("llama.cpp's mixes are for language models"),
              llamaMixWarning: String? = nil,
              makeEvaluator: @escaping @Sendable () throws -> any LayerOrderedEvaluator) {
    (self.modelFingerprint, self.dataSHA256, self.compression, self.environment) = (modelFingerprint, dataSHA256, compression, environment)
    self.sessionCompression = sessionCompression
    (self.mapCandidates, self.searchCandidates, self.searchOptions) = (mapCandidates, searchCandidates, searchOptions)
    (self.llamaMix, self.llamaMixWarning) = (llamaMix, llamaMixWarning)
    self.makeEvaluator = makeEvaluator
  }

  /// The disk cache for results measured as `metric`.
  func cache(metric: String) -> SensitivityCache {
    SensitivityCache(modelFingerprint: modelFingerprint, dataSHA256: dataSHA256, metric: metric, environment: environment)
  }

  /// What the search sweeps: its candidates, then the map's it lacks, so the map is always a
  /// part of the search's table.
  var sweptBySearch: [Candidate] {
    searchCandidates + mapCandidates.filter { !searchCandidates.contains($0) }
  }
}
