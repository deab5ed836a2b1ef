import PareCore

/// A group's smallest and largest values, each taken together with 0 (`lo` <= 0 <= `hi`), NaN
/// skipped: what the grids of DESIGN.md §4 are scaled to. Symmetric int and FP8 use
/// max|w| = max(-lo, hi); asymmetric int uses hi - lo.
///
/// Both update only on a strictly smaller (larger) value, so neither becomes -0, and merging
/// partial results in any order gives the same bits.
struct Extremes {
  var lo: Float = 0
  var hi: Float = 0

  init() {}

  /// The extremes of `count` values from `source`.
  init(_ source: UnsafePointer<Float>, count: Int) {
    var lo = SIMD8<Float>(), hi = SIMD8<Float>()
    for (offset, lanes) in Vectors8(count) {
      let x = source.vector8(at: offset, lanes: lanes, padding: 0)
      lo.replace(with: x, where: x .< lo)
      hi.replace(with: x, where: x .> hi)
    }
    // Halving the vectors keeps the reduction in vector compares (lane by lane, it branched).
    var lo4 = lo.lowHalf, hi4 = hi.lowHalf
    lo4.replace(with: lo.highHalf, where: lo.highHalf .< lo4)
    hi4.replace(with: hi.highHalf, where: hi.highHalf .> hi4)
    var lo2 = lo4.lowHalf, hi2 = hi4.lowHalf
    lo2.replace(with: lo4.highHalf, where: lo4.highHalf .< lo2)
    hi2.replace(with: hi4.highHalf, where: hi4.highHalf .> hi2)
    self.lo = lo2[1] < lo2[0] ? lo2[1] : lo2[0]
    self.hi = hi2[1] > hi2[0] ? hi2[1] : hi2[0]
  }

  /// The extremes of both parts.
  func merged(with other: Extremes) -> Extremes {
    var result = self
    if other.lo < result.lo { result.lo = other.lo }
    if other.hi > result.hi { result.hi = other.hi }
    return result
  }

  /// max|w| (0 for a group of zeros).
  var maxMagnitude: Float { Swift.max(-lo, hi) }
}

/// How a group's values become codes and back, given parameters taken from the group's extremes.
protocol GroupGrid: Sendable {
  /// Whether the grid stores a zero-point per group.
  var hasZeroPoint: Bool { get }
  /// The group's scale and zero-point (0 when the grid has none).
  func parameters(_ extremes: Extremes) -> (scale: Float, zeroPoint: Int32)
  /// The codes and dequantized values of `count` values from `source`.
  func quantize(_ source: UnsafePointer<Float>, count: Int, scale: Float, zeroPoint: Int32,
                codes: UnsafeMutablePointer<UInt8>, values: UnsafeMutablePointer<Float>)
}

/// rint for |x| < 2^22, vectorised without SSE4.1's `roundps`: adding 1.5·2^23 leaves a Float32
/// whose spacing is 1, so the FPU rounds x to the nearest integer, ties to even, and the integer
/// sits in the low mantissa bits (two's complement: 2^23·1.5 has them all zero).
let roundingShift: Float = 0x1.8p23

/// Symmetric int: scale = f16(max|w| / qmax); q = clamp(rint(w / scale), -qmax, qmax); w' = q·scale.
struct SymmetricIntGrid: GroupGrid {
  let qmax: Float

  init(bits: Int) { qmax = Float((1 << (bits - 1)) - 1) }

  var hasZeroPoint: Bool { false }

  func parameters(_ extremes: Extremes) -> (scale: Float, zeroPoint: Int32) {
    (Quantizer.scale(extremes.maxMagnitude, divisor: qmax), 0)
  }

