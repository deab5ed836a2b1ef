/// Bit-exact conversions between Float32 and the narrow floating formats.
///
/// Narrowing rounds to nearest, ties to even (IEEE 754 default), so `Float(f16Bits(x))` is the
/// value a PyTorch or numpy cast produces. Widening is exact.
public enum FloatConversion {
  /// The IEEE binary16 bit pattern nearest to `x`.
  @inlinable public static func f16Bits(_ x: Float) -> UInt16 { Float16(x).bitPattern }

  /// The Float32 value of an IEEE binary16 bit pattern.
  @inlinable public static func float(f16Bits bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

  /// `x` rounded to the nearest binary16 value (what DESIGN.md §4 calls f16(x)). By the vector
  /// conversions, which are no library calls: every quantization group's scale rounds here.
  @inlinable @inline(__always) public static func roundedToF16(_ x: Float) -> Float { float(f16Bits: f16Bits(SIMD8(repeating: x)))[0] }

  /// The bfloat16 bit pattern nearest to `x` (round to nearest even; NaN stays a quiet NaN).
  @inlinable public static func bf16Bits(_ x: Float) -> UInt16 {
    let bits = x.bitPattern
    if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
    let roundingBias: UInt32 = 0x7FFF + ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
  }

  /// The Float32 value of a bfloat16 bit pattern (exact: bfloat16 is the top half of a Float32).
  @inlinable public static func float(bf16Bits bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

  /// The Float32 value of an FP8 E4M3 (OCP "fn": no infinities, 0x7F/0xFF are NaN) byte.
  public static func float(e4m3Bits bits: UInt8) -> Float {
    let sign: Float = bits & 0x80 != 0 ? -1 : 1
    let exponent = Int((bits >> 3) & 0x0F), mantissa = Float(bits & 0x07)
    if exponent == 0x0F && bits & 0x07 == 0x07 { return .nan }
    if exponent == 0 { return sign * mantissa / 8 * 0x1p-6 }
    return sign * (1 + mantissa / 8) * Float(sign: .plus, exponent: exponent - 7, significand: 1)
  }

  /// The Float32 value of an FP8 E5M2 byte (the top half of a binary16).
  public static func float(e5m2Bits bits: UInt8) -> Float { float(f16Bits: UInt16(bits) << 8) }
}
