import Foundation
import PareCore
import PareFormats

/// Rotary position embedding of q or k rows [tokens, heads · headDim]: each pair of a head's
/// features is rotated by position · frequency. The pairs are halves (i, i + d/2) for Hugging Face
/// checkpoints and adjacent (2i, 2i + 1) for llama.cpp's permuted llama weights
/// (`DecoderConfig.RopePairing`).
public struct RotaryEmbedding: Sendable {
  /// The headDim / 2 frequencies (scaling applied).
  public let frequencies: [Double]
  public let pairing: DecoderConfig.RopePairing

  public init(rope: DecoderConfig.Rope, headDim: Int, pairing: DecoderConfig.RopePairing) {
    frequencies = rope.inverseFrequencies(headDim: headDim)
    self.pairing = pairing
  }

  /// cos and sin of every angle for positions 0..<positions, [positions, headDim / 2] each; the
  /// angle is formed in Double, so long windows lose nothing to Float32 rounding.
  public func table(positions: Int) -> (cos: [Float], sin: [Float]) {
    let half = frequencies.count
    var cosines = [Float](repeating: 0, count: positions * half), sines = cosines
    for p in 0..<positions {
      for i in 0..<half {
        let angle = Double(p) * frequencies[i]
        (cosines[p * half + i], sines[p * half + i]) = (Float(cos(angle)), Float(sin(angle)))
      }
    }
    return (cosines, sines)
  }

  /// Rotates `x` [rows, heads · headDim] in place; row r is at position r % windowLength (the
  /// windows of a batch back to back), `table` from `table(positions: windowLength)`.
  public func apply(to x: inout Tensor, heads: Int, windowLength: Int, table: (cos: [Float], sin: [Float])) {
    let half = frequencies.count, d = 2 * half, rows = x.shape[0]
    guard half > 0 else { return }
    x.scalars.withUnsafeMutableBufferPointer { x in
      table.cos.withUnsafeBufferPointer { cosines in
        table.sin.withUnsafeBufferPointer { sines in
          guard let x = x.baseAddress, let cosines = cosines.baseAddress, let sines = sines.baseAddress else { return }
          for r in 0..<rows {
            let c = cosines + (r % windowLength) * half, s = sines + (r % windowLength) * half
            for h in 0..<heads {
              let head = x + (r * heads + h) * d
              switch pairing {
              case .halves: Self.rotateHalves(head, half: half, cos: c, sin: s)
              case .adjacent:
                for i in 0..<half {
                  let (a, b) = (head[2 * i], head[2 * i + 1])
                  (head[2 * i], head[2 * i + 1]) = (a * c[i] - b * s[i], b * c[i] + a * s[i])
                }
              }
            }
          }
        }
      }
    }
  }

  /// (a, b) = (x[i], x[i + half]) → (a cos − b sin, b cos + a sin), eight pairs at a time.
  @inline(__always)
  private static func rotateHalves(_ head: UnsafeMutablePointer<Float>, half: Int, cos c: UnsafePointer<Float>, sin s: UnsafePointer<Float>) {
    let second = head + half
    for (o, lanes) in Vectors8(half) {
      let a = UnsafePointer(head).vector8(at: o, lanes: lanes, padding: 0)
      let b = UnsafePointer(second).vector8(at: o, lanes: lanes, padding: 0)
      let cv = c.vector8(at: o, lanes: lanes, padding: 0), sv = s.vector8(at: o, lanes: lanes, padding: 0)
      head.store(a * cv - b * sv, at: o, lanes: lanes)
      second.store(b * cv + a * sv, at: o, lanes: lanes)
    }
  }
}
