import PareCore
import PareFormats
import Testing

@testable import PareCompression

/// Compressed tensors are memoized by (tensor, spec) (DESIGN.md §2).
struct CompressionCacheTests {
  /// The second request for the same (name, spec) returns the first result without compressing
  /// again; a different spec or name is a new entry.
  @Test func memoizesByNameAndSpec() throws {
    let cache = CompressionCache()
    let w = try Tensor(shape: [1, 4], scalars: [1, -2, 3, -4])
    let spec = CompressionSpec(quantize: intSpec(2))
    var made = 0
    func request(_ name: String, _ spec: CompressionSpec) throws -> CompressedTensor {
      try cache.tensor(name, spec: spec) {
        made += 1
        return try Compressor.compress(w, dtype: .f32, spec: spec)
      }
    }
    let first = try request("w", spec)
    #expect(made == 1 && cache.count == 1)
    let second = try request("w", spec)
    #expect(made == 1 && cache.count == 1)
    #expect(second.values == first.values && second.storage == first.storage)

    _ = try request("w", CompressionSpec(quantize: intSpec(3)))
    _ = try request("v", spec)
    #expect(made == 3 && cache.count == 3)
  }

  /// A failed computation is not cached.
  @Test func errorsAreNotCached() throws {
    struct Failure: Error {}
    let cache = CompressionCache()
    let spec = CompressionSpec(quantize: intSpec(2))
    #expect(throws: Failure.self) { try cache.tensor("w", spec: spec) { throw Failure() } }
    #expect(cache.count == 0)
  }

  /// AppliedPlan reuses the cache: applying the same plan twice compresses once.
  @Test func appliedPlanUsesTheCache() throws {
    let model = [ModelTensor(name: "a.weight", dtype: .f32, shape: [2, 2], values: [1, 2, 3, 4])]
    let plan = Plan(tensors: ["a.weight": CompressionSpec(quantize: intSpec(4))])
    let cache = CompressionCache()
    let (first, second) = try withWeightStore(model) { store in
      (try AppliedPlan(plan: plan, weights: store, cache: cache), try AppliedPlan(plan: plan, weights: store, cache: cache))
    }
    #expect(cache.count == 1)
    #expect(first.compressed["a.weight"]?.values == second.compressed["a.weight"]?.values)
    #expect(first.compressedBytes == second.compressedBytes)
  }

  /// Past its byte limit the cache drops the least recently used entries, never the newest.
  @Test func evictsTheLeastRecentlyUsedPastTheByteLimit() throws {
    let w = try Tensor(shape: [1, 4], scalars: [1, -2, 3, -4])
    let spec = CompressionSpec(quantize: intSpec(2))
    let one = try Compressor.compress(w, dtype: .f32, spec: spec).memoryBytes  // 16 values + 4 codes + 1 scale
    #expect(one == 4 * 4 + 4 + 4)
    let cache = CompressionCache(byteLimit: 2 * one)
    var made: [String] = []
    func request(_ name: String) throws {
      _ = try cache.tensor(name, spec: spec) {
        made.append(name)
        return try Compressor.compress(w, dtype: .f32, spec: spec)
      }
    }
    try request("a")
    try request("b")
    try request("a")  // a is now more recent than b
    try request("c")  // over the limit: b goes
    #expect(cache.count == 2 && cache.bytes == 2 * one)
    try request("a")
    try request("b")  // compressed again
    #expect(made == ["a", "b", "c", "b"])
    // An entry larger than the limit is still returned and kept alone.
    let tiny = CompressionCache(byteLimit: 1)
    _ = try tiny.tensor("a", spec: spec) { try Compressor.compress(w, dtype: .f32, spec: spec) }
    #expect(tiny.count == 1)
  }
}
