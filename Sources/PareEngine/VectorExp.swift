import PareCore

/// e^x in eight lanes (Cephes' `expf`: x = n ln 2 + r, |r| ≤ ln 2 / 2, a degree-6 polynomial for
/// e^r, 2^n put in the exponent bits), within a few ulp of `expf` over [−87, 88]; inputs are
/// clamped to that range, so −∞ gives about 1.6e-38 rather than 0 and e^89 gives e^88. For the softmax, log Σ exp and SiLU
/// loops of the decoder, which would otherwise call `expf` once per element. n is rounded by
/// adding 1.5·2^23 (no `roundps` on plain x86-64), and read back off the sum's mantissa.
@inline(__always)
func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
  // Masks from Float comparisons: `pointwiseMin`/`pointwiseMax` were calls, not instructions.
  let x = x.replacing(with: -87, where: x .< -87).replacing(with: 88, where: x .> 88)
  let magic = SIMD8<Float>(repeating: 12_582_912)  // 1.5 · 2^23
  let shifted = x * 1.442_695_04 + magic
  let n = shifted - magic
  let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
  var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
  p = p * r + 1.398_199_950_7e-3
  p = p * r + 8.333_451_907_3e-3
  p = p * r + 4.166_579_589_4e-2
  p = p * r + 1.666_666_545_9e-1
  p = p * r + 5.000_000_120_1e-1
  p = p * r * r + r + 1
  // The low mantissa bits of `shifted` hold n (offset by 0x4B40_0000); 2^n is (n + 127) << 23.
  // −126 ≤ n ≤ 127 after the clamp: a normal exponent.
  let bits = (shifted.bitPattern(asUInt32: ()) &- 0x4B40_0000 &+ 127) &<< 23
  return p * SIMD8<Float>(bitPattern: bits)
}

extension SIMD8 where Scalar == Float {
  /// The lanes' bit patterns.
  @inline(__always)
  func bitPattern(asUInt32: Void) -> SIMD8<UInt32> { unsafeBitCast(self, to: SIMD8<UInt32>.self) }

  @inline(__always)
  init(bitPattern bits: SIMD8<UInt32>) { self = unsafeBitCast(bits, to: SIMD8<Float>.self) }
}
