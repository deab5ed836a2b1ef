import PareTestSupport
import Testing
@testable import PareCore

/// The loops and helpers the element-wise kernels are built on.
struct KernelSupportTests {
  @Test func vectorsCoverEveryElementOnce() {
    #expect(Array(Vectors8(0)).isEmpty)
    #expect(Array(Vectors8(8)).map { [$0.offset, $0.lanes] } == [[0, 8]])
    #expect(Array(Vectors8(19)).map { [$0.offset, $0.lanes] } == [[0, 8], [8, 8], [16, 3]])
  }

  /// A partial vector reads only its lanes (the rest is padding) and writes only its lanes.
  @Test func partialVectorsStayInBounds() {
    let source: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    var out = [Float](repeating: -1, count: 12)
    source.withUnsafeBufferPointer { s in
      out.withUnsafeMutableBufferPointer { o in
        let tail = s.baseAddress!.vector8(at: 8, lanes: 2, padding: .nan)
        #expect(tail[0] == 9 && tail[1] == 10 && (2..<8).allSatisfy { tail[$0].isNaN })
        o.baseAddress!.store(tail, at: 1, lanes: 2)
        o.baseAddress!.store(s.baseAddress!.vector8(at: 0, lanes: 8, padding: 0), at: 4, lanes: 8)
      }
    }
    #expect(out == [-1, 9, 10, -1, 1, 2, 3, 4, 5, 6, 7, 8])
  }

  /// Chunks cover the range in order whatever runs them, results come back in chunk order.
  @Test(arguments: [0, 1, 7, 64, 1000, 100_003])
  func chunksCoverTheRangeInOrder(count: Int) {
    let chunks = ParallelChunks.map(count: count, chunkSize: 64) { $0 }
    #expect(chunks.count == (count + 63) / 64)
    #expect(chunks.flatMap { $0 } == Array(0..<count))
    var marks = [Int](repeating: 0, count: count)
    marks.withUnsafeMutableBufferPointer { marks in
      ParallelChunks.forEach(count: count, chunkSize: 100) { range in for i in range { marks[i] += 1 } }
    }
    #expect(marks.allSatisfy { $0 == 1 })
  }

  @Test func arrayOverwritingHasEveryElementWritten() {
    #expect([Int](overwriting: 5) { for i in 0..<5 { $0[i] = i * i } } == [0, 1, 4, 9, 16])
    #expect([Int](overwriting: 0) { _ in }.isEmpty)
  }

  /// `selectNth` puts at k what a sort puts there, smaller or equal elements before it and larger
  /// or equal after, on inputs with many duplicates, sorted and reversed runs, every k.
  @Test(arguments: [1, 2, 3, 16, 17, 18, 33, 100, 1000])
  func selectionAgreesWithSorting(count: Int) {
    var rng = SeededGenerator(seed: UInt64(count))
    let inputs: [[UInt32]] = [
      (0..<count).map { _ in UInt32(rng.next() % 7) },
      (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next()) },
      (0..<count).map { UInt32($0) },
      (0..<count).map { UInt32(count - $0) },
    ]
    for input in inputs {
      let sorted = input.sorted()
      for k in Set([0, count / 3, count / 2, count - 1] + (count <= 33 ? Array(0..<count) : [])) {
        var selected = input
        selected.withUnsafeMutableBufferPointer { $0.selectNth(k) }
        #expect(selected[k] == sorted[k])
        #expect(selected[..<k].allSatisfy { $0 <= selected[k] } && selected[(k + 1)...].allSatisfy { $0 >= selected[k] })
        #expect(selected.sorted() == sorted)
      }
    }
  }
}