  func quantize(_ source: UnsafePointer<Float>, count: Int, scale: Float, zeroPoint: Int32,
                codes: UnsafeMutablePointer<UInt8>, values: UnsafeMutablePointer<Float>) {
    let scales = SIMD8<Float>(repeating: scale), limit = SIMD8<Float>(repeating: qmax)
    let shift = SIMD8<Float>(repeating: roundingShift)
    for (offset, lanes) in Vectors8(count) {
      // Clamping before rounding is the same as after: the bounds are integers.
      var x = source.vector8(at: offset, lanes: lanes, padding: 0) / scales
      x.replace(with: -limit, where: x .< -limit)
      x.replace(with: limit, where: x .> limit)
      let shifted = x + shift
      // q is +0 when it rounds to zero (shift - shift), as the spec's integer q requires.
      values.store((shifted - shift) * scales, at: offset, lanes: lanes)
      codes.store(SIMD8<UInt8>(truncatingIfNeeded: unsafeBitCast(shifted, to: SIMD8<UInt32>.self)), at: offset, lanes: lanes)
    }
  }
}

/// Asymmetric int: scale = f16((hi - lo) / (2^bits - 1)); zero = clamp(rint(-lo / scale), 0,
/// 2^bits - 1); q = clamp(rint(w / scale) + zero, 0, 2^bits - 1); w' = (q - zero)·scale.
struct AsymmetricIntGrid: GroupGrid {
  let levels: Float

  init(bits: Int) { levels = Float((1 << bits) - 1) }

  var hasZeroPoint: Bool { true }

  func parameters(_ extremes: Extremes) -> (scale: Float, zeroPoint: Int32) {
    let scale = Quantizer.scale(extremes.hi - extremes.lo, divisor: levels)
    let zero = Swift.min(Swift.max((-extremes.lo / scale).rounded(.toNearestOrEven), 0), levels)
    return (scale, Int32(zero))
  }

  func quantize(_ source: UnsafePointer<Float>, count: Int, scale: Float, zeroPoint: Int32,
                codes: UnsafeMutablePointer<UInt8>, values: UnsafeMutablePointer<Float>) {
    let scales = SIMD8<Float>(repeating: scale)
    // rint(w / scale) clamped to [-zero, levels - zero] is q - zero: the same bounds, integers.
    let low = SIMD8<Float>(repeating: -Float(zeroPoint)), high = SIMD8<Float>(repeating: levels - Float(zeroPoint))
    let shift = SIMD8<Float>(repeating: roundingShift), zero = SIMD8<UInt32>(repeating: UInt32(zeroPoint))
    for (offset, lanes) in Vectors8(count) {
      var x = source.vector8(at: offset, lanes: lanes, padding: 0) / scales
      x.replace(with: low, where: x .< low)
      x.replace(with: high, where: x .> high)
      let shifted = x + shift
      values.store((shifted - shift) * scales, at: offset, lanes: lanes)
      let q = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &+ zero
      codes.store(SIMD8<UInt8>(truncatingIfNeeded: q), at: offset, lanes: lanes)
    }
  }
}

/// FP8: scale = f16(max|w| / fmax); w' = cast(w / scale)·scale; the code is the FP8 byte.
extension FloatFormat: GroupGrid {
  var hasZeroPoint: Bool { false }

  func parameters(_ extremes: Extremes) -> (scale: Float, zeroPoint: Int32) {
    (Quantizer.scale(extremes.maxMagnitude, divisor: maximum), 0)
  }

  func quantize(_ source: UnsafePointer<Float>, count: Int, scale: Float, zeroPoint: Int32,
                codes: UnsafeMutablePointer<UInt8>, values: UnsafeMutablePointer<Float>) {
    let scales = SIMD8<Float>(repeating: scale)
    for (offset, lanes) in Vectors8(count) {
      let cast = encode(source.vector8(at: offset, lanes: lanes, padding: 0) / scales)
      values.store(cast.values * scales, at: offset, lanes: lanes)
      codes.store(SIMD8<UInt8>(truncatingIfNeeded: cast.codes), at: offset, lanes: lanes)
    }
  }
}
