/// ggml's 256-element super-block types: q2_k, q3_k, q4_k, q5_k, q6_k (ggml-common.h layouts).
///
/// Without importance these are `quantize_row_*_ref`; with it, `quantize_row_*_impl`, whose
/// weights qw·√(σ² + x²) use σ² from the super-block itself (q2_k: its mean square; q3_k, q4_k,
/// q5_k: twice it) and whose sub-block scales are coded by `makeQP` / `makeQX`. q6_k's impl
/// weights its sub-blocks by the importance alone.
extension GGMLQuantizer {
  /// Sum of squares of a super-block, in order.
  @inline(__always) private static func sumOfSquares(_ x: UnsafePointer<Float>) -> Float {
    var sum: Float = 0
    for j in 0..<256 { sum += x[j] * x[j] }
    return sum
  }

  /// qs of q2_k and q3_k: four 2-bit codes per byte, from elements l, l+32, l+64, l+96 of each 128.
  @inline(__always) private static func pack2Bits<Code: FixedWidthInteger>(_ L: UnsafePointer<Code>,
                                                                          _ qs: UnsafeMutablePointer<UInt8>) {
    for j in stride(from: 0, to: 256, by: 128) {
      for l in 0..<32 {
        let a = UInt8(truncatingIfNeeded: L[j + l]), b = UInt8(truncatingIfNeeded: L[j + l + 32])
        let c = UInt8(truncatingIfNeeded: L[j + l + 64]), d = UInt8(truncatingIfNeeded: L[j + l + 96])
        qs[j / 4 + l] = a | (b << 2) | (c << 4) | (d << 6)
      }
    }
  }

  // MARK: - q2_k: scales[16] (4-bit scale | 4-bit min << 4), qs[64], d, dmin (f16)

