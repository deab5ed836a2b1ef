import Dispatch

/// Element-wise work split into chunks that run on every core.
///
/// The kernels using this (quantization, conversion, statistics) call no BLAS, so they need not
/// go through `BLASThreads`. Results never depend on the number of cores: chunk boundaries are
/// fixed by the caller, and reductions combine the chunks' partial results in chunk order.
public enum ParallelChunks {
  /// Elements per chunk for the element-wise kernels: large enough to pay for handing the chunk
  /// to a core, small enough (256 KB of Float32) to stay in cache between a kernel's passes.
  public static let elementsPerChunk = 1 << 16

  /// Calls `body` on `0..<count` cut into consecutive ranges of `chunkSize` (the last may be
  /// shorter), several at a time; on the calling thread when there is a single chunk.
  ///
  /// `body` runs concurrently with itself, so it must only write what belongs to its own range
  /// (the elements, groups or partial results it was given).
  public static func forEach(count: Int, chunkSize: Int, _ body: (Range<Int>) -> Void) {
    let size = Swift.max(chunkSize, 1)
    let chunks = (count + size - 1) / size
    if chunks <= 1 {
      if count > 0 { body(0..<count) }
      return
    }
    // The contract above makes the closure safe to share across the worker threads.
    nonisolated(unsafe) let body = body
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      body(chunk * size..<Swift.min((chunk + 1) * size, count))
    }
  }

  /// `body` of each chunk of `0..<count` (as in `forEach`), in chunk order.
  public static func map<T>(count: Int, chunkSize: Int, _ body: (Range<Int>) -> T) -> [T] {
    let size = Swift.max(chunkSize, 1)
    let chunks = (count + size - 1) / size
    return [T](unsafeUninitializedCapacity: chunks) { results, initialized in
      let results = results.baseAddress
      // Each chunk index is its own one-element chunk: every result slot is written by one call.
      forEach(count: chunks, chunkSize: 1) { indices in
        let chunk = indices.lowerBound
        (results! + chunk).initialize(to: body(chunk * size..<Swift.min((chunk + 1) * size, count)))
      }
      initialized = chunks
    }
  }
}
