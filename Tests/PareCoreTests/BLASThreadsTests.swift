#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import PareTestSupport
import Synchronization
import Testing
@testable import PareCore

/// `LinearAlgebra.concurrently` and the OpenBLAS threading it switches (`BLASThreads`): workers
/// really overlap, their single-threaded products are right, and threaded calls work again after.
struct BLASThreadsTests {
  /// `a bᵀ` in Double, the independent reference.
  func naiveProduct(_ a: Tensor, _ b: Tensor) -> [Double] {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[0])
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        for p in 0..<k { c[i * n + j] += Double(a.scalars[i * k + p]) * Double(b.scalars[j * k + p]) }
      }
    }
    return c
  }

  func expectClose(_ c: Tensor, _ reference: [Double]) {
    #expect(zip(c.scalars, reference).allSatisfy { abs(Double($0) - $1) < 1e-3 })
  }

  /// Every worker waits for the others to arrive: this only finishes if they run at once.
  @Test(.enabled(if: LinearAlgebra.threadCount > 1), .timeLimit(.minutes(1)))
  func workersRunAtTheSameTime() {
    let workers = LinearAlgebra.threadCount
    let arrived = Atomic(0)
    let sawEveryone = Mutex([Bool](repeating: false, count: workers))
    LinearAlgebra.concurrently(workers: workers) { worker in
      arrived.add(1, ordering: .sequentiallyConsistent)
      let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
      // Yield while waiting: on a loaded machine a spinning worker could keep the others off the
      // cores for the whole deadline.
      while arrived.load(ordering: .sequentiallyConsistent) < workers, DispatchTime.now().uptimeNanoseconds < deadline {
        sched_yield()
      }
      let everyone = arrived.load(ordering: .sequentiallyConsistent) == workers
      sawEveryone.withLock { $0[worker] = everyone }
    }
    #expect(sawEveryone.withLock { $0 } == [Bool](repeating: true, count: workers))
  }

  /// Workers multiply their own matrices side by side (single-threaded OpenBLAS) and get the
  /// naive products; a threaded product and an SVD after the section (which restarts OpenBLAS's
  /// thread pool) are right too.
  @Test func productsInsideAndAfterASection() throws {
    let pairs = (0..<6).map { (randomTensor([70, 90], seed: UInt64(2 * $0)), randomTensor([50, 90], seed: UInt64(2 * $0 + 1))) }
    let products = Mutex([Tensor?](repeating: nil, count: pairs.count))
    LinearAlgebra.concurrently(workers: 3) { worker in
      for index in stride(from: worker, to: pairs.count, by: 3) {
        let product = try? LinearAlgebra.matmul(pairs[index].0, pairs[index].1, transposeB: true)
        products.withLock { $0[index] = product }
      }
    }
    for (index, product) in products.withLock({ $0 }).enumerated() {
      expectClose(try #require(product), naiveProduct(pairs[index].0, pairs[index].1))
    }
    // Large enough for OpenBLAS to split it over its threads.
    let a = randomTensor([256, 200], seed: 20), b = randomTensor([240, 200], seed: 21)
    expectClose(try LinearAlgebra.matmul(a, b, transposeB: true), naiveProduct(a, b))
    let singular = try LinearAlgebra.singularValues(of: try Tensor(shape: [2, 2], scalars: [3, 0, 4, 5]))
    #expect(abs(singular[0] - Float(45).squareRoot()) < 1e-5 && abs(singular[1] - Float(5).squareRoot()) < 1e-5)
  }

  /// SVDs and products from other threads while sections run: they wait for the sections, and
  /// all finish with the same bits as when nothing else runs (threaded and single-threaded GEMMs
  /// round differently).
  @Test(.timeLimit(.minutes(1)))
  func callsFromOtherThreadsDuringSections() throws {
    let a = randomTensor([120, 80], seed: 30), b = randomTensor([60, 80], seed: 31)
    let reference = naiveProduct(a, b)
    let expectedValues = try LinearAlgebra.singularValues(of: a)
    let alone = try LinearAlgebra.matmul(a, b, transposeB: true)
    let outside = Mutex<[Tensor]>([]), inside = Mutex<[Tensor]>([])
    let values = Mutex<[[Float]]>([])
    let others = DispatchGroup()
    for _ in 0..<2 {
      DispatchQueue.global().async(group: others) {
        for _ in 0..<20 {
          if let s = try? LinearAlgebra.singularValues(of: a) { values.withLock { $0.append(s) } }
          if let c = try? LinearAlgebra.matmul(a, b, transposeB: true) { outside.withLock { $0.append(c) } }
        }
      }
    }
    for _ in 0..<10 {
      LinearAlgebra.concurrently(workers: 2) { _ in
        if let c = try? LinearAlgebra.matmul(a, b, transposeB: true) { inside.withLock { $0.append(c) } }
      }
    }
    others.wait()
    let fromOthers = outside.withLock { $0 }, fromWorkers = inside.withLock { $0 }, spectra = values.withLock { $0 }
    #expect(fromOthers.count == 40 && fromWorkers.count == 20 && spectra.count == 40)
    // Threaded, as when nothing else runs: the same bits.
    for c in fromOthers { #expect(c == alone) }
    for s in spectra { #expect(s == expectedValues) }
    for c in fromWorkers { expectClose(c, reference) }
  }

  /// Plain calls get through while another thread starts sections back to back (a sweep's
  /// evaluations): each waits for the section in flight, not for the sweep to end. (Whether the
  /// next section would have slipped in first without `callsWaiting` depends on the scheduler, so
  /// this checks that the calls finish long before the sweep would.)
  @Test(.timeLimit(.minutes(1)))
  func backToBackSectionsDoNotStarveACall() throws {
    let a = randomTensor([64, 48], seed: 40)
    let stop = Atomic(false), sectionsRun = Atomic(0)
    let sweep = DispatchGroup()
    DispatchQueue.global().async(group: sweep) {
      while !stop.load(ordering: .sequentiallyConsistent), sectionsRun.load(ordering: .sequentiallyConsistent) < 100_000 {
        LinearAlgebra.concurrently(workers: 2) { _ in _ = try? LinearAlgebra.matmul(a, a, transposeB: true) }
        sectionsRun.add(1, ordering: .sequentiallyConsistent)
      }
    }
    while sectionsRun.load(ordering: .sequentiallyConsistent) == 0 {}
    for _ in 0..<5 { _ = try LinearAlgebra.singularValues(of: a) }
    let sectionsBeforeTheCallsFinished = sectionsRun.load(ordering: .sequentiallyConsistent)
    stop.store(true, ordering: .sequentiallyConsistent)
    sweep.wait()
    #expect(sectionsBeforeTheCallsFinished < 100_000)
  }

  /// A worker may open a section of its own (it joins the one it runs in).
  @Test(.timeLimit(.minutes(1)))
  func nestedSections() throws {
    let a = randomTensor([32, 16], seed: 50)
    let reference = naiveProduct(a, a)
    let products = Mutex<[Tensor]>([])
    LinearAlgebra.concurrently(workers: 2) { _ in
      LinearAlgebra.concurrently(workers: 2) { _ in
        if let c = try? LinearAlgebra.matmul(a, a, transposeB: true) { products.withLock { $0.append(c) } }
      }
    }
    let all = products.withLock { $0 }
    #expect(all.count == 4)
    for c in all { expectClose(c, reference) }
  }

  @Test func oneOrNoWorkers() {
    let calls = Mutex<[Int]>([])
    LinearAlgebra.concurrently(workers: 1) { worker in calls.withLock { $0.append(worker) } }
    LinearAlgebra.concurrently(workers: 0) { worker in calls.withLock { $0.append(worker) } }
    #expect(calls.withLock { $0 } == [0])
  }
}