  static func q2_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int, _ s: GGMLScratch) {
    let L = s.L, weights = s.weights, scales = s.scales, mins = s.mins
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 84 * block
      let ys = yb, qs = yb + 16
      var maxScale: Float = 0, maxMin: Float = 0
      for j in 0..<16 {
        for l in 0..<16 { weights[l] = xb[16 * j + l].magnitude }
        scales[j] = makeQKX(16, 3, xb + 16 * j, weights, L + 16 * j, &mins[j], s.Laux, rmin: -0.5, rdelta: 0.1,
                            nstep: 15, useMAD: true, qkx3: false)
        if scales[j] > maxScale { maxScale = scales[j] }
        if mins[j] > maxMin { maxMin = mins[j] }
      }
      if maxScale > 0 {
        let iscale = 15 / maxScale
        for j in 0..<16 { ys[j] = GGMLScalars.byte(GGMLScalars.nearestInt(iscale * scales[j])) }
        GGMLScalars.storeHalf(maxScale / 15, yb, 80)
      } else {
        for j in 0..<16 { ys[j] = 0 }
        GGMLScalars.storeHalf(0, yb, 80)
      }
      if maxMin > 0 {
        let iscale = 15 / maxMin
        for j in 0..<16 { ys[j] |= GGMLScalars.byte(GGMLScalars.nearestInt(iscale * mins[j]) << 4) }
        GGMLScalars.storeHalf(maxMin / 15, yb, 82)
      } else {
        GGMLScalars.storeHalf(0, yb, 82)
      }
      requantize2(xb, yb, L)
      pack2Bits(L, qs)
    }
  }

  static func q2_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>, _ s: GGMLScratch) {
    let L = s.L, weights = s.weights, scales = s.scales, mins = s.mins, sw = s.sw
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 84 * block, qwb = qw + 256 * block
      let sigma2 = sumOfSquares(xb) / 256
      for j in 0..<16 {
        for l in 0..<16 { weights[l] = qwb[16 * j + l] * (sigma2 + xb[16 * j + l] * xb[16 * j + l]).squareRoot() }
        var sum: Float = 0
        for l in 0..<16 { sum += weights[l] }
        sw[j] = sum
        scales[j] = makeQKX(16, 3, xb + 16 * j, weights, L + 16 * j, &mins[j], s.Laux, rmin: -0.9, rdelta: 0.05,
                            nstep: 36, useMAD: false, qkx3: true)
      }
      let dm = makeQP(16, 15, scales, s.Ls, sw)
      let mm = makeQP(16, 15, mins, s.Lm, sw)
      GGMLScalars.storeHalf(dm, yb, 80)
      GGMLScalars.storeHalf(mm, yb, 82)
      for j in 0..<16 { yb[j] = s.Ls[j] | (s.Lm[j] << 4) }
      requantize2(xb, yb, L)
      pack2Bits(L, yb + 16)
    }
  }

  /// q2_k's final codes from the stored f16 d, dmin and 4-bit scales (sub-blocks whose scale is 0 keep theirs).
  @inline(__always) private static func requantize2(_ xb: UnsafePointer<Float>, _ yb: UnsafeMutablePointer<UInt8>,
                                                    _ L: UnsafeMutablePointer<UInt8>) {
    let dAll = GGMLScalars.float(UInt16(yb[80]) | UInt16(yb[81]) << 8)
    let mAll = GGMLScalars.float(UInt16(yb[82]) | UInt16(yb[83]) << 8)
    for j in 0..<16 {
      let d = dAll * Float(yb[j] & 0xF)
      if d == 0 { continue }
      let dm = mAll * Float(yb[j] >> 4)
      for i in 0..<16 {
        let l = GGMLScalars.nearestInt((xb[16 * j + i] + dm) / d)
        L[16 * j + i] = UInt8(truncatingIfNeeded: Swift.max(0, Swift.min(3, l)))
      }
    }
  }

  // MARK: - q3_k: hmask[32], qs[64], scales[12] (6-bit, packed), d (f16)

  static func q3_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int, _ s: GGMLScratch) {
    let L = s.signedL, scales = s.scales
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 110 * block
      var maxScale: Float = 0, amax: Float = 0
      for j in 0..<16 {
        scales[j] = makeQ3(16, 4, xb + 16 * j, L + 16 * j)
        let scale = scales[j].magnitude
        if scale > amax { amax = scale; maxScale = scales[j] }
      }
      let ys = yb + 96
      for j in 0..<12 { ys[j] = 0 }
      if maxScale != 0 {
        let iscale = -32 / maxScale
        for j in 0..<16 {
          let l = Int8(truncatingIfNeeded: GGMLScalars.nearestInt(iscale * scales[j]))
          packScale3(Int32(Swift.max(-32, Swift.min(31, l))) + 32, j, ys)
        }
        GGMLScalars.storeHalf(1 / iscale, yb, 108)
      } else {
        GGMLScalars.storeHalf(0, yb, 108)
      }
      finish3(xb, yb, L)
    }
  }

  static func q3_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>, _ s: GGMLScratch) {
    let L = s.signedL, weights = s.weights, scales = s.scales, sw = s.sw
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 110 * block, qwb = qw + 256 * block
      let sigma2 = 2 * sumOfSquares(xb) / 256
      for j in 0..<16 {
        for l in 0..<16 { weights[l] = qwb[16 * j + l] * (sigma2 + xb[16 * j + l] * xb[16 * j + l]).squareRoot() }
        var sum: Float = 0
        for l in 0..<16 { sum += weights[l] }
        sw[j] = sum
        scales[j] = makeQX(16, 4, xb + 16 * j, L + 16 * j, weights)
      }
      let ys = yb + 96
      for j in 0..<12 { ys[j] = 0 }
      let dBlock = makeQX(16, 32, scales, s.signedLs, sw)
      for j in 0..<16 { packScale3(Int32(s.signedLs[j]), j, ys) }
      GGMLScalars.storeHalf(dBlock, yb, 108)
      finish3(xb, yb, L)
    }
  }

  /// Stores q3_k's 6-bit scale `l` (0...63) of sub-block `j` into the 12 scale bytes.
  @inline(__always) private static func packScale3(_ l: Int32, _ j: Int, _ ys: UnsafeMutablePointer<UInt8>) {
    if j < 8 {
      ys[j] = GGMLScalars.byte(l & 0xF)
    } else {
      ys[j - 8] |= GGMLScalars.byte((l & 0xF) << 4)
    }
    ys[j % 4 + 8] |= GGMLScalars.byte((l >> 4) << Int32(2 * (j / 4)))
  }

  /// q3_k's final codes from the stored scales, then the high-bit mask and the 2-bit codes.
  @inline(__always) private static func finish3(_ xb: UnsafePointer<Float>, _ yb: UnsafeMutablePointer<UInt8>,
                                                _ L: UnsafeMutablePointer<Int8>) {
    let ys = yb + 96
    let dAll = GGMLScalars.float(UInt16(yb[108]) | UInt16(yb[109]) << 8)
    for j in 0..<16 {
      let low = j < 8 ? ys[j] & 0xF : ys[j - 8] >> 4
      let sc = Int32(low | (((ys[8 + j % 4] >> UInt8(2 * (j / 4))) & 3) << 4)) - 32
      let d = dAll * Float(sc)
      if d == 0 { continue }
      for i in 0..<16 {
        let l = Swift.max(-4, Swift.min(3, GGMLScalars.nearestInt(xb[16 * j + i] / d)))
        L[16 * j + i] = Int8(truncatingIfNeeded: l + 4)
      }
    }
    let hmask = yb
    for j in 0..<32 { hmask[j] = 0 }
    for j in 0..<256 where L[j] > 3 {
      hmask[j % 32] |= UInt8(1) << UInt8(j / 32)
      L[j] -= 4
    }
    pack2Bits(L, yb + 32)
  }

  // MARK: - q4_k and q5_k: d, dmin (f16), scales[12] (6-bit scales and mins), [q5: qh[32]], qs[128]

  /// Stores 6-bit scale `ls` and min `lm` of sub-block `j` (0..<8) into the 12 scale bytes, in order of j.
  @inline(__always) private static func packScaleMin(_ ls: UInt8, _ lm: UInt8, _ j: Int,
                                                     _ q: UnsafeMutablePointer<UInt8>) {
    if j < 4 {
      q[j] = ls
      q[j + 4] = lm
    } else {
      q[j + 4] = (ls & 0xF) | ((lm & 0xF) << 4)
      q[j - 4] |= (ls >> 4) << 6
      q[j] |= (lm >> 4) << 6
    }
  }

  /// ggml's get_scale_min_k4.
  @inline(__always) private static func scaleMin(_ j: Int, _ q: UnsafePointer<UInt8>) -> (UInt8, UInt8) {
    if j < 4 { return (q[j] & 63, q[j + 4] & 63) }
    return ((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
  }

  /// The reference search of q4_k (nmax 15) and q5_k (31): per sub-block of 32, weights
  /// rms + |x| and make_qkx2_quants; then the scales and mins coded against their maxima.
  @inline(__always) private static func scalesK(_ xb: UnsafePointer<Float>, _ yb: UnsafeMutablePointer<UInt8>,
                                                _ nmax: Int32, rmin: Float, nstep: Int32, _ s: GGMLScratch) {
    let weights = s.weights, scales = s.scales, mins = s.mins
    var maxScale: Float = 0, maxMin: Float = 0
    for j in 0..<8 {
      let xs = xb + 32 * j
      var sumX2: Float = 0
      for l in 0..<32 { sumX2 += xs[l] * xs[l] }
      let avX = (sumX2 / 32).squareRoot()
      for l in 0..<32 { weights[l] = avX + xs[l].magnitude }
      scales[j] = makeQKX(32, nmax, xs, weights, s.L + 32 * j, &mins[j], s.Laux, rmin: rmin, rdelta: 0.1,
                          nstep: nstep, useMAD: false, qkx3: false)
      if scales[j] > maxScale { maxScale = scales[j] }
      if mins[j] > maxMin { maxMin = mins[j] }
    }
    let invScale: Float = maxScale > 0 ? 63 / maxScale : 0
    let invMin: Float = maxMin > 0 ? 63 / maxMin : 0
    for j in 0..<8 {
      let ls = Swift.min(63, GGMLScalars.byte(GGMLScalars.nearestInt(invScale * scales[j])))
      let lm = Swift.min(63, GGMLScalars.byte(GGMLScalars.nearestInt(invMin * mins[j])))
      packScaleMin(ls, lm, j, yb + 4)
    }
    GGMLScalars.storeHalf(maxScale / 63, yb, 0)
    GGMLScalars.storeHalf(maxMin / 63, yb, 2)
  }

  /// The importance search of q4_k and q5_k: weights qw·√(σ² + x²), make_qkx3_quants per
  /// sub-block, make_qp_quants for the scales and the mins.
  @inline(__always) private static func scalesK(_ xb: UnsafePointer<Float>, _ yb: UnsafeMutablePointer<UInt8>,
                                                _ nmax: Int32, _ qwb: UnsafePointer<Float>, _ s: GGMLScratch) {
    let weights = s.weights, scales = s.scales, mins = s.mins, sw = s.sw
    let sigma2 = 2 * sumOfSquares(xb) / 256
    for j in 0..<8 {
      let xs = xb + 32 * j, qs = qwb + 32 * j
      for l in 0..<32 { weights[l] = qs[l] * (sigma2 + xs[l] * xs[l]).squareRoot() }
      var sum: Float = 0
      for l in 0..<32 { sum += weights[l] }
      sw[j] = sum
      scales[j] = makeQKX(32, nmax, xs, weights, s.L + 32 * j, &mins[j], s.Laux, rmin: -0.9, rdelta: 0.05,
                          nstep: 36, useMAD: false, qkx3: true)
    }
    let dBlock = makeQP(8, 63, scales, s.Ls, sw)
    let mBlock = makeQP(8, 63, mins, s.Lm, sw)
    for j in 0..<8 { packScaleMin(Swift.min(63, s.Ls[j]), Swift.min(63, s.Lm[j]), j, yb + 4) }
    GGMLScalars.storeHalf(dBlock, yb, 0)
    GGMLScalars.storeHalf(mBlock, yb, 2)
  }

  /// The final codes 0...nmax of q4_k / q5_k from the stored f16 d, dmin and 6-bit scales.
  @inline(__always) private static func requantizeK(_ xb: UnsafePointer<Float>, _ yb: UnsafePointer<UInt8>,
                                                    _ nmax: Int32, _ L: UnsafeMutablePointer<UInt8>) {
    let dAll = GGMLScalars.float(UInt16(yb[0]) | UInt16(yb[1]) << 8)
    let mAll = GGMLScalars.float(UInt16(yb[2]) | UInt16(yb[3]) << 8)
    for j in 0..<8 {
      let (sc, m) = scaleMin(j, yb + 4)
      let d = dAll * Float(sc)
      if d == 0 { continue }
      let dm = mAll * Float(m)
      for i in 0..<32 {
        let l = GGMLScalars.nearestInt((xb[32 * j + i] + dm) / d)
        L[32 * j + i] = UInt8(truncatingIfNeeded: Swift.max(0, Swift.min(nmax, l)))
      }
    }
  }

  /// q4_k's 4-bit codes: byte l of each 32 holds element l (low) and l + 32 (high) of each 64.
  @inline(__always) private static func pack4(_ L: UnsafePointer<UInt8>, _ q: UnsafeMutablePointer<UInt8>) {
    for j in stride(from: 0, to: 256, by: 64) {
      for l in 0..<32 { q[j / 2 + l] = L[j + l] | (L[j + l + 32] << 4) }
    }
  }

  /// q5_k's codes: the low nibbles as q4_k's, the fifth bits in qh (two bits of each byte per 64).
  @inline(__always) private static func pack5(_ L: UnsafePointer<UInt8>, _ qh: UnsafeMutablePointer<UInt8>,
                                              _ ql: UnsafeMutablePointer<UInt8>) {
    for j in 0..<32 { qh[j] = 0 }
    var m1: UInt8 = 1, m2: UInt8 = 2
    for n in stride(from: 0, to: 256, by: 64) {
      for j in 0..<32 {
        var l1 = L[n + j], l2 = L[n + j + 32]
        if l1 > 15 { l1 -= 16; qh[j] |= m1 }
        if l2 > 15 { l2 -= 16; qh[j] |= m2 }
        ql[n / 2 + j] = l1 | (l2 << 4)
      }
      m1 <<= 2
      m2 <<= 2
    }
  }

  static func q4_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int, _ s: GGMLScratch) {
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 144 * block
      scalesK(xb, yb, 15, rmin: -1, nstep: 20, s)
      requantizeK(xb, yb, 15, s.L)
      pack4(s.L, yb + 16)
    }
  }

  static func q4_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>, _ s: GGMLScratch) {
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 144 * block
      scalesK(xb, yb, 15, qw + 256 * block, s)
      requantizeK(xb, yb, 15, s.L)
      pack4(s.L, yb + 16)
    }
  }

  static func q5_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int, _ s: GGMLScratch) {
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 176 * block
      scalesK(xb, yb, 31, rmin: -0.5, nstep: 15, s)
      requantizeK(xb, yb, 31, s.L)
      pack5(s.L, yb + 16, yb + 48)
    }
  }

  static func q5_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>, _ s: GGMLScratch) {
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 176 * block
      scalesK(xb, yb, 31, qw + 256 * block, s)
      requantizeK(xb, yb, 31, s.L)
      pack5(s.L, yb + 16, yb + 48)
    }
  }

  // MARK: - q6_k: ql[128], qh[64], scales[16] (int8), d (f16)

  /// Reference (`qw` nil: make_qx_quants weighted by x²) and importance (weighted by qw alone).
  static func q6_k(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                   _ qw: UnsafePointer<Float>?, _ s: GGMLScratch) {
    let L = s.signedL, scales = s.scales
    for block in 0..<n / 256 {
      let xb = x + 256 * block, yb = y + 210 * block
      var maxScale: Float = 0, maxAbsScale: Float = 0
      for ib in 0..<16 {
        let scale = makeQX(16, 32, xb + 16 * ib, L + 16 * ib, qw.map { $0 + 256 * block + 16 * ib })
        scales[ib] = scale
        if scale.magnitude > maxAbsScale {
          maxAbsScale = scale.magnitude
          maxScale = scale
        }
      }
      if maxAbsScale < groupMaxEps {
        for j in 0..<210 { yb[j] = 0 }
        continue
      }
      let iscale = -128 / maxScale
      let dAll = GGMLScalars.storeHalf(1 / iscale, yb, 208)
      let ys = yb + 192
      for ib in 0..<16 { ys[ib] = GGMLScalars.byte(Swift.min(127, GGMLScalars.nearestInt(iscale * scales[ib]))) }
      for j in 0..<16 {
        let d = dAll * Float(Int8(bitPattern: ys[j]))
        if d == 0 { continue }
        for i in 0..<16 {
          let l = Swift.max(-32, Swift.min(31, GGMLScalars.nearestInt(xb[16 * j + i] / d)))
          L[16 * j + i] = Int8(truncatingIfNeeded: l + 32)
        }
      }
      let ql = yb, qh = yb + 128
      for j in stride(from: 0, to: 256, by: 128) {
        for l in 0..<32 {
          let c0 = UInt8(bitPattern: L[j + l]), c1 = UInt8(bitPattern: L[j + l + 32])
          let c2 = UInt8(bitPattern: L[j + l + 64]), c3 = UInt8(bitPattern: L[j + l + 96])
          ql[j / 2 + l] = (c0 & 0xF) | ((c2 & 0xF) << 4)
          ql[j / 2 + l + 32] = (c1 & 0xF) | ((c3 & 0xF) << 4)
          qh[j / 4 + l] = (c0 >> 4) | ((c1 >> 4) << 2) | ((c2 >> 4) << 4) | ((c3 >> 4) << 6)
        }
      }
    }
  }
}
