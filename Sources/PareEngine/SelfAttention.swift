import PareCore

/// Multi-head scaled dot-product self-attention with its output projection (BERT's
/// `BertSelfAttention` and the dense layer of `BertSelfOutput`).
///
/// Each sentence of a batch attends to its own tokens only, as a padding mask of −∞ on every
/// other key would make it; the scores and the softmax are Float32.
public struct SelfAttention: Sendable {
  /// Query projection, [hidden] -> [hidden].
  public let query: any Layer
  /// Key projection.
  public let key: any Layer
  /// Value projection.
  public let value: any Layer
  /// Projection of the concatenated heads back to the hidden width.
  public let output: any Layer
  /// Number of heads; each sees `hidden / heads` features of the projections.
  public let heads: Int

  /// Attention from its four projections (`Linear`, or `FactoredLinear` under a plan).
  public init(query: any Layer, key: any Layer, value: any Layer, output: any Layer, heads: Int) {
    (self.query, self.key, self.value, self.output, self.heads) = (query, key, value, output, heads)
  }

  /// The attention output [tokens, hidden] for the token states `x` [tokens, hidden] of `batch`.
  public func callAsFunction(_ x: Tensor, batch: BertBatch) -> Tensor {
    let context = Self.attend(query: query.forward(x), key: key.forward(x), value: value.forward(x),
                              heads: heads, lengths: batch.lengths)
    return output.forward(context)
  }

  /// `softmax(Q Kᵀ / √d) V` for every head of every sentence, the heads concatenated again:
  /// rows of `query`, `key` and `value` [tokens, hidden] are the sentences' tokens back to back,
  /// `lengths` long each. Two small GEMMs per sentence and head.
  static func attend(query: Tensor, key: Tensor, value: Tensor, heads: Int, lengths: [Int]) -> Tensor {
    let width = query.shape[1], d = width / heads
    let block = (lengths.max() ?? 0) * d
    let scale = 1 / Float(d).squareRoot()
    // One head of one sentence at a time: its Q, K, V rows made contiguous for the GEMMs, and
    // its context before it goes back to its columns of the output.
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(4 * block, 1))
    defer { scratch.deallocate() }
    let (q, k, v, context) = (scratch, scratch + block, scratch + 2 * block, scratch + 3 * block)
    return Tensor(unsafeUninitializedShape: query.shape) { out in
      query.scalars.withUnsafeBufferPointer { qAll in
        key.scalars.withUnsafeBufferPointer { kAll in
          value.scalars.withUnsafeBufferPointer { vAll in
            guard let out = out.baseAddress, let qAll = qAll.baseAddress, let kAll = kAll.baseAddress,
                  let vAll = vAll.baseAddress else { return }
            var offset = 0
            for length in lengths {
              var scores = Tensor(zeros: [length, length])
              for head in 0..<heads {
                for t in 0..<length {
                  let row = (offset + t) * width + head * d
                  (q + t * d).update(from: qAll + row, count: d)
                  (k + t * d).update(from: kAll + row, count: d)
                  (v + t * d).update(from: vAll + row, count: d)
                }
                LinearAlgebra.gemm(m: length, n: length, k: d, a: q, b: k, transposeB: true, c: &scores.scalars, alpha: scale)
                scores = Softmax().forward(consume scores)
                LinearAlgebra.gemm(m: length, n: d, k: length, a: scores.scalars, b: v, c: context)
                for t in 0..<length {
                  (out + (offset + t) * width + head * d).update(from: context + t * d, count: d)
                }
              }
              offset += length
            }
          }
        }
      }
    }
  }
}
