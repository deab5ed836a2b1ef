import PareCore
import Testing
@testable import PareWorkbench

/// The multiple-choice knapsack against hand-worked optima and brute force.
struct BudgetAllocatorTests {
  typealias Option = BudgetAllocator.Option

  /// The cheapest choice within `capacity` by trying every combination (nil when none fits).
  func bruteForce(_ items: [[Option]], capacity: Int) -> Double? {
    var best: Double?
    func visit(_ i: Int, bytes: Int, cost: Double) {
      guard bytes <= capacity else { return }
      guard i < items.count else { best = min(best ?? .infinity, cost); return }
      for o in items[i] { visit(i + 1, bytes: bytes + o.bytes, cost: cost + o.cost) }
    }
    visit(0, bytes: 0, cost: 0)
    return best
  }

  func totals(_ items: [[Option]], _ choice: [Int]) -> (bytes: Int, cost: Double) {
    zip(items, choice).reduce((0, 0)) { ($0.0 + $1.0[$1.1].bytes, $0.1 + $1.0[$1.1].cost) }
  }

  /// Three tensors, option 0 uncompressed. Worked by hand: within 12 bytes the least cost is 7,
  /// reached by 6 + 4 + 1 = 11 bytes (1 + 2 + 4) and by 3 + 4 + 5 = 12 bytes (5 + 2 + 0); within
  /// 13 bytes, 6 + 2 + 5 costs 1 + 3 + 0 = 4; with room for everything nothing is compressed.
  @Test func findsTheKnownOptimum() throws {
    let items: [[Option]] = [
      [Option(bytes: 10, cost: 0), Option(bytes: 6, cost: 1), Option(bytes: 3, cost: 5)],
      [Option(bytes: 8, cost: 0), Option(bytes: 4, cost: 2), Option(bytes: 2, cost: 3)],
      [Option(bytes: 5, cost: 0), Option(bytes: 1, cost: 4)],
    ]
    let choice = try #require(BudgetAllocator().allocate(items, capacity: 12))
    let (bytes, cost) = totals(items, choice)
    #expect(bytes <= 12 && cost == 7)
    // With 13 bytes, 6 + 2 + 5 costs 1 + 3 + 0 = 4.
    #expect(BudgetAllocator().allocate(items, capacity: 13) == [1, 2, 0])
    // With everything's room, nothing is compressed.
    #expect(BudgetAllocator().allocate(items, capacity: 23) == [0, 0, 0])
  }

  @Test func matchesBruteForceOnRandomTables() {
    var rng = SplitMix64(seed: 7)
    for _ in 0..<200 {
      let items = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
        (0..<Int.random(in: 1...4, using: &rng)).map { _ in
          Option(bytes: Int.random(in: 0...20, using: &rng), cost: Double(Int.random(in: -3...10, using: &rng)))
        }
      }
      let capacity = Int.random(in: 0...50, using: &rng)
      let expected = bruteForce(items, capacity: capacity)
      let choice = BudgetAllocator().allocate(items, capacity: capacity)
      #expect((choice == nil) == (expected == nil))
      if let choice, let expected {
        let (bytes, cost) = totals(items, choice)
        #expect(bytes <= capacity && cost == expected)
      }
    }
  }

  @Test func budgetEdgeCases() {
    let items: [[Option]] = [[Option(bytes: 4, cost: 0), Option(bytes: 2, cost: 1)],
                             [Option(bytes: 3, cost: 0), Option(bytes: 1, cost: 1)]]
    // Exactly the smallest plan fits; one byte less, nothing does.
    #expect(BudgetAllocator().allocate(items, capacity: 3) == [1, 1])
    #expect(BudgetAllocator().allocate(items, capacity: 2) == nil)
    #expect(BudgetAllocator().allocate(items, capacity: -1) == nil)
    // Zero capacity fits zero-byte options only.
    #expect(BudgetAllocator().allocate([[Option(bytes: 0, cost: 2), Option(bytes: 1, cost: 0)]], capacity: 0) == [0])
    // No items: the empty choice; an item without options: nothing.
    #expect(BudgetAllocator().allocate([], capacity: 10) == [])
    #expect(BudgetAllocator().allocate([[]], capacity: 10) == nil)
  }

  /// A tensor whose every candidate costs more than the others' stays uncompressed when
  /// compressing the others is enough.
  @Test func aTensorStaysUncompressedWhenItsCandidatesDoNotPay() {
    let items: [[Option]] = [
      [Option(bytes: 100, cost: 0), Option(bytes: 10, cost: 50)],
      [Option(bytes: 100, cost: 0), Option(bytes: 10, cost: 1)],
      [Option(bytes: 100, cost: 0), Option(bytes: 20, cost: 2)],
    ]
    #expect(BudgetAllocator().allocate(items, capacity: 130) == [0, 1, 1])
    #expect(BudgetAllocator().allocate(items, capacity: 210) == [0, 1, 0])
  }

  /// Above `buckets` bytes, sizes are rounded up to units: the choice still fits, and costs no
  /// less than the exact optimum.
  @Test func bucketedChoicesStillFit() throws {
    var rng = SplitMix64(seed: 11)
    for _ in 0..<50 {
      let items = (0..<3).map { _ in
        [Option(bytes: 1000, cost: 0)] + (0..<3).map { _ in
          Option(bytes: Int.random(in: 50...900, using: &rng), cost: Double.random(in: 0...5, using: &rng))
        }
      }
      let capacity = Int.random(in: 500...3000, using: &rng)
      let exact = bruteForce(items, capacity: capacity)
      let choice = BudgetAllocator(buckets: 16).allocate(items, capacity: capacity)
      if let choice {
        let (bytes, cost) = totals(items, choice)
        #expect(bytes <= capacity)
        #expect(cost >= (exact ?? -.infinity))
      }
      #expect(exact != nil || choice == nil)
    }
  }
}
