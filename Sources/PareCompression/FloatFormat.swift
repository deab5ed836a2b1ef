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

  /// `x` rounded to the nearest value of the format (ties to even), saturating at ±maximum.
  public func round(_ x: Float) -> Float {
    guard x.isFinite else { return x.isNaN ? x : (x < 0 ? -maximum : maximum) }
    let magnitude = abs(x)
    if magnitude >= maximum { return x < 0 ? -maximum : maximum }
    if magnitude == 0 { return x }
    // Spacing of the grid around x: 2^(e - mantissaBits), with e clamped at the subnormal range.
    let exponent = max(Int(magnitude.exponent), minimumExponent)
    let step = Float(sign: .plus, exponent: exponent - mantissaBits, significand: 1)
    let rounded = (x / step).rounded(.toNearestOrEven) * step
    return abs(rounded) > maximum ? (x < 0 ? -maximum : maximum) : rounded
  }

  /// The 8-bit encoding (sign, exponent, mantissa) of a value already on this format's grid.
  public func bits(of value: Float) -> UInt8 {
    let sign: UInt8 = value.sign == .minus ? 0x80 : 0
    let magnitude = abs(value)
    guard magnitude > 0 else { return sign }
    let exponentBits = 7 - mantissaBits
    let bias = 1 - minimumExponent
    let exponent = Int(magnitude.exponent)
    if exponent < minimumExponent {
      // Subnormal: mantissa counts multiples of the smallest step.
      let step = Float(sign: .plus, exponent: minimumExponent - mantissaBits, significand: 1)
      return sign | UInt8(clamping: Int(magnitude / step))
    }
    let fraction = Int((magnitude.significand - 1) * Float(1 << mantissaBits))
    let biased = exponent + bias
    return sign | UInt8(clamping: (biased << mantissaBits) | fraction) & (UInt8((1 << (exponentBits + mantissaBits)) - 1))
  }
}
