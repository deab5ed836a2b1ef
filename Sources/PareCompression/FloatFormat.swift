import PareCore

/// A narrow binary floating-point format for rounding Float32 values onto its grid.
///
/// Rounding is to nearest, ties to even, with gradual underflow. The FP8 formats saturate: a
/// value beyond the largest finite magnitude becomes ± that magnitude (DESIGN.md §4).
public struct FloatFormat: Sendable, Hashable {
  /// Explicit mantissa bits.
  public let mantissaBits: Int
  /// Exponent of the smallest normal number (1 - bias).
  public let minimumExponent: Int
  /// Largest finite magnitude.
  public let maximum: Float

  /// OCP FP8 E4M3 ("fn": no infinities), largest 448.
  public static let e4m3 = FloatFormat(mantissaBits: 3, minimumExponent: -6, maximum: 448)
  /// OCP FP8 E5M2, largest 57344.
  public static let e5m2 = FloatFormat(mantissaBits: 2, minimumExponent: -14, maximum: 57344)

  /// `x` rounded to the nearest value of the format (ties to even), saturating at ±maximum; NaN
  /// stays NaN.
  public func round(_ x: Float) -> Float { encode(SIMD8(repeating: x)).values[0] }

  /// The 8-bit encoding (sign, exponent, mantissa) of a value already on this format's grid; NaN
  /// encodes as its sign alone.
  public func bits(of value: Float) -> UInt8 { UInt8(truncatingIfNeeded: encode(SIMD8(repeating: value)).codes[0]) }

  /// Each lane rounded onto the format (`values`, as `round`) and its 8-bit encoding (`codes`,
  /// as `bits(of:)`), by integer arithmetic on the Float32 bit patterns: the per-element
  /// exponent arithmetic of a scalar cast does not vectorise. Lanes are told apart by Float32
  /// comparisons (the integer ones compile to a loop over the lanes).
  func encode(_ x: SIMD8<Float>) -> (values: SIMD8<Float>, codes: SIMD8<UInt32>) {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    let sign = bits & 0x8000_0000, magnitudeBits = bits & 0x7FFF_FFFF
    let magnitude = unsafeBitCast(magnitudeBits, to: SIMD8<Float>.self)
    // Normal range: drop the low Float32 mantissa bits, rounding to nearest even (a carry moves
    // into the next binade); the code is the top bits with the exponent rebiased.
    let dropped = UInt32(23 - mantissaBits)
    let half = SIMD8<UInt32>(repeating: 1 &<< (dropped - 1)) &- 1
    var rounded = (magnitudeBits &+ half &+ (magnitudeBits &>> dropped) & 1) & ~((1 &<< dropped) &- 1)
    let rebias = UInt32(127 - (1 - minimumExponent)) &<< UInt32(mantissaBits)
    var codes = (rounded &>> dropped) &- rebias
    // Below the smallest normal: adding 2^(minimumExponent - mantissaBits + 23) leaves the
    // format's subnormal spacing as the Float32 spacing, so the FPU rounds; the code counts steps.
    let subnormalShift = Float(sign: .plus, exponent: minimumExponent - mantissaBits + 23, significand: 1)
    let shifted = magnitude + subnormalShift
    let isSubnormal = magnitude .< Float(sign: .plus, exponent: minimumExponent, significand: 1)
    rounded.replace(with: unsafeBitCast(shifted - subnormalShift, to: SIMD8<UInt32>.self), where: isSubnormal)
    codes.replace(with: unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- subnormalShift.bitPattern, where: isSubnormal)
    // Saturation, infinities included.
    let saturates = magnitude .>= maximum .| unsafeBitCast(rounded, to: SIMD8<Float>.self) .> maximum
    rounded.replace(with: maximum.bitPattern, where: saturates)
    codes.replace(with: (maximum.bitPattern &>> dropped) &- rebias, where: saturates)
    // NaN: the value unchanged, the code its sign alone.
    var values = x
    values.replace(with: unsafeBitCast(rounded | sign, to: SIMD8<Float>.self), where: x .== x)
    var signedCodes = sign &>> 24
    signedCodes.replace(with: codes | sign &>> 24, where: x .== x)
    return (values, signedCodes)
  }
}
