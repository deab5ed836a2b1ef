import PareCore

/// The scalar operations of ggml-quants.c that Swift spells differently, each giving C's bits
/// on x86-64 (SSE2) and none trapping on any input, NaN included.
enum GGMLScalars {
  /// ggml's `nearest_int`: adds 1.5·2^22 and reads the integer off the mantissa (round half to
  /// even for |x| < 2^22; garbage, the same garbage as C, beyond).
  @inline(__always) static func nearestInt(_ x: Float) -> Int32 {
    let v = x + 12_582_912
    return Int32(bitPattern: v.bitPattern & 0x007F_FFFF) &- 0x0040_0000
  }

  /// C's `(int)x` as x86-64's cvttss2si does it: toward zero, and 0x80000000 for NaN or out of range.
  @inline(__always) static func truncated(_ x: Float) -> Int32 {
    x.magnitude < 2_147_483_648 ? Int32(x) : Int32.min
  }

  /// C's `(uint8_t)` / `(int8_t)` of an int: the low byte.
  @inline(__always) static func byte(_ x: Int32) -> UInt8 { UInt8(truncatingIfNeeded: x) }

  /// ggml's `GGML_FP32_TO_FP16` (ggml_compute_fp32_to_fp16: round to nearest even, NaN as 0x7E00).
  @inline(__always) static func half(_ f: Float) -> UInt16 {
    let scaleToInf = Float(bitPattern: 0x7780_0000), scaleToZero = Float(bitPattern: 0x0880_0000)
    var base = (f.magnitude * scaleToInf) * scaleToZero
    let w = f.bitPattern
    let shl1 = w &+ w
    let sign = w & 0x8000_0000
    var bias = shl1 & 0xFF00_0000
    if bias < 0x7100_0000 { bias = 0x7100_0000 }
    base = Float(bitPattern: (bias >> 1) &+ 0x0780_0000) + base
    let bits = base.bitPattern
    let nonsign = ((bits >> 13) & 0x7C00) &+ (bits & 0x0FFF)
    return UInt16(truncatingIfNeeded: (sign >> 16) | (shl1 > 0xFF00_0000 ? 0x7E00 : nonsign))
  }

  /// ggml's `GGML_FP16_TO_FP32` (exact).
  @inline(__always) static func float(_ h: UInt16) -> Float { FloatConversion.float(f16Bits: h) }

  /// Stores `f` as ggml's f16 at `y[offset]` (little-endian) and returns the Float32 it decodes to.
  @inline(__always) @discardableResult
  static func storeHalf(_ f: Float, _ y: UnsafeMutablePointer<UInt8>, _ offset: Int) -> Float {
    let h = half(f)
    y[offset] = UInt8(truncatingIfNeeded: h)
    y[offset + 1] = UInt8(truncatingIfNeeded: h >> 8)
    return float(h)
  }
}

/// The per-block working arrays of ggml's quantizers (C keeps them on the stack), allocated once
/// for a chunk of rows.
struct GGMLScratch {
  /// Codes of a super-block (QK_K), unsigned and signed views of separate memory.
  let L: UnsafeMutablePointer<UInt8>
  let signedL: UnsafeMutablePointer<Int8>
  /// Candidate codes of one sub-block (32).
  let Laux: UnsafeMutablePointer<UInt8>
  /// Quantized sub-block scales and mins (16 each).
  let Ls: UnsafeMutablePointer<UInt8>
  let Lm: UnsafeMutablePointer<UInt8>
  let signedLs: UnsafeMutablePointer<Int8>
  /// Per-element weights of one sub-block (32).
  let weights: UnsafeMutablePointer<Float>
  /// Sub-block scales, mins and weight sums (16 each).
  let scales: UnsafeMutablePointer<Float>
  let mins: UnsafeMutablePointer<Float>
  let sw: UnsafeMutablePointer<Float>

  static func with<R>(_ body: (GGMLScratch) -> R) -> R {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256 + 32 + 16 + 16) { bytes in
      withUnsafeTemporaryAllocation(of: Int8.self, capacity: 256 + 16) { signed in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32 + 16 * 3) { floats in
          let b = bytes.baseAddress!, s = signed.baseAddress!, f = floats.baseAddress!
          b.initialize(repeating: 0, count: bytes.count)
          s.initialize(repeating: 0, count: signed.count)
          f.initialize(repeating: 0, count: floats.count)
          return body(GGMLScratch(L: b, signedL: s, Laux: b + 256, Ls: b + 288, Lm: b + 304, signedLs: s + 256,
                                  weights: f, scales: f + 32, mins: f + 48, sw: f + 64))
        }
      }
    }
  }
}
