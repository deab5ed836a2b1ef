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

  /// Vocabulary rows of the head multiplied at once: all the batch's positions against a block
  /// of the head's rows, so each row of the head is packed for the GEMM once per batch (in
  /// blocks of 64 positions, the packing of a 49,152 × 576 head cost as much as the product),
  /// and the logits held stay near 8 MB (a block of 4,096 ids for 512 positions).
  func headBlock(rows: Int) -> Int { max(1, min(config.vocabSize, (8 << 20) / (4 * max(rows, 1)))) }

  /// Writes the `TokenScoreLayout` rows of the positions of `x` (final-normed states, windows of
  /// `windowLength` back to back, `tokens` their ids) from row `firstRow` of `output` on. The
  /// head runs one block of the vocabulary at a time (`headBlock`); per position, log Σ exp is
  /// accumulated online (running maximum, rescaled sum), and the top k, the target's and the
  /// reference's logits are taken from the block that holds them.
  func scoreRows(
    _ x: Tensor, tokens: [Int32], windowLength: Int, reference: ArraySlice<Int32>?,
    into output: UnsafeMutableBufferPointer<Float>, at firstRow: Int, block: Int? = nil
  ) {
    let layout = layout, width = layout.width, vocab = config.vocabSize, k = topK
    let rows = x.shape[0], block = max(1, block ?? headBlock(rows: rows))
    guard let output = output.baseAddress, rows > 0 else { return }
    // The head as one matrix [vocab, inner] applied to `input` [rows, inner]: a factored head
    // multiplies by its first factor once.
    let (input, weight): (Tensor, Tensor) = if let factored = head as? FactoredLinear {
      (factored.first.forward(x), factored.second.weight)
    } else if let linear = head as? Linear { (x, linear.weight) } else { (x, Tensor(zeros: [0, 0])) }
    guard weight.rank == 2, weight.shape[0] == vocab, weight.shape[1] == input.shape[1] else {
      return scoreRowsUnblocked(x, tokens: tokens, windowLength: windowLength, reference: reference, into: output, at: firstRow)
    }
    let inner = weight.shape[1]
    var peaks = [Float](repeating: -.infinity, count: rows), sums = [Float](repeating: 0, count: rows)
    var best = [Int](repeating: 0, count: rows), bestValue = [Float](repeating: -.infinity, count: rows)
    var tops = [TopK](repeating: TopK(k: reference == nil ? k : 0), count: rows)
    var logits = [Float](repeating: 0, count: rows * min(block, vocab))
    input.scalars.withUnsafeBufferPointer { a in
      weight.scalars.withUnsafeBufferPointer { w in
        logits.withUnsafeMutableBufferPointer { l in
          guard let a = a.baseAddress, let w = w.baseAddress, let l = l.baseAddress else { return }
          for v0 in stride(from: 0, to: vocab, by: block) {
            let n = min(block, vocab - v0)
            LinearAlgebra.gemm(m: rows, n: n, k: inner, a: a, b: w + v0 * inner, transposeB: true, c: l)
            for r in 0..<rows {
              let row = UnsafePointer(l + r * n), out = output + (firstRow + r) * width
              // Online log Σ exp: rescale the sum so far to the new maximum.
              let blockPeak = Self.peak(row, count: n)
              if blockPeak > peaks[r] {
                if peaks[r] > -.infinity { sums[r] *= expf(peaks[r] - blockPeak) }
                peaks[r] = blockPeak
              }
              if peaks[r].isFinite { sums[r] += Self.sumOfExp(row, count: n, minus: peaks[r]) }
              if blockPeak > bestValue[r], let at = (0..<n).first(where: { row[$0] == blockPeak }) {
                (bestValue[r], best[r]) = (blockPeak, v0 + at)
              }
              if reference == nil { tops[r].scan(row, count: n, firstId: v0) }
              if (r % windowLength) + 1 < windowLength {
                let target = Int(tokens[r + 1]) - v0
                if (0..<n).contains(target) { out[TokenScoreLayout.targetLogit] = row[target] }
              }
              if let reference {
                let ids = reference.startIndex + r * k
                for j in 0..<k {
                  let id = Int(reference[ids + j]) - v0
                  if (0..<n).contains(id) {
                    out[layout.ids.lowerBound + j] = Float(reference[ids + j])
                    out[layout.logits.lowerBound + j] = row[id]
                  }
                }
              }
            }
          }
        }
      }
    }
    for r in 0..<rows {
      let out = output + (firstRow + r) * width
      out[TokenScoreLayout.logSumExp] = peaks[r].isFinite ? peaks[r] + logf(sums[r]) : peaks[r]
      if (r % windowLength) + 1 == windowLength { out[TokenScoreLayout.targetLogit] = .nan }
      out[TokenScoreLayout.argmax] = Float(best[r])
      if reference == nil {
        for (j, (id, value)) in zip(tops[r].ids, tops[r].values).enumerated() {
          out[layout.ids.lowerBound + j] = Float(id)
          out[layout.logits.lowerBound + j] = value
        }
      }
    }
  }

  /// The largest of `count` logits.
  static func peak(_ row: UnsafePointer<Float>, count: Int) -> Float {
    var peak = SIMD8<Float>(repeating: -.infinity)
    for (o, lanes) in Vectors8(count) {
      let v = row.vector8(at: o, lanes: lanes, padding: -.infinity)
      peak.replace(with: v, where: v .> peak)
    }
    return peak.max()
  }

  /// Σ exp(row − shift) over `count` logits.
  static func sumOfExp(_ row: UnsafePointer<Float>, count: Int, minus shift: Float) -> Float {
    var sums = SIMD8<Float>()
    for (o, lanes) in Vectors8(count) {
      let v = row.vector8(at: o, lanes: lanes, padding: -.infinity) - shift
      // exp8 gives e^−87 for −∞ (a padded lane, a −∞ logit): mask those out.
      sums += exp8(v).replacing(with: 0, where: v .< -1e30)
    }
    return sums.sum()
  }

  /// The head applied row chunk by row chunk through `Layer.forward`, for a head that is neither
  /// `Linear` nor `FactoredLinear`.
  private func scoreRowsUnblocked(
    _ x: Tensor, tokens: [Int32], windowLength: Int, reference: ArraySlice<Int32>?,
    into output: UnsafeMutablePointer<Float>, at firstRow: Int
  ) {
    let layout = layout, width = layout.width, hidden = x.shape[1], vocab = config.vocabSize, k = topK
    let rows = x.shape[0], chunkRows = max(1, min(64, (16 << 20) / (4 * max(vocab, 1))))
    var top = TopK(k: k)
    for start in stride(from: 0, to: rows, by: chunkRows) {
      let count = min(chunkRows, rows - start)
      let chunk = Tensor(shape: [count, hidden]) { out in
        for i in 0..<(count * hidden) { out[i] = x.scalars[start * hidden + i] }
      }
      let logits = head.forward(chunk)
      logits.scalars.withUnsafeBufferPointer { all in
        guard let all = all.baseAddress else { return }
        for r in 0..<count {
          let position = start + r, row = all + r * vocab, out = output + (firstRow + position) * width
          out[TokenScoreLayout.logSumExp] = Self.logSumExp(row, count: vocab)
          out[TokenScoreLayout.targetLogit] = (position % windowLength) + 1 < windowLength ? row[Int(tokens[position + 1])] : .nan
          out[TokenScoreLayout.argmax] = Float(Self.argmax(row, count: vocab))
          let ids: [Int32]
          if let reference {
            ids = Array(reference[(reference.startIndex + position * k)..<(reference.startIndex + (position + 1) * k)])
          } else {
            top.select(row, count: vocab)
            ids = top.ids
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
    for (o, lanes) in Vectors8(count) {
      let v = row.vector8(at: o, lanes: lanes, padding: -.infinity)
      peak.replace(with: v, where: v .> peak)
    }
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
  private(set) var values: [Float] = []

  init(k: Int) { self.k = k }

  mutating func select(_ row: UnsafePointer<Float>, count: Int) {
    ids.removeAll(keepingCapacity: true)
    values.removeAll(keepingCapacity: true)
    scan(row, count: count, firstId: 0)
  }

  /// Goes on with `count` more logits, of ids `firstId` on (ids must come in increasing order).
  mutating func scan(_ row: UnsafePointer<Float>, count: Int, firstId: Int) {
    guard k > 0 else { return }
    var floor = values.count == k ? values[k - 1] : -Float.infinity
    for start in stride(from: 0, to: count, by: 64) {
      let end = min(start + 64, count)
      // 64 logits at a time: once k are kept, almost every chunk's maximum is below the k-th.
      if values.count == k {
        var peaks = SIMD8<Float>(repeating: -.infinity)
        for (o, lanes) in Vectors8(end - start) {
          let v = (row + start).vector8(at: o, lanes: lanes, padding: -.infinity)
          peaks.replace(with: v, where: v .> peaks)
        }
        if !(peaks.max() > floor) { continue }
      }
      for i in start..<end {
        let v = row[i]
        guard v > floor || (ids.count < k && !v.isNaN) else { continue }
        // Insert after every kept value >= v, so equal logits keep the lower id first.
        var at = values.count
        while at > 0, values[at - 1] < v { at -= 1 }
        values.insert(v, at: at)
        ids.insert(Int32(firstId + i), at: at)
        if values.count > k {
          values.removeLast()
          ids.removeLast()
        }
        if values.count == k { floor = values[k - 1] }
      }
    }
  }
}
