/// The merge table of a byte-pair-encoding model, keyed by token ids: the pair (left, right)
/// merges into `merged` with priority `rank` (lower first, as listed in the file).
///
/// Both references apply merges the same way: repeatedly the pair of adjacent symbols with the
/// lowest rank, the leftmost of equal ones (HF `tokenizers`' heap of (rank, position); llama.cpp's
/// `llm_bigram_bpe` queue). Here the pairs wait in a min-heap of rank·2³² + position, and a popped
/// entry is stale when the pair now at that position has a different rank (ranks are unique per
/// pair), so a word of n symbols costs O(n log n) even for a long run of one character.
struct BPEMerges: Sendable {
  struct Merge: Sendable {
    var rank: Int32
    var merged: Int32
  }

  private var table: [UInt64: Merge] = [:]

  var count: Int { table.count }

  init() {}

  private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
  }

  /// Records a merge; the first of duplicate pairs keeps its rank (as llama.cpp's `emplace`).
  mutating func add(left: Int32, right: Int32, merged: Int32, rank: Int32) {
    let key = Self.key(left, right)
    if table[key] == nil { table[key] = Merge(rank: rank, merged: merged) }
  }

  func merge(_ left: Int32, _ right: Int32) -> Merge? { table[Self.key(left, right)] }

  /// Reused buffers for `apply`.
  struct Scratch {
    var next: [Int32] = []
    var previous: [Int32] = []
    var heap = MinHeap<UInt64>()
  }

  /// Merges `ids` (the word's initial symbols) in place until no pair has a merge.
  func apply(_ ids: inout [Int32], scratch: inout Scratch) {
    let count = ids.count
    guard count > 1 else { return }
    if count == 2 {
      if let merge = merge(ids[0], ids[1]) { ids = [merge.merged] }
      return
    }
    scratch.next.removeAll(keepingCapacity: true)
    scratch.previous.removeAll(keepingCapacity: true)
    scratch.heap.removeAll()
    for index in 0..<count {
      scratch.next.append(index + 1 < count ? Int32(index + 1) : -1)
      scratch.previous.append(Int32(index - 1))
    }
    func push(_ position: Int, _ heap: inout MinHeap<UInt64>) {
      let right = Int(scratch.next[position])
      guard right >= 0, let merge = merge(ids[position], ids[right]) else { return }
      heap.push(UInt64(UInt32(merge.rank)) << 32 | UInt64(position))
    }
    var heap = scratch.heap
    for position in 0..<(count - 1) { push(position, &heap) }
    var alive = [Bool](repeating: true, count: count)
    while let top = heap.pop() {
      let position = Int(top & 0xFFFF_FFFF)
      let rank = Int32(truncatingIfNeeded: top >> 32)
      guard alive[position] else { continue }
      let right = Int(scratch.next[position])
      guard right >= 0, let merge = merge(ids[position], ids[right]), merge.rank == rank else { continue }
      ids[position] = merge.merged
      alive[right] = false
      let after = scratch.next[right]
      scratch.next[position] = after
      if after >= 0 { scratch.previous[Int(after)] = Int32(position) }
      let before = Int(scratch.previous[position])
      if before >= 0 { push(before, &heap) }
      push(position, &heap)
    }
    scratch.heap = heap
    var write = 0
    for index in 0..<count where alive[index] {
      ids[write] = ids[index]
      write += 1
    }
    ids.removeLast(count - write)
  }
}

/// A binary min-heap (the merge queues of both BPE flavours).
struct MinHeap<Element: Comparable> {
  private var elements: [Element] = []

  var isEmpty: Bool { elements.isEmpty }

  mutating func removeAll() { elements.removeAll(keepingCapacity: true) }

  mutating func push(_ element: Element) {
    elements.append(element)
    var child = elements.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard elements[child] < elements[parent] else { break }
      elements.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> Element? {
    guard let last = elements.popLast() else { return nil }
    guard !elements.isEmpty else { return last }
    let top = elements[0]
    elements[0] = last
    var parent = 0
    let count = elements.count
    while true {
      let left = 2 * parent + 1
      guard left < count else { break }
      var smallest = left
      if left + 1 < count && elements[left + 1] < elements[left] { smallest = left + 1 }
      guard elements[smallest] < elements[parent] else { break }
      elements.swapAt(smallest, parent)
      parent = smallest
    }
    return top
  }
}
