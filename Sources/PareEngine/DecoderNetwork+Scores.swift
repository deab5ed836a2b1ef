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

  /// The head as one matrix [vocab, inner] and what it multiplies: `x` itself, or a factored
  /// head's first factor applied to it once; nil for another kind of layer.
  private static func matrix(of head: any Layer, applyingTo x: Tensor) -> (input: Tensor, weight: Tensor)? {
    if let factored = head as? FactoredLinear { return (factored.first.forward(x), factored.second.weight) }
    if let linear = head as? Linear { return (x, linear.weight) }
    return nil
  }

  /// Writes the `TokenScoreLayout` rows of the positions of `x` (final-normed states, windows of
  /// `windowLength` back to back, `tokens` their ids) from row `firstRow` of `output` on, with
  /// each position's KL divergence from `reference` (the uncompressed model's states of the same
  /// positions) when given. The head runs one block of the vocabulary at a time (`headBlock`),
  /// the uncompressed head over the reference's states beside it; per position, log Σ exp of
  /// both and the KL's cross term Σ p·(log p − log q) are accumulated online (running maximum,
  /// rescaled sums), the target's logit taken from the block that holds it.
  ///
  /// With `referenceDirections` (the reference's Wᵀp and Σ p·log p) and the uncompressed head,
  /// the KL takes one head product: Σ p·log p − x·(Wᵀp) + log Σ exp(Wx). With
  /// `measuresDirections` (and no reference), the pass writes its own directions: the head's rows
  /// weighted by exp(logit − running maximum), accumulated by one more product per block.
  func scoreRows(
    _ x: Tensor, tokens: [Int32], windowLength: Int, reference: ArraySlice<Float>?,
    referenceDirections: ArraySlice<Float>? = nil, measuresDirections: Bool = false,
    into output: UnsafeMutableBufferPointer<Float>, at firstRow: Int, block: Int? = nil
  ) {
    let layout = layout, width = layout.width, vocab = config.vocabSize, hidden = config.hiddenSize
    let rows = x.shape[0], block = max(1, block ?? headBlock(rows: rows))
    guard let output = output.baseAddress, rows > 0 else { return }
    let referenceStates = reference.map { states in
      Tensor(shape: [rows, hidden]) { out in for (i, value) in states.enumerated() where i < rows * hidden { out[i] = value } }
    }
    guard let (input, weight) = Self.matrix(of: head, applyingTo: x), weight.rank == 2, weight.shape[0] == vocab,
          weight.shape[1] == input.shape[1] else {
      return scoreRowsUnblocked(x, tokens: tokens, windowLength: windowLength, reference: referenceStates, into: output, at: firstRow)
    }
    // One product when the reference's directions apply (the head is the uncompressed one).
    let directionsApply = referenceDirections != nil && headIsReference && head is Linear
    let referenceMatrix = directionsApply ? nil : referenceStates.flatMap { Self.matrix(of: referenceHead, applyingTo: $0) }
    if referenceStates != nil, !directionsApply, referenceMatrix?.weight.shape != [vocab, referenceMatrix?.input.shape[1] ?? -1] {
      return scoreRowsUnblocked(x, tokens: tokens, windowLength: windowLength, reference: referenceStates, into: output, at: firstRow)
    }
    let inner = weight.shape[1], columns = min(block, vocab)
    var own = OnlineLogSumExp(rows: rows), theirs = OnlineLogSumExp(rows: rows)
    var best = [Int](repeating: 0, count: rows), bestValue = [Float](repeating: -.infinity, count: rows)
    var logits = [Float](repeating: 0, count: rows * columns)
    var referenceLogits = [Float](repeating: 0, count: referenceMatrix == nil ? 0 : rows * columns)
    // Directions of this pass: Σ exp(logit − peak)·W_row and Σ exp(logit − peak)·logit per row.
    let writesDirections = measuresDirections && reference == nil && head is Linear
    var directions = DirectionSums(rows: writesDirections ? rows : 0, width: inner, columns: columns)
    input.scalars.withUnsafeBufferPointer { a in
      weight.scalars.withUnsafeBufferPointer { w in
        logits.withUnsafeMutableBufferPointer { l in
          referenceLogits.withUnsafeMutableBufferPointer { p in
            guard let a = a.baseAddress, let w = w.baseAddress, let l = l.baseAddress else { return }
            for v0 in stride(from: 0, to: vocab, by: block) {
              let n = min(block, vocab - v0)
              LinearAlgebra.gemm(m: rows, n: n, k: inner, a: a, b: w + v0 * inner, transposeB: true, c: l)
              if let (referenceInput, referenceWeight) = referenceMatrix, let p = p.baseAddress {
                referenceInput.scalars.withUnsafeBufferPointer { ra in
                  referenceWeight.scalars.withUnsafeBufferPointer { rw in
                    guard let ra = ra.baseAddress, let rw = rw.baseAddress else { return }
                    let referenceInner = referenceWeight.shape[1]
                    LinearAlgebra.gemm(m: rows, n: n, k: referenceInner, a: ra, b: rw + v0 * referenceInner, transposeB: true, c: p)
                  }
                }
              }
              let peaksBefore = writesDirections ? own.peaks : []
              for r in 0..<rows {
                let row = UnsafePointer(l + r * n), out = output + (firstRow + r) * width
                let blockPeak = own.add(row, count: n, row: r)
                if writesDirections { directions.add(row, count: n, row: r, peakBefore: peaksBefore[r], peak: own.peaks[r]) }
                if blockPeak > bestValue[r], let at = (0..<n).first(where: { row[$0] == blockPeak }) {
                  (bestValue[r], best[r]) = (blockPeak, v0 + at)
                }
                // An empty array may still have a base address: the reference decides.
                if referenceMatrix != nil, let p = p.baseAddress { theirs.add(UnsafePointer(p + r * n), count: n, row: r, against: row) }
                if (r % windowLength) + 1 < windowLength {
                  let target = Int(tokens[r + 1]) - v0
                  if (0..<n).contains(target) { out[TokenScoreLayout.targetLogit] = row[target] }
                }
              }
              if writesDirections { directions.accumulate(rows: rows, count: n, weights: w + v0 * inner) }
            }
          }
        }
      }
    }
    for r in 0..<rows {
      let out = output + (firstRow + r) * width
      let ownLogSumExp = own.logSumExp(r)
      out[TokenScoreLayout.logSumExp] = ownLogSumExp
      if (r % windowLength) + 1 == windowLength { out[TokenScoreLayout.targetLogit] = .nan }
      out[TokenScoreLayout.argmax] = Float(best[r])
      if directionsApply, let referenceDirections, let reference {
        // KL(P‖Q) = Σ p·(a − b) − lse(a) + lse(b) with a = W·h, b = W·x and Σ p·a − Σ p·b =
        // (h − x)·(Wᵀp): the dot product of the small difference of the states, in Double, keeps
        // a small divergence's digits (Σ p·log p − x·Wᵀp cancels terms of 20 to leave 1e-4). A
        // state equal to the reference's is exactly 0.
        let at = referenceDirections.startIndex + r * (hidden + 1), state = reference.startIndex + r * hidden
        var dot = 0.0, identical = true
        for j in 0..<hidden {
          let difference = Double(reference[state + j]) - Double(x.scalars[r * hidden + j])
          if difference != 0 { identical = false }
          dot += difference * Double(referenceDirections[at + j])
        }
        let referenceLogSumExp = Double(referenceDirections[at + hidden])
        out[TokenScoreLayout.divergence] = identical ? 0 : Float(max(0, dot - referenceLogSumExp + Double(ownLogSumExp)))
      } else {
        out[TokenScoreLayout.divergence] = referenceMatrix == nil ? 0 : theirs.divergence(r, ownLogSumExp: ownLogSumExp)
      }
      Self.writeState(x, row: r, into: out, layout: layout)
      if writesDirections {
        directions.write(row: r, sum: own.sums[r], logSumExp: ownLogSumExp, into: out, layout: layout)
      } else {
        out[TokenScoreLayout.offset] = .nan
      }
    }
  }

  /// Copies row `row` of the final-normed states into a score row's `states` columns.
  private static func writeState(_ x: Tensor, row: Int, into out: UnsafeMutablePointer<Float>, layout: TokenScoreLayout) {
    let hidden = layout.hiddenSize
    for j in 0..<hidden { out[layout.states.lowerBound + j] = x.scalars[row * hidden + j] }
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

  /// Σ exp(row − shift)·(row − other) over `count` logits: the cross term of a KL divergence.
  static func sumOfExpTimesDifference(_ row: UnsafePointer<Float>, _ other: UnsafePointer<Float>, count: Int,
                                      minus shift: Float) -> Float {
    var sums = SIMD8<Float>()
    for (o, lanes) in Vectors8(count) {
      let v = row.vector8(at: o, lanes: lanes, padding: -.infinity)
      let w = other.vector8(at: o, lanes: lanes, padding: 0)
      let shifted = v - shift
      sums += (exp8(shifted) * (v - w)).replacing(with: 0, where: shifted .< -1e30)
    }
    return sums.sum()
  }

  /// The head applied row chunk by row chunk through `Layer.forward`, for a head that is neither
  /// `Linear` nor `FactoredLinear`.
  private func scoreRowsUnblocked(
    _ x: Tensor, tokens: [Int32], windowLength: Int, reference: Tensor?,
    into output: UnsafeMutablePointer<Float>, at firstRow: Int
  ) {
    let layout = layout, width = layout.width, hidden = x.shape[1], vocab = config.vocabSize
    let rows = x.shape[0], chunkRows = max(1, min(64, (16 << 20) / (4 * max(vocab, 1))))
    func chunk(of states: Tensor, from start: Int, count: Int) -> Tensor {
      Tensor(shape: [count, hidden]) { out in
        for i in 0..<(count * hidden) { out[i] = states.scalars[start * hidden + i] }
      }
    }
    for start in stride(from: 0, to: rows, by: chunkRows) {
      let count = min(chunkRows, rows - start)
      let logits = head.forward(chunk(of: x, from: start, count: count))
      let referenceLogits = reference.map { referenceHead.forward(chunk(of: $0, from: start, count: count)) }
      logits.scalars.withUnsafeBufferPointer { all in
        guard let all = all.baseAddress else { return }
        for r in 0..<count {
          let position = start + r, row = all + r * vocab, out = output + (firstRow + position) * width
          let ownLogSumExp = Self.logSumExp(row, count: vocab)
          out[TokenScoreLayout.logSumExp] = ownLogSumExp
          out[TokenScoreLayout.targetLogit] = (position % windowLength) + 1 < windowLength ? row[Int(tokens[position + 1])] : .nan
          out[TokenScoreLayout.argmax] = Float(Self.argmax(row, count: vocab))
          out[TokenScoreLayout.divergence] = referenceLogits.map { theirs in
            theirs.scalars.withUnsafeBufferPointer { p in
              guard let p = p.baseAddress else { return 0 }
              var online = OnlineLogSumExp(rows: 1)
              online.add(p + r * vocab, count: vocab, row: 0, against: row)
              return online.divergence(0, ownLogSumExp: ownLogSumExp)
            }
          } ?? 0
          Self.writeState(x, row: position, into: out, layout: layout)
          out[TokenScoreLayout.offset] = .nan
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

/// log Σ exp of rows of logits seen a vocabulary block at a time (running maximum, sum rescaled
/// when it rises), and for a reference distribution P against another Q the KL cross term
/// Σ exp(p − max)·(p − q) rescaled alongside: KL(P‖Q) = cross / sum − logΣexp(P) + logΣexp(Q).
struct OnlineLogSumExp {
  private(set) var peaks: [Float], sums: [Float]
  private var cross: [Float]

  init(rows: Int) {
    (peaks, sums, cross) = ([Float](repeating: -.infinity, count: rows), [Float](repeating: 0, count: rows),
                            [Float](repeating: 0, count: rows))
  }

  /// Adds `count` logits of row `r` (and, with `other`, the cross term against them); returns
  /// the block's largest logit.
  @discardableResult
  mutating func add(_ logits: UnsafePointer<Float>, count: Int, row r: Int, against other: UnsafePointer<Float>? = nil) -> Float {
    let blockPeak = DecoderNetwork.peak(logits, count: count)
    if blockPeak > peaks[r] {
      if peaks[r] > -.infinity {
        let scale = expf(peaks[r] - blockPeak)
        sums[r] *= scale
        cross[r] *= scale
      }
      peaks[r] = blockPeak
    }
    guard peaks[r].isFinite else { return blockPeak }
    sums[r] += DecoderNetwork.sumOfExp(logits, count: count, minus: peaks[r])
    if let other { cross[r] += DecoderNetwork.sumOfExpTimesDifference(logits, other, count: count, minus: peaks[r]) }
    return blockPeak
  }

  /// log Σ exp of row `r`.
  func logSumExp(_ r: Int) -> Float { peaks[r].isFinite ? peaks[r] + logf(sums[r]) : peaks[r] }

  /// KL(these rows' distribution ‖ Q) of row `r`, Q's log Σ exp given; never below 0 (rounding).
  func divergence(_ r: Int, ownLogSumExp: Float) -> Float {
    guard sums[r] > 0 else { return 0 }
    return max(0, cross[r] / sums[r] - logSumExp(r) + ownLogSumExp)
  }
}

/// A pass's directions, accumulated a vocabulary block at a time beside `OnlineLogSumExp`: per row
/// Σ exp(logit − peak)·W_row (one product of the block's weights by the block's exp) and
/// Σ exp(logit − peak)·logit, both rescaled when the row's peak rises; divided by the sum of exp
/// at the end, they are Wᵀp and Σ p·logit.
struct DirectionSums {
  private let width: Int
  private var sums: [Float], weighted: [Double]
  private var exps: [Float]

  init(rows: Int, width: Int, columns: Int) {
    self.width = width
    (sums, weighted, exps) = ([Float](repeating: 0, count: rows * width), [Double](repeating: 0, count: rows),
                              [Float](repeating: 0, count: rows * columns))
  }

  /// Rescales row `r` from `peakBefore` to `peak` and keeps exp(logit − peak) of the block's
  /// `count` logits for `accumulate`.
  mutating func add(_ logits: UnsafePointer<Float>, count: Int, row r: Int, peakBefore: Float, peak: Float) {
    if peakBefore.isFinite, peak > peakBefore {
      let scale = expf(peakBefore - peak)
      for j in 0..<width { sums[r * width + j] *= scale }
      weighted[r] *= Double(scale)
    }
    var total = 0.0
    exps.withUnsafeMutableBufferPointer { e in
      for i in 0..<count {
        let value = peak.isFinite ? expf(logits[i] - peak) : 0
        e[r * count + i] = value
        total += Double(value) * Double(logits[i])
      }
    }
    weighted[r] += total
  }

  /// Adds every row's exp of the block times the block's head rows (`weights` [count, width]).
  mutating func accumulate(rows: Int, count: Int, weights: UnsafePointer<Float>) {
    exps.withUnsafeBufferPointer { e in
      sums.withUnsafeMutableBufferPointer { v in
        guard let e = e.baseAddress, let v = v.baseAddress else { return }
        LinearAlgebra.gemm(m: rows, n: width, k: count, a: e, b: weights, c: v, beta: 1)
      }
    }
  }

  /// Writes row `r`'s directions and offset (Σ p·logit − log Σ exp = Σ p·log p), `sum` being
  /// its Σ exp(logit − peak).
  func write(row r: Int, sum: Float, logSumExp: Float, into out: UnsafeMutablePointer<Float>, layout: TokenScoreLayout) {
    guard sum > 0 else { return }
    for j in 0..<width { out[layout.directions.lowerBound + j] = sums[r * width + j] / sum }
    out[TokenScoreLayout.offset] = Float(weighted[r] / Double(sum) - Double(logSumExp))
  }
}
