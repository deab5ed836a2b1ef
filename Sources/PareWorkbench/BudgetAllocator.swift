/// Chooses one option per item to minimise the total cost within a byte budget: the
/// multiple-choice knapsack, solved exactly by dynamic programming over bytes.
///
/// Sizes are counted in units of ⌈capacity / buckets⌉ bytes, each option's size rounded up and the
/// capacity rounded down, so the choice always fits the budget. With a capacity of at most
/// `buckets` bytes the unit is one byte and the answer is the exact optimum; above that it is the
/// optimum of the rounded problem, which may leave up to one unit per item unused. Ties go to the
/// option with fewer bytes, then to the earlier one.
public struct BudgetAllocator: Sendable {
  /// One choice for an item.
  public struct Option: Sendable, Equatable {
    /// Its size in bytes.
    public let bytes: Int
    /// What it costs (predicted metric loss); smaller is better, may be negative.
    public let cost: Double

    /// An option from its size and cost.
    public init(bytes: Int, cost: Double) { (self.bytes, self.cost) = (bytes, cost) }
  }

  /// The size unit count the budget is divided into (the DP's width).
  public let buckets: Int

  /// An allocator dividing budgets into at most `buckets` units (memory: 2 bytes per unit per
  /// item for the choices, time: units × options).
  public init(buckets: Int = 1 << 17) { self.buckets = max(1, buckets) }

  /// The index of the chosen option of each item, minimising the summed cost with the summed
  /// bytes at most `capacity`; nil when even the smallest options do not fit (or an item has
  /// no options).
  public func allocate(_ items: [[Option]], capacity: Int) -> [Int]? {
    guard capacity >= 0, items.allSatisfy({ !$0.isEmpty && $0.count <= Int(UInt16.max) }) else { return nil }
    let unit = capacity <= buckets ? 1 : (capacity - 1) / buckets + 1
    let width = capacity / unit
    // best[w]: least cost of the items so far with rounded size at most w.
    var best = [Double](repeating: 0, count: width + 1)
    var next = best
    var choices = [[UInt16]]()
    choices.reserveCapacity(items.count)
    for options in items {
      // Smaller options first, so that on equal cost the smaller one is kept.
      let order = options.indices.sorted { (options[$0].bytes, $0) < (options[$1].bytes, $1) }
      var choice = [UInt16](repeating: UInt16.max, count: width + 1)
      for w in 0...width { next[w] = .infinity }
      for o in order {
        let size = (options[o].bytes + unit - 1) / unit
        guard size <= width else { break }
        let cost = options[o].cost
        for w in size...width {
          let total = best[w - size] + cost
          if total < next[w] {
            next[w] = total
            choice[w] = UInt16(o)
          }
        }
      }
      swap(&best, &next)
      choices.append(choice)
    }
    guard best[width].isFinite else { return nil }
    var picked = [Int](repeating: 0, count: items.count)
    var w = width
    for item in items.indices.reversed() {
      let o = Int(choices[item][w])
      picked[item] = o
      w -= (items[item][o].bytes + unit - 1) / unit
    }
    return picked
  }
}
