import PareCore
/// Refines a per-tensor choice by measurement, in the spirit of EvoPress: mutate a few tensors'
/// choices, measure the child, keep it only when it fits the budget and measures better.
///
/// A mutation moves one or two items one or two steps along their options sorted by size; while
/// the child is over budget, a random other item steps down to its next smaller option (a child
/// that cannot be brought under budget is dropped unmeasured). Children already measured are not
/// measured again. The random choices come from `seed`, so a search is repeatable.
///
/// "Better" is `PlanMetric.isBetter(than:)`: a lower search cost, which the metric's kind names
/// (a classifier's mean KL divergence from the uncompressed model, else the metric's own loss).
/// Selecting on a classifier's accuracy would fit the evaluation labels (on the bundled 1,000
/// MNIST images it chose plans measuring above the uncompressed model); the KL uses no labels,
/// so the accuracy reported stays a measurement.
public struct EvolutionarySearch: Sendable {
  /// `sizes[i][j]`: bytes of item i under option j.
  public let sizes: [[Int]]
  /// The budget for the summed sizes.
  public let capacity: Int
  /// The most children measured.
  public let evaluations: Int
  /// Seed of the random mutations.
  public let seed: UInt64

  /// What a search ended with.
  public struct Outcome: Sendable {
    /// The option index of each item: the start, or the last child kept.
    public let choice: [Int]
    /// Its measured metric.
    public let metric: PlanMetric
    /// Children measured.
    public let evaluations: Int
    /// Children kept.
    public let improvements: Int
  }

  /// A search over `sizes` within `capacity`, measuring at most `evaluations` children.
  public init(sizes: [[Int]], capacity: Int, evaluations: Int, seed: UInt64) {
    (self.sizes, self.capacity, self.evaluations, self.seed) = (sizes, capacity, evaluations, seed)
  }

  /// Searches from `start` (which must fit the budget), measured as `metric`. Never returns a
  /// choice over budget or measuring worse than the start. Stops early, returning the best so
  /// far, when `isCancelled` says so or `measure` throws `CancellationError`; other errors from
  /// `measure` are rethrown.
  public func run(from start: [Int], metric: PlanMetric, isCancelled: () -> Bool = { false },
                  measure: ([Int]) throws -> PlanMetric) rethrows -> Outcome {
    // Each item's options from smallest to largest, and each option's place in that order.
    let order = sizes.map { s in s.indices.sorted { (s[$0], $0) < (s[$1], $1) } }
    var place = sizes.map { [Int](repeating: 0, count: $0.count) }
    for (i, o) in order.enumerated() { for (p, j) in o.enumerated() { place[i][j] = p } }
    let movable = sizes.indices.filter { sizes[$0].count > 1 }

    var generator = SplitMix64(seed: seed)
    var (best, bestMetric) = (start, metric)
    var seen: Set<[Int]> = [start]
    var (measured, kept, attempts) = (0, 0, 0)
    while measured < evaluations, attempts < evaluations * 50, !movable.isEmpty, !isCancelled() {
      attempts += 1
      var child = best
      var moved: Set<Int> = []
      for _ in 0..<Int.random(in: 1...2, using: &generator) {
        let i = movable[Int.random(in: 0..<movable.count, using: &generator)]
        let here = place[i][child[i]]
        let steps = [-2, -1, 1, 2].map { here + $0 }.filter { order[i].indices.contains($0) }
        child[i] = order[i][steps[Int.random(in: 0..<steps.count, using: &generator)]]
        moved.insert(i)
      }
      var bytes = total(child)
      while bytes > capacity {
        let shrinkable = sizes.indices.filter { !moved.contains($0) && place[$0][child[$0]] > 0 }
        guard !shrinkable.isEmpty else { break }
        let j = shrinkable[Int.random(in: 0..<shrinkable.count, using: &generator)]
        child[j] = order[j][place[j][child[j]] - 1]
        bytes = total(child)
      }
      guard bytes <= capacity, seen.insert(child).inserted else { continue }
      let childMetric: PlanMetric
      do {
        childMetric = try measure(child)
      } catch is CancellationError {
        break
      } catch {
        throw error
      }
      measured += 1
      if childMetric.isBetter(than: bestMetric) {
        (best, bestMetric) = (child, childMetric)
        kept += 1
      }
    }
    return Outcome(choice: best, metric: bestMetric, evaluations: measured, improvements: kept)
  }

  private func total(_ choice: [Int]) -> Int {
    zip(sizes, choice).reduce(0) { $0 + $1.0[$1.1] }
  }
}
