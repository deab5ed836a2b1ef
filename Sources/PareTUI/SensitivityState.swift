import PareWorkbench

/// Where the sensitivity map stands: what the sensitivity view draws.
public enum SensitivityStatus: Sendable, Equatable {
  /// Nothing to measure the model on (browse only), or no sweep evaluator was given.
  case unavailable
  /// Not asked for yet: the sweep starts when the view is first shown (or when `a` needs it).
  case notComputed
  /// A sweep is running; its progress once it has reported (nil just after the request).
  case computing(WorkProgress?)
  /// The map's table: every tensor alone under every map candidate.
  case computed(SensitivityTable)
  /// The last sweep failed, with why (showing the view again retries).
  case failed(String)
  /// The sweep was stopped with Esc (showing the view again starts it again; the candidates it
  /// finished are in the disk cache).
  case stopped

  /// The table, when computed.
  public var table: SensitivityTable? {
    if case let .computed(table) = self { table } else { nil }
  }
}

/// How far a piece of background work has got: steps done out of all.
public struct WorkProgress: Sendable, Equatable {
  /// Steps done.
  public var completed: Int
  /// Steps in all.
  public var total: Int
  /// How long the rest should take at the pace so far, in seconds (nil before the first step).
  public var secondsLeft: Double?

  /// A progress from its parts.
  public init(completed: Int, total: Int, secondsLeft: Double? = nil) {
    (self.completed, self.total, self.secondsLeft) = (completed, total, secondsLeft)
  }

  /// A progress `elapsed` seconds into the work, with the time left at that pace.
  public init(completed: Int, total: Int, elapsed: Double) {
    let left = completed > 0 ? elapsed * Double(max(total - completed, 0)) / Double(completed) : nil
    self.init(completed: completed, total: total, secondsLeft: left)
  }

  /// The time left as the screen shows it: "1:05 left", or "estimating time left" until the
  /// first step sets the pace (nil when there is nothing left to do).
  public var timeLeft: String? {
    if let secondsLeft { return Format.duration(secondsLeft) + " left" }
    return completed == 0 && total > 0 ? "estimating time left" : nil
  }

  /// Whole percent done, 0 to 100 (100 for no steps at all).
  public var percent: Int { total > 0 ? min(100, max(0, completed * 100 / total)) : 100 }
}

/// The `a` search: the one running, the plans searches have measured (the frontier known so
/// far) and the target asked for last.
public struct SearchState: Sendable, Equatable {
  /// The search running in the background, if any.
  public var running: RunningSearch?
  /// Every plan a search measured (the knapsack's and the best one found), as size and metric.
  public var frontier: [FrontierPoint] = []
  /// The target asked for last (the next `a` proposes it).
  public var lastTarget: SearchTarget?
  /// Why `a` refuses llama.cpp file types (q4_k_m), in words that follow "'q4_k_m' is a llama.cpp
  /// file type, but "; nil where it takes them (a language model whose mixes Pare reproduces).
  public var llamaMixRefusal: String? = "llama.cpp's mixes are for language models"
  /// Said when a search at a mix's size starts (`SensitivitySource.llamaMixWarning`).
  public var llamaMixWarning: String?

  /// No search run yet.
  public init() {}
}

/// A search in the background, for the status line.
public struct RunningSearch: Sendable, Equatable {
  /// The ratio or llama.cpp mix asked for.
  public var target: SearchTarget
  /// The sensitivity sweep it waits for, while that runs.
  public var sweep: WorkProgress?
  /// Plans the evolutionary step has measured, out of the most it measures.
  public var evaluations: WorkProgress?

  /// A search for `target` that has not reported yet.
  public init(target: SearchTarget) { self.target = target }
}

/// One measured plan: its size and metric.
public struct FrontierPoint: Sendable, Equatable {
  /// The plan's size, in bytes (the whole model).
  public var compressedBytes: Int
  /// original / compressed.
  public var ratio: Double
  /// The measured metric.
  public var value: Double

  /// A point from its parts.
  public init(compressedBytes: Int, ratio: Double, value: Double) {
    (self.compressedBytes, self.ratio, self.value) = (compressedBytes, ratio, value)
  }
}

extension ExplorerState {
  /// Where the current plan sits against the frontier known so far: the best measured point no
  /// larger than the current plan (the best metric as its kind judges it, the smaller on a tie)
  /// and the current metric to compare with it. Nil while the current metric is not known or
  /// being measured, or when no known point is as small as the current plan.
  public var frontierComparison: (point: FrontierPoint, current: PlanMetric)? {
    guard let metric, !isEvaluating else { return nil }
    let fitting = search.frontier.filter { $0.compressedBytes <= compressedBytes }
    let best = fitting.min { a, b in
      metric.kind.isBetter(a.value, than: b.value) || (a.value == b.value && a.compressedBytes < b.compressedBytes)
    }
    return best.map { ($0, metric) }
  }
}
