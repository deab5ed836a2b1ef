import Foundation
import PareCore

/// The embedding, the head and the score rows of a decoder.
extension DecoderNetwork {
  /// The embedding rows of `tokens` [tokens, hidden], times `embeddingScale`. Ids are checked by
  /// `check` before a pass; an id outside the table gives a zero row.
  public func embed(_ tokens: [Int32]) -> Tensor {
    let width = config.hiddenSize, scale = config.embeddingScale, vocab = embedding.shape[0]
    return Tensor(unsafeUninitializedShape: [tokens.count, width]) { out in
      embedding.scalars.withUnsafeBufferPointer { table in
        guard let out = out.baseAddress, let table = table.baseAddress else { return }
        for (r, id) in tokens.enumerated() {
          let row = out + r * width
          guard (0..<vocab).contains(Int(id)) else { row.update(repeating: 0, count: width); continue }
          let source = table + Int(id) * width
          for (o, lanes) in Vectors8(width) { row.store(source.vector8(at: o, lanes: lanes, padding: 0) * scale, at: o, lanes: lanes) }
        }
      }
    }
  }

  /// The logits [tokens, vocab] of one window (for `pare forward`): every block, the final norm
  /// and the head over the whole window at once.
  public func logits(window: [Int32]) throws -> Tensor {
    try check(DecoderInput(windows: [window]))
    var x = embed(window)
    for block in blocks { x = block(x, windowLength: window.count) }
    return head.forward(finalNorm.forward(x))
  }

  /// Positions whose logits are held at once: at most 64, fewer for a large vocabulary so that
  /// a chunk stays near 16 MB (16 positions of a 262,144-token vocabulary).
  var headChunk: Int { max(1, min(64, (16 << 20) / (4 * max(config.vocabSize, 1)))) }

  /// Writes the `TokenScoreLayout` rows of the positions of `x` (final-normed states, windows of
  /// `windowLength` back to back, `tokens` their ids) from row `firstRow` of `output` on.
  func scoreRows(
    _ x: Tensor, tokens: [Int32], windowLength: Int, reference: ArraySlice<Int32>?,
    into output: UnsafeMutableBufferPointer<Float>, at firstRow: Int
  ) {
    let layout = layout, width = layout.width, hidden = config.hiddenSize, vocab = config.vocabSize, k = topK
    let rows = x.shape[0]
    guard let output = output.baseAddress else { return }
    var top = TopK(k: k)
    for start in stride(from: 0, to: rows, by: headChunk) {
      let count = min(headChunk, rows - start)
      let chunk = Tensor(unsafeUninitializedShape: [count, hidden]) { out in
        x.scalars.withUnsafeBufferPointer { xs in
          guard let out = out.baseAddress, let xs = xs.baseAddress else { return }
          out.update(from: xs + start * hidden, count: count * hidden)
        }
      }
      let logits = head.forward(chunk)
      logits.scalars.withUnsafeBufferPointer { all in
        guard let all = all.baseAddress else { return }
        for r in 0..<count {
          let position = start + r, row = all + r * vocab
          let out = output + (firstRow + position) * width
          out[TokenScoreLayout.logSumExp] = Self.logSumExp(row, count: vocab)
          let inWindow = position % windowLength
          out[TokenScoreLayout.targetLogit] = inWindow + 1 < windowLength ? row[Int(tokens[position + 1])] : .nan
          var ids: ArraySlice<Int32>
          if let reference {
            ids = reference[(reference.startIndex + position * k)..<(reference.startIndex + (position + 1) * k)]
            out[TokenScoreLayout.argmax] = Float(Self.argmax(row, count: vocab))
          } else {
            top.select(row, count: vocab)
            ids = top.ids[...]
            out[TokenScoreLayout.argmax] = Float(top.ids.first.map(Int.init) ?? Self.argmax(row, count: vocab))
          }
          for (j, id) in ids.enumerated() {
            out[layout.ids.lowerBound + j] = Float(id)
            out[layout.logits.lowerBound + j] = row[Int(id)]
          }
        }
      }
    }
  }

  /// log Σ exp over `count` logits: the largest, then the sum of exp of the differences.
  static func logSumExp(_ row: UnsafePointer<Float>, count: Int) -> Float {
    var peak = SIMD8<Float>(repeating: -.infinity)
    for (o, lanes) in Vectors8(count) { peak = pointwiseMax(peak, row.vector8(at: o, lanes: lanes, padding: -.infinity)) }
    let top = peak.max()
    guard top.isFinite else { return top }
    var sums = SIMD8<Float>()
    for (o, lanes) in Vectors8(count) { sums += exp8(row.vector8(at: o, lanes: lanes, padding: -.infinity) - top) }
    return top + logf(sums.sum())
  }

  /// The first index of the largest logit.
  static func argmax(_ row: UnsafePointer<Float>, count: Int) -> Int {
    var best = 0
    for i in 1..<max(count, 1) where row[i] > row[best] { best = i }
    return best
  }
}

/// The k largest logits of a row, most likely first (equal logits: lower id first), by one scan
/// that keeps the current k sorted and skips every logit below the k-th: a partial selection,
/// not a sort of the vocabulary.
struct TopK {
  let k: Int
  private(set) var ids: [Int32] = []
  private var values: [Float] = []

  init(k: Int) { self.k = k }

  mutating func select(_ row: UnsafePointer<Float>, count: Int) {
    ids.removeAll(keepingCapacity: true)
    values.removeAll(keepingCapacity: true)
    guard k > 0 else { return }
    var floor = -Float.infinity
    for i in 0..<count {
      let v = row[i]
      guard v > floor || (ids.count < k && !v.isNaN) else { continue }
      // Insert after every kept value >= v, so equal logits keep the lower id first.
      var at = values.count
      while at > 0, values[at - 1] < v { at -= 1 }
      values.insert(v, at: at)
      ids.insert(Int32(i), at: at)
      if values.count > k {
        values.removeLast()
        ids.removeLast()
      }
      if values.count == k { floor = values[k - 1] }
    }
  }
}
