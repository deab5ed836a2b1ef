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
  /// contiguous once and serve its group of query heads.
  func attend(query: Tensor, key: Tensor, value: Tensor, windowLength t: Int) -> Tensor {
    let d = headDim, qWidth = heads * d, kvWidth = kvHeads * d, group = heads / kvHeads
    let windows = query.shape[0] / max(t, 1)
    let block = t * d
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(4 * block + t * t, 1))
    defer { scratch.deallocate() }
    let (q, k, v, context, scores) = (scratch, scratch + block, scratch + 2 * block, scratch + 3 * block, scratch + 4 * block)
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
                  LinearAlgebra.gemm(m: t, n: t, k: d, a: q, b: k, transposeB: true, c: scores, alpha: scale)
                  softmaxRows(scores, length: t)
                  LinearAlgebra.gemm(m: t, n: d, k: t, a: scores, b: v, c: context)
                  for r in 0..<t { (out + (first + r) * qWidth + head * d).update(from: context + r * d, count: d) }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Row i of `scores` [t, t] becomes the softmax over the keys it may see (max(0, i − window + 1)
  /// through i), every other entry 0.
  private func softmaxRows(_ scores: UnsafeMutablePointer<Float>, length t: Int) {
    for i in 0..<t {
      let row = scores + i * t
      let low = window.map { max(0, i - $0 + 1) } ?? 0
      let seen = row + low, count = i - low + 1
      var peak = -Float.infinity
      for (o, lanes) in Vectors8(count) {
        peak = max(peak, UnsafePointer(seen).vector8(at: o, lanes: lanes, padding: -.infinity).max())
      }
      var sums = SIMD8<Float>()
      for (o, lanes) in Vectors8(count) {
        // A padded lane adds e^−87, nothing next to the peak's 1.
        let e = exp8(UnsafePointer(seen).vector8(at: o, lanes: lanes, padding: -.infinity) - peak)
        seen.store(e, at: o, lanes: lanes)
        sums += e
      }
      let inverse = 1 / sums.sum()
      for (o, lanes) in Vectors8(count) {
        seen.store(UnsafePointer(seen).vector8(at: o, lanes: lanes, padding: 0) * inverse, at: o, lanes: lanes)
      }
      if low > 0 { row.update(repeating: 0, count: low) }
      if i + 1 < t { (row + i + 1).update(repeating: 0, count: t - i - 1) }
    }
  }
}
