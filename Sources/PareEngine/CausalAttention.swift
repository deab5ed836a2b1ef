import Foundation
import PareCore

/// Causal grouped-query self-attention with RoPE and its output projection (Llama, Qwen,
/// Mistral, Gemma 3): q, k and v are one sgemm each over all the batch's tokens, optionally
/// RMS-normalised per head (Qwen3, Gemma 3) and rotated; then per window and head
/// `softmax(scale · Q Kᵀ + mask) V` with two sgemms, the mask letting position i see j when
/// j ≤ i (and i − j < window on sliding layers). Scores and softmax are Float32.
public struct CausalAttention: Sendable {
  public let query: any Layer
  public let key: any Layer
  public let value: any Layer
  public let output: any Layer
  /// Per-head RMSNorms of q and k before RoPE, or nil.
  public let queryNorm: RMSNorm?
  public let keyNorm: RMSNorm?
  public let rotary: RotaryEmbedding
  public let heads: Int
  public let kvHeads: Int
  public let headDim: Int
  /// Multiplies Q·Kᵀ.
  public let scale: Float
  /// How far back a position sees on a sliding layer, nil for full attention.
  public let window: Int?

  public init(
    query: any Layer, key: any Layer, value: any Layer, output: any Layer, queryNorm: RMSNorm?, keyNorm: RMSNorm?,
    rotary: RotaryEmbedding, heads: Int, kvHeads: Int, headDim: Int, scale: Float, window: Int?
  ) {
    (self.query, self.key, self.value, self.output, self.queryNorm, self.keyNorm) = (query, key, value, output, queryNorm, keyNorm)
    (self.rotary, self.heads, self.kvHeads, self.headDim, self.scale, self.window) = (rotary, heads, kvHeads, headDim, scale, window)
  }

  /// The attention output [tokens, hidden] for normalized token states `x` [tokens, hidden], the
  /// windows of `windowLength` tokens back to back.
  public func callAsFunction(_ x: Tensor, windowLength: Int) -> Tensor {
    var q = query.forward(x), k = key.forward(x)
    let v = value.forward(x)
    if let queryNorm { q = queryNorm.forward(q) }
    if let keyNorm { k = keyNorm.forward(k) }
    let table = rotary.table(positions: windowLength)
    rotary.apply(to: &q, heads: heads, windowLength: windowLength, table: table)
    rotary.apply(to: &k, heads: kvHeads, windowLength: windowLength, table: table)
    return output.forward(attend(query: q, key: k, value: v, windowLength: windowLength))
  }

  /// The heads' contexts, concatenated [tokens, heads · headDim]. Each KV head's rows are made
  /// contiguous once and serve its group of query heads. Queries go `rowBlock` rows at a time,
  /// each block against the keys its rows may see only (up to its last row, from its first
  /// row's window start), so the masked half of the scores is never computed.
  func attend(query: Tensor, key: Tensor, value: Tensor, windowLength t: Int, rowBlock: Int = 64) -> Tensor {
    let d = headDim, qWidth = heads * d, kvWidth = kvHeads * d, group = heads / kvHeads
    let windows = query.shape[0] / max(t, 1), rowBlock = max(1, rowBlock)
    let block = t * d
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(4 * block + rowBlock * t + rowBlock, 1))
    defer { scratch.deallocate() }
    let (q, k, v, context, scores) = (scratch, scratch + block, scratch + 2 * block, scratch + 3 * block, scratch + 4 * block)
    let inverses = scores + rowBlock * t
    return Tensor(unsafeUninitializedShape: [query.shape[0], qWidth]) { out in
      query.scalars.withUnsafeBufferPointer { qAll in
        key.scalars.withUnsafeBufferPointer { kAll in
          value.scalars.withUnsafeBufferPointer { vAll in
            guard let out = out.baseAddress, let qAll = qAll.baseAddress, let kAll = kAll.baseAddress,
                  let vAll = vAll.baseAddress else { return }
            for w in 0..<windows {
              let first = w * t
              for kvHead in 0..<kvHeads {
                for r in 0..<t {
                  (k + r * d).update(from: kAll + (first + r) * kvWidth + kvHead * d, count: d)
                  (v + r * d).update(from: vAll + (first + r) * kvWidth + kvHead * d, count: d)
                }
                for head in (kvHead * group)..<((kvHead + 1) * group) {
                  for r in 0..<t { (q + r * d).update(from: qAll + (first + r) * qWidth + head * d, count: d) }
                  for r0 in stride(from: 0, to: t, by: rowBlock) {
                    let r1 = min(r0 + rowBlock, t), low = window.map { max(0, r0 - $0 + 1) } ?? 0
                    let (m, n) = (r1 - r0, r1 - low)
                    LinearAlgebra.gemm(m: m, n: n, k: d, a: q + r0 * d, b: k + low * d, transposeB: true, c: scores, alpha: scale)
                    softmaxRows(scores, rows: m, keys: n, firstRow: r0, firstKey: low, inverses: inverses)
                    LinearAlgebra.gemm(m: m, n: d, k: n, a: scores, b: v + low * d, c: context + r0 * d)
                    // The softmax's division, on the d columns of the context instead of the n of P.
                    for i in 0..<m {
                      let row = context + (r0 + i) * d, inverse = inverses[i]
                      for (o, lanes) in Vectors8(d) { row.store(UnsafePointer(row).vector8(at: o, lanes: lanes, padding: 0) * inverse, at: o, lanes: lanes) }
                    }
                  }
                  for r in 0..<t { (out + (first + r) * qWidth + head * d).update(from: context + r * d, count: d) }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Row i of `scores` [rows, keys] (query firstRow + i, keys firstKey ..< firstKey + keys)
  /// becomes exp(score − max) over the keys it may see (j ≤ query, query − j < window), every
  /// other entry 0; `inverses[i]` is 1 / the row's sum, which the caller applies to the product.
  private func softmaxRows(
    _ scores: UnsafeMutablePointer<Float>, rows: Int, keys: Int, firstRow: Int, firstKey: Int, inverses: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<rows {
      let row = scores + i * keys, query = firstRow + i
      let low = (window.map { max(0, query - $0 + 1) } ?? 0) - firstKey, high = query - firstKey
      let seen = row + low, count = high - low + 1
      // The maximum lane by lane, reduced once: a reduction per vector was a call.
      var peaks = SIMD8<Float>(repeating: -.infinity)
      for (o, lanes) in Vectors8(count) {
        let v = UnsafePointer(seen).vector8(at: o, lanes: lanes, padding: -.infinity)
        peaks.replace(with: v, where: v .> peaks)
      }
      let peak = peaks.max()
      var sums = SIMD8<Float>()
      for (o, lanes) in Vectors8(count) {
        // A padded lane adds e^−87, nothing next to the peak's 1.
        let e = exp8(UnsafePointer(seen).vector8(at: o, lanes: lanes, padding: -.infinity) - peak)
        seen.store(e, at: o, lanes: lanes)
        sums += e
      }
      inverses[i] = 1 / sums.sum()
      if low > 0 { row.update(repeating: 0, count: low) }
      if high + 1 < keys { (row + high + 1).update(repeating: 0, count: keys - high - 1) }
    }
  }
}
