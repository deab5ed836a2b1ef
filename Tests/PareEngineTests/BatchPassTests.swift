import Glibc
import PareCore
import Synchronization
import Testing
@testable import PareEngine

/// `BatchPass`: every batch runs once and its kept inputs come back in batch order; the first
/// error or a cancellation stops the pass and is what it throws.
struct BatchPassTests {
  struct Failure: Error, Equatable { let batch: Int }

  @Test func everyBatchRunsOnceAndKeepsItsPlace() throws {
    let runs = Mutex([Int](repeating: 0, count: 25))
    let kept = try BatchPass.run(batches: 25, isCancelled: { false }) { b in
      runs.withLock { $0[b] += 1 }
      return [3: Tensor(zeros: [b])]
    }
    #expect(runs.withLock { $0 } == [Int](repeating: 1, count: 25))
    #expect(kept.map { $0[3]?.count } == Array(0..<25))
    #expect(try BatchPass.run(batches: 0, isCancelled: { false }) { _ in [:] }.isEmpty)
  }

  @Test func aBatchsErrorStopsThePass() {
    let started = Mutex(0)
    #expect(throws: Failure(batch: 2)) {
      _ = try BatchPass.run(batches: 1_000, isCancelled: { false }) { b in
        started.withLock { $0 += 1 }
        if b == 2 { throw Failure(batch: b) }
        // The other batches take a while: running them all would take half a second per core,
        // far longer than batch 2 needs to fail.
        usleep(1_000)
        return [:]
      }
    }
    // Batches already running finish, but no new one starts after the failure.
    #expect(started.withLock { $0 } < 1_000)
  }

  @Test func cancellationStopsThePass() {
    var asked = 0
    let started = Mutex(0)
    #expect(throws: CancellationError.self) {
      _ = try BatchPass.run(batches: 100, isCancelled: { asked += 1; return asked > 5 }) { _ in
        started.withLock { $0 += 1 }
        return [:]
      }
    }
    #expect(started.withLock { $0 } == 5)
    #expect(asked == 6)
  }
}
