import PareCore
import PareTestSupport
import Testing
@testable import PareWorkbench

/// The evolutionary step: within budget, never worse than its start, repeatable.
struct EvolutionarySearchTests {
  /// A made-up metric for a choice: a fixed pseudo-random value and KL per choice (FNV-1a of
  /// the indices as the seed).
  func noisyMetric(_ choice: [Int]) -> PlanMetric {
    var rng = SplitMix64(seed: choice.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
    return accuracyMetric(Double(Int.random(in: 0...20, using: &rng)) / 20, baseline: 1,
                          meanKL: Double.random(in: 0...1, using: &rng))
  }

  func randomProblem(_ rng: inout SplitMix64) -> (sizes: [[Int]], capacity: Int, start: [Int]) {
    let sizes = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
      (0..<Int.random(in: 1...6, using: &rng)).map { _ in Int.random(in: 1...30, using: &rng) }
    }
    let smallest = sizes.map { s in s.indices.min { s[$0] < s[$1] } ?? 0 }
    let capacity = zip(sizes, smallest).reduce(0) { $0 + $1.0[$1.1] } + Int.random(in: 0...40, using: &rng)
    return (sizes, capacity, smallest)
  }

  @Test func neverReturnsAPlanOverBudgetOrWorseThanItsStart() {
    var rng = SplitMix64(seed: 3)
    for seed in 0..<100 as Range<UInt64> {
      let (sizes, capacity, start) = randomProblem(&rng)
      let search = EvolutionarySearch(sizes: sizes, capacity: capacity, evaluations: 30, seed: seed)
      var calls = 0
      let outcome = search.run(from: start, metric: noisyMetric(start)) { choice in
        calls += 1
        #expect(zip(sizes, choice).reduce(0) { $0 + $1.0[$1.1] } <= capacity, "measured a child over budget")
        return noisyMetric(choice)
      }
      #expect(zip(sizes, outcome.choice).reduce(0) { $0 + $1.0[$1.1] } <= capacity)
      #expect(!noisyMetric(start).isBetter(than: outcome.metric))
      #expect(outcome.metric == noisyMetric(outcome.choice))
      #expect(calls == outcome.evaluations && calls <= 30)
    }
  }

  /// With a metric that rewards one target choice, the search climbs to it from the start.
  @Test func findsABetterPlanWhenThereIsOne() {
    let sizes = [[10, 5, 2, 1], [10, 5, 2, 1], [10, 5, 2, 1]]
    let target = [1, 2, 1]
    func metric(_ choice: [Int]) -> PlanMetric {
      accuracyMetric(-Double(zip(choice, target).reduce(0) { $0 + abs($1.0 - $1.1) }), baseline: 0)
    }
    let start = [3, 3, 3]
    let outcome = EvolutionarySearch(sizes: sizes, capacity: 12, evaluations: 60, seed: 1)
      .run(from: start, metric: metric(start), measure: metric)
    #expect(outcome.choice == target)
    #expect(outcome.improvements >= 1)
  }

  @Test func theSameSeedRepeatsTheSearch() {
    var rng = SplitMix64(seed: 5)
    let (sizes, capacity, start) = randomProblem(&rng)
    func run(_ seed: UInt64) -> [Int] {
      EvolutionarySearch(sizes: sizes, capacity: capacity, evaluations: 20, seed: seed)
        .run(from: start, metric: noisyMetric(start), measure: noisyMetric).choice
    }
    #expect(run(9) == run(9))
  }

  /// A cancelled measurement ends the search with the best plan kept before it.
  @Test func cancellationReturnsTheBestSoFar() throws {
    let sizes = [[4, 3, 2, 1], [4, 3, 2, 1]]
    var calls = 0
    let start = [3, 3]
    let outcome = try EvolutionarySearch(sizes: sizes, capacity: 8, evaluations: 50, seed: 2)
      .run(from: start, metric: noisyMetric(start)) { choice in
        calls += 1
        if calls > 3 { throw CancellationError() }
        return noisyMetric(choice)
      }
    #expect(outcome.evaluations == 3)
    #expect(!noisyMetric(start).isBetter(than: outcome.metric))
  }

  @Test func betterMeansALowerKLForAccuracy() {
    func m(_ value: Double, _ kl: Double?) -> PlanMetric { accuracyMetric(value, baseline: 1, meanKL: kl) }
    #expect(m(0.8, 0.1).isBetter(than: m(0.9, 0.5)))
    #expect(!m(0.9, 0.2).isBetter(than: m(0.9, 0.2)))
    #expect(m(0.9, nil).isBetter(than: m(0.8, nil)))
    #expect(!m(0.9, nil).isBetter(than: m(0.9, nil)))
  }
}
