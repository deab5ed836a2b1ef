import Foundation
import Testing
@testable import PareCore
@testable import PareEngine

/// The decoder's vectorised kernels against plain scalar loops.
struct DecoderKernelTests {
  @Test func exp8IsWithinAFewUlpOfExpf() {
    var worst: Float = 0
    for start in stride(from: -86.0 as Float, to: 87.5, by: 0.37) {
      let x = SIMD8<Float>((0..<8).map { start + Float($0) * 0.0461 })
      let e = exp8(x)
      for lane in 0..<8 where x[lane] < 88 {
        worst = max(worst, abs(e[lane] - expf(x[lane])) / expf(x[lane]))
      }
    }
    #expect(worst < 4e-7, "worst relative error \(worst)")
    let edges = exp8(SIMD8<Float>(-.infinity, -100, 0, 1, 100, .infinity, -1, 0.5))
    #expect(edges[0] < 1e-37 && edges[0] >= 0 && edges[1] < 1e-37 && edges[2] == 1)
    #expect(abs(edges[3] - expf(1)) <= expf(1).ulp && edges[4] == edges[5] && edges[4].isFinite)
  }

  @Test func rmsNormMatchesAScalarLoop() throws {
    var generator = SplitMix64(seed: 3)
    let width = 13, rows = 5
    let x = try Tensor(shape: [rows, width], scalars: (0..<(rows * width)).map { _ in Float.random(in: -3...3, using: &generator) })
    let w = try Tensor(shape: [width], scalars: (0..<width).map { _ in Float.random(in: -1...1, using: &generator) })
    let y = RMSNorm(weight: w, eps: 1e-5, offset: 1).forward(x)
    for r in 0..<rows {
      let row = x.scalars[(r * width)..<((r + 1) * width)].map(Double.init)
      let scale = 1 / (row.reduce(0) { $0 + $1 * $1 } / Double(width) + 1e-5).squareRoot()
      for j in 0..<width {
        #expect(abs(Double(y.scalars[r * width + j]) - row[j] * scale * (1 + Double(w.scalars[j]))) < 1e-5)
      }
    }
  }
}

/// Attention in blocks of query rows equals attention over whole windows, causal and sliding.
struct DecoderAttentionBlockTests {
  @Test(arguments: [nil, 5] as [Int?])
  func rowBlocksGiveTheWholeWindowsResult(window: Int?) throws {
    var generator = SplitMix64(seed: 5)
    let (t, heads, kvHeads, d) = (21, 4, 2, 8)
    func random(_ columns: Int) throws -> Tensor {
      try Tensor(shape: [2 * t, columns], scalars: (0..<(2 * t * columns)).map { _ in Float.random(in: -2...2, using: &generator) })
    }
    let identity = Linear(weight: Tensor(zeros: [1, 1]), bias: nil)
    let attention = CausalAttention(
      query: identity, key: identity, value: identity, output: identity, queryNorm: nil, keyNorm: nil,
      rotary: RotaryEmbedding(rope: .init(base: 10000), headDim: d, pairing: .halves), heads: heads, kvHeads: kvHeads,
      headDim: d, scale: 0.3, window: window)
    let (q, k, v) = (try random(heads * d), try random(kvHeads * d), try random(kvHeads * d))
    let whole = attention.attend(query: q, key: k, value: v, windowLength: t, rowBlock: t)
    for block in [1, 4, 8] {
      #expect(isClose(attention.attend(query: q, key: k, value: v, windowLength: t, rowBlock: block), whole, tolerance: 1e-5))
    }
    // Row 0 of each window sees only itself: its context is its own value.
    #expect(isClose(Array(whole.scalars[0..<d]), Array(v.scalars[0..<d]), tolerance: 1e-6))
  }
}
