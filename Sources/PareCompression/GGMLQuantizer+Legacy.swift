/// ggml's 32-element types: q8_0, q4_0, q4_1, q5_0, q5_1 (block layouts of ggml-common.h).
///
/// Without importance these are `quantize_row_*_ref`; with it, `quantize_row_*_impl`, whose
/// weights qw·√(σ² + x²) use σ² = the mean square of the whole row.
extension GGMLQuantizer {
  /// d (f16), qs[32] (int8): round(x / d) with d = max|x| / 127 (roundf: ties away from zero).
  static func q8_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int) {
    for block in 0..<n / 32 {
      let xb = x + 32 * block, yb = y + 34 * block
      var amax: Float = 0
      for j in 0..<32 {
        let v = xb[j].magnitude
        amax = amax > v ? amax : v
      }
      let d = amax / 127
      let id = d != 0 ? 1 / d : 0
      GGMLScalars.storeHalf(d, yb, 0)
      for j in 0..<32 {
        yb[2 + j] = GGMLScalars.byte(GGMLScalars.truncated((xb[j] * id).rounded()))
      }
    }
  }

  /// The element of largest magnitude (the first of equals), as ggml's legacy ref quantizers find it.
  @inline(__always) private static func signedMax(_ xb: UnsafePointer<Float>) -> Float {
    var amax: Float = 0, max: Float = 0
    for j in 0..<32 where amax < xb[j].magnitude {
      amax = xb[j].magnitude
      max = xb[j]
    }
    return max
  }

  /// The smallest and largest element of a block.
  @inline(__always) private static func range(_ xb: UnsafePointer<Float>) -> (min: Float, max: Float) {
    var min = Float.greatestFiniteMagnitude, max = -Float.greatestFiniteMagnitude
    for j in 0..<32 {
      if xb[j] < min { min = xb[j] }
      if xb[j] > max { max = xb[j] }
    }
    return (min, max)
  }

  /// σ² of an importance-weighted legacy row: the mean square of all its `n` values.
  @inline(__always) private static func rowSigma2(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var sum: Float = 0
    for j in 0..<n { sum += x[j] * x[j] }
    return sum / Float(n)
  }

  /// The importance weights of one block: qw·√(σ² + x²).
  @inline(__always) private static func blockWeights(_ xb: UnsafePointer<Float>, _ qw: UnsafePointer<Float>,
                                                     _ sigma2: Float, _ out: UnsafeMutablePointer<Float>) {
    for j in 0..<32 { out[j] = qw[j] * (sigma2 + xb[j] * xb[j]).squareRoot() }
  }

  /// Packs 32 codes 0...31 as q5's nibbles (qs at `qs`) and fifth bits (qh, 4 bytes at `qh`).
  @inline(__always) private static func packQ5<Code: FixedWidthInteger>(
    _ L: UnsafePointer<Code>, _ qs: UnsafeMutablePointer<UInt8>, _ qh: UnsafeMutablePointer<UInt8>
  ) {
    var bits: UInt32 = 0
    for j in 0..<16 {
      let a = UInt8(truncatingIfNeeded: L[j]), b = UInt8(truncatingIfNeeded: L[j + 16])
      qs[j] = (a & 0x0F) | ((b & 0x0F) << 4)
      bits |= UInt32((a & 0x10) >> 4) << UInt32(j)
      bits |= UInt32((b & 0x10) >> 4) << UInt32(j + 16)
    }
    for k in 0..<4 { qh[k] = UInt8(truncatingIfNeeded: bits >> UInt32(8 * k)) }
  }

  // MARK: - q4_0: d (f16), qs[16]; value (q - 8)·d

  static func q4_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int) {
    for block in 0..<n / 32 {
      let xb = x + 32 * block, yb = y + 18 * block
      let d = signedMax(xb) / -8
      let id = d != 0 ? 1 / d : 0
      GGMLScalars.storeHalf(d, yb, 0)
      for j in 0..<16 {
        let a = Swift.min(15, Int8(truncatingIfNeeded: GGMLScalars.truncated(xb[j] * id + 8.5)))
        let b = Swift.min(15, Int8(truncatingIfNeeded: GGMLScalars.truncated(xb[j + 16] * id + 8.5)))
        yb[2 + j] = UInt8(bitPattern: a) | (UInt8(bitPattern: b) << 4)
      }
    }
  }

  static func q4_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>, _ s: GGMLScratch) {
    let sigma2 = rowSigma2(x, n)
    for block in 0..<n / 32 {
      let xb = x + 32 * block, yb = y + 18 * block
      blockWeights(xb, qw + 32 * block, sigma2, s.weights)
      let d = makeQX(32, 8, xb, s.signedL, s.weights)
      GGMLScalars.storeHalf(d, yb, 0)
      for j in 0..<16 {
        yb[2 + j] = UInt8(bitPattern: s.signedL[j]) | (UInt8(bitPattern: s.signedL[j + 16]) << 4)
      }
    }
  }

  // MARK: - q4_1: d, m (f16), qs[16]; value q·d + m

  static func q4_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int) {
    for block in 0..<n / 32 {
      let xb = x + 32 * block, yb = y + 20 * block
      let (min, max) = range(xb)
      let d = (max - min) / 15
      let id = d != 0 ? 1 / d : 0
      GGMLScalars.storeHalf(d, yb, 0)
      GGMLScalars.storeHalf(min, yb, 2)
      for j in 0..<16 {
        let a = Swift.min(15, Int8(truncatingIfNeeded: GGMLScalars.truncated((xb[j] - min) * id + 0.5)))
        let b = Swift.min(15, Int8(truncatingIfNeeded: GGMLScalars.truncated((xb[j + 16] - min) * id + 0.5)))
        yb[4 + j] = UInt8(bitPattern: a) | (UInt8(bitPattern: b) << 4)
      }
    }
  }

  static func q4_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>, _ s: GGMLScratch) {
    let sigma2 = rowSigma2(x, n)
    for block in 0..<n / 32 {
      let xb = x + 32 * block, yb = y + 20 * block
      blockWeights(xb, qw + 32 * block, sigma2, s.weights)
      var min: Float = 0
      let d = makeQKX(32, 15, xb, s.weights, s.L, &min, s.Laux, rmin: -0.9, rdelta: 0.05, nstep: 36, useMAD: false,
                      qkx3: true)
      GGMLScalars.storeHalf(d, yb, 0)
      GGMLScalars.storeHalf(-min, yb, 2)
      for j in 0..<16 { yb[4 + j] = s.L[j] | (s.L[j + 16] << 4) }
    }
  }

  // MARK: - q5_0: d (f16), qh[4], qs[16]; value (q - 16)·d

  static func q5_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { codes in
      guard let L = codes.baseAddress else { return }
      for block in 0..<n / 32 {
        let xb = x + 32 * block, yb = y + 22 * block
        let d = signedMax(xb) / -16
        let id = d != 0 ? 1 / d : 0
        GGMLScalars.storeHalf(d, yb, 0)
        for j in 0..<32 {
          L[j] = UInt8(bitPattern: Swift.min(31, Int8(truncatingIfNeeded: GGMLScalars.truncated(xb[j] * id + 16.5))))
        }
        packQ5(L, yb + 6, yb + 2)
      }
    }
  }

  static func q5_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>, _ s: GGMLScratch) {
    let sigma2 = rowSigma2(x, n)
    for block in 0..<n / 32 {
      let xb = x + 32 * block, yb = y + 22 * block
      blockWeights(xb, qw + 32 * block, sigma2, s.weights)
      let d = makeQX(32, 16, xb, s.signedL, s.weights)
      GGMLScalars.storeHalf(d, yb, 0)
      packQ5(s.signedL, yb + 6, yb + 2)
    }
  }

  // MARK: - q5_1: d, m (f16), qh[4], qs[16]; value q·d + m

  static func q5_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { codes in
      guard let L = codes.baseAddress else { return }
      for block in 0..<n / 32 {
        let xb = x + 32 * block, yb = y + 24 * block
        let (min, max) = range(xb)
        let d = (max - min) / 31
        let id = d != 0 ? 1 / d : 0
        GGMLScalars.storeHalf(d, yb, 0)
        GGMLScalars.storeHalf(min, yb, 2)
        for j in 0..<32 { L[j] = GGMLScalars.byte(GGMLScalars.truncated((xb[j] - min) * id + 0.5)) }
        packQ5(L, yb + 8, yb + 4)
      }
    }
  }

  static func q5_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>, _ s: GGMLScratch) {
    let sigma2 = rowSigma2(x, n)
    for block in 0..<n / 32 {
      let xb = x + 32 * block, yb = y + 24 * block
      blockWeights(xb, qw + 32 * block, sigma2, s.weights)
      var min: Float = 0
      let d = makeQKX(32, 31, xb, s.weights, s.L, &min, s.Laux, rmin: -0.9, rdelta: 0.05, nstep: 36, useMAD: false,
                      qkx3: true)
      GGMLScalars.storeHalf(d, yb, 0)
      GGMLScalars.storeHalf(-min, yb, 2)
      packQ5(s.L, yb + 8, yb + 4)
    }
  }
}
