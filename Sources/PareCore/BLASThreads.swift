import CBLAS
import Glibc

/// Decides which OpenBLAS calls may run at the same time, and on how many threads each.
///
/// The pthreads build of OpenBLAS keeps one global pool of worker threads and one global thread
/// count. Two calls that use the pool at once corrupt it (concurrent SVDs and GEMMs hung the
/// process at exit in `blas_thread_shutdown_`), so a threaded call runs alone.
///
/// Work made of many independent pieces, such as the batches of a forward pass, runs faster the
/// other way round: one piece per core, each with single-threaded calls, which never touch the
/// pool and may overlap freely, and each keeping its activations in its own core's cache. For such
/// a *section* OpenBLAS is set to one thread and its pool is shut down (its idle threads would
/// otherwise spin on a core for 0.1 s after their last job); the first call after the section
/// restores the thread count, which starts the pool again.
///
/// Whether a call runs threaded depends only on whether it is made by a section's worker, never
/// on what else is running: single- and multi-threaded GEMMs round differently (by about 1e-7),
/// and the same computation must give the same bits every time. A call from another thread waits
/// for the sections to end.
final class BLASThreads: @unchecked Sendable {
  /// The one instance: OpenBLAS's state is process-wide.
  static let shared = BLASThreads()

  /// Threads per call outside sections: OPENBLAS_NUM_THREADS, or the cores.
  let threadCount: Int

  private enum Mode { case threaded, singleThreaded }

  // All state below is guarded by `mutex`; `changed` is signalled whenever it changes.
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private var mode = Mode.threaded
  private var sections = 0
  private var threadedCallInFlight = false
  /// Plain calls waiting for the sections to end: no new section starts meanwhile, so back-to-back
  /// sections (a sensitivity sweep's evaluations) cannot starve the explorer's SVDs.
  private var callsWaiting = 0
  /// Set (non-nil) on a thread while it works for a section.
  private var sectionWorker = pthread_key_t()

  private init() {
    threadCount = max(1, Int(openblas_get_num_threads()))
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(changed, nil)
    pthread_key_create(&sectionWorker, nil)
  }

  /// Runs one OpenBLAS or LAPACK call: on the calling thread alone in a section's worker, else
  /// threaded, once no section and no other threaded call is running.
  func call<Result>(_ body: () throws -> Result) rethrows -> Result {
    if pthread_getspecific(sectionWorker) != nil { return try body() }
    pthread_mutex_lock(mutex)
    callsWaiting += 1
    while true {
      // The thread count comes back with the first call after the last section, not at the end
      // of the section: a process that ends after its forward pass never restarts the pool.
      if mode == .singleThreaded, sections == 0 {
        openblas_set_num_threads(Int32(threadCount))
        mode = .threaded
      }
      if mode == .threaded, !threadedCallInFlight { break }
      pthread_cond_wait(changed, mutex)
    }
    callsWaiting -= 1
    threadedCallInFlight = true
    pthread_mutex_unlock(mutex)
    defer { update { $0.threadedCallInFlight = false } }
    return try body()
  }

  /// Runs `body`, whose `worker` calls may make single-threaded OpenBLAS calls side by side.
  func section<Result>(_ body: () throws -> Result) rethrows -> Result {
    let nested = pthread_getspecific(sectionWorker) != nil
    pthread_mutex_lock(mutex)
    // A section inside a section's worker joins it at once: waiting for the calls that wait for
    // the outer section to end would deadlock.
    while !nested, threadedCallInFlight || callsWaiting > 0 { pthread_cond_wait(changed, mutex) }
    if mode == .threaded {
      openblas_set_num_threads(1)
      blas_thread_shutdown_()
      mode = .singleThreaded
    }
    sections += 1
    pthread_mutex_unlock(mutex)
    defer { update { $0.sections -= 1 } }
    return try body()
  }

  /// Runs `body` on this thread as a worker of the enclosing section: its calls go straight to
  /// OpenBLAS, single-threaded.
  func worker<Result>(_ body: () throws -> Result) rethrows -> Result {
    let outer = pthread_getspecific(sectionWorker)
    pthread_setspecific(sectionWorker, UnsafeRawPointer(bitPattern: 1))
    defer { pthread_setspecific(sectionWorker, outer) }
    return try body()
  }

  /// Applies `change` under the lock and wakes the waiting threads.
  private func update(_ change: (BLASThreads) -> Void) {
    pthread_mutex_lock(mutex)
    change(self)
    pthread_cond_broadcast(changed)
    pthread_mutex_unlock(mutex)
  }
}
