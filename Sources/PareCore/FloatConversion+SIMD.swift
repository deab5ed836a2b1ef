/// Eight conversions at once, by integer and Float32 arithmetic only, bit for bit equal to the
/// scalar forms (NaN payloads included).
///
/// The scalar `Float16` conversions are library calls on x86-64 without F16C (Pare's binary
/// targets plain x86-64), one per element: converting a tensor cost as much as quantizing it.
/// These compile to a few SSE2 instructions per vector. Lanes are told apart by Float32
/// comparisons only: the integer SIMD comparisons compile to a loop over the lanes.
extension FloatConversion {
  /// `f16Bits` of each lane (in the low 16 bits of each result lane).
  ///
  /// Normal results round the Float32 pattern's mantissa to 10 bits (ties to even) after
  /// rebiasing the exponent, which carries into the exponent, and past 65504 into infinity, by
  /// itself; results below 2^-14 come from adding 0.5, whose binade has exactly the f16
  /// subnormal spacing 2^-24, so the FPU rounds; NaN keeps its top payload bits and is quieted.
  @inlinable @inline(__always) public static func f16Bits(_ x: SIMD8<Float>) -> SIMD8<UInt32> {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    let magnitudeBits = bits & 0x7FFF_FFFF
    let magnitude = unsafeBitCast(magnitudeBits, to: SIMD8<Float>.self)
    var half = (magnitudeBits &- (112 << 23) &+ 0xFFF &+ (magnitudeBits &>> 13) & 1) &>> 13
    half.replace(with: unsafeBitCast(magnitude + 0.5, to: SIMD8<UInt32>.self) &- 0x3F00_0000, where: magnitude .< 0x1p-14)
    half.replace(with: 0x7C00, where: magnitude .>= 65536)
    var result = 0x7E00 | (magnitudeBits &>> 13) & 0x3FF
    result.replace(with: half, where: x .== x)
    return result | (bits &>> 16) & 0x8000
  }

  /// `float(f16Bits:)` of the low 16 bits of each lane.
  ///
  /// The exponent is rebiased; infinities and NaNs get the all-ones Float32 exponent, and a NaN
  /// comes out quiet, as from the scalar conversion; a subnormal's value is read as a normal
  /// number with exponent 2^-14 minus 2^-14.
  @inlinable @inline(__always) public static func float(f16Bits bits: SIMD8<UInt32>) -> SIMD8<Float> {
    var magnitude = (bits & 0x7FFF) &<< 13 &+ (112 << 23)
    let rebiased = unsafeBitCast(magnitude, to: SIMD8<Float>.self)
    magnitude.replace(with: magnitude &+ (112 << 23), where: rebiased .>= 65536)
    let special = unsafeBitCast(magnitude, to: SIMD8<Float>.self)
    var result = magnitude | 0x0040_0000
    result.replace(with: magnitude, where: special .== special)
    let subnormal = unsafeBitCast(magnitude &+ (1 << 23), to: SIMD8<Float>.self) - 0x1p-14
    result.replace(with: unsafeBitCast(subnormal, to: SIMD8<UInt32>.self), where: rebiased .< 0x1p-14)
    return unsafeBitCast(result | (bits & 0x8000) &<< 16, to: SIMD8<Float>.self)
  }

  /// `bf16Bits` of each lane (in the low 16 bits of each result lane).
  @inlinable @inline(__always) public static func bf16Bits(_ x: SIMD8<Float>) -> SIMD8<UInt32> {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    var result = bits &>> 16 | 0x0040
    result.replace(with: (bits &+ 0x7FFF &+ (bits &>> 16) & 1) &>> 16, where: x .== x)
    return result
  }

  /// `float(bf16Bits:)` of the low 16 bits of each lane.
  @inlinable @inline(__always) public static func float(bf16Bits bits: SIMD8<UInt32>) -> SIMD8<Float> {
    unsafeBitCast(bits &<< 16, to: SIMD8<Float>.self)
  }
}
