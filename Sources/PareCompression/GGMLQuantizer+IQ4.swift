/// ggml's non-linear 4-bit types: iq4_nl (blocks of 32: d, qs[16]) and iq4_xs (super-blocks of
/// 256: d, scales_h, scales_l[4], qs[128]), both quantize_row_iq4_nl_impl with ntry 7, which is
/// what ggml_quantize_chunk runs with or without an imatrix (weights x² without one).
extension GGMLQuantizer {
  /// kvalues_iq4nl, as Float32 (C compares and multiplies them as floats).
  private static let iq4Values: SIMD16<Float> = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

  /// best_index_int8 over kvalues_iq4nl: the nearest level (the lower of a tie), by binary search.
  @inline(__always) private static func bestIndex(_ x: Float) -> Int {
    let values = iq4Values
    if x <= values[0] { return 0 }
    if x >= values[15] { return 15 }
    var ml = 0, mu = 15
    while mu - ml > 1 {
      let mav = (ml + mu) / 2
      if x < values[mav] { mu = mav } else { ml = mav }
    }
    return x - values[mu - 1] < values[mu] - x ? mu - 1 : mu
  }

  static func iq4_nl(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                     _ qw: UnsafePointer<Float>?, _ s: GGMLScratch) {
    for block in 0..<n / 32 {
      iq4(32, x + 32 * block, y + 18 * block, qw.map { $0 + 32 * block }, s)
    }
  }

  static func iq4_xs(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>, _ n: Int,
                     _ qw: UnsafePointer<Float>?, _ s: GGMLScratch) {
    for block in 0..<n / 256 {
      iq4(256, x + 256 * block, y + 136 * block, qw.map { $0 + 256 * block }, s)
    }
  }

  /// quantize_row_iq4_nl_impl(superBlock, 32, ..., ntry: 7) for one block of `superBlock` (32 or 256) values.
  @inline(__always)
  private static func iq4(_ superBlock: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<UInt8>,
                          _ qw: UnsafePointer<Float>?, _ s: GGMLScratch) {
    let ntry: Int32 = 7
    let L = s.L, weight = s.weights, scales = s.scales
    let v0 = iq4Values[0]
    var sigma2: Float = 0
    for j in 0..<superBlock { sigma2 += x[j] * x[j] }
    sigma2 *= 2 / Float(superBlock)
    let q4 = y + (superBlock == 32 ? 2 : 8)
    for j in 0..<superBlock / 2 { q4[j] = 0 }
    var maxScale: Float = 0, amaxScale: Float = 0
    let subBlocks = superBlock / 32
    for ib in 0..<subBlocks {
      let xb = x + 32 * ib, Lb = L + 32 * ib
      if let qw {
        for j in 0..<32 { weight[j] = qw[32 * ib + j] * (sigma2 + xb[j] * xb[j]).squareRoot() }
      } else {
        for j in 0..<32 { weight[j] = xb[j] * xb[j] }
      }
      var amax: Float = 0, max: Float = 0
      for j in 0..<32 where xb[j].magnitude > amax {
        amax = xb[j].magnitude
        max = xb[j]
      }
      if amax < groupMaxEps {
        scales[ib] = 0
        continue
      }
      var d = -max / v0
      var id = 1 / d
      var sumqx: Float = 0, sumq2: Float = 0
      for j in 0..<32 {
        let l = bestIndex(id * xb[j])
        Lb[j] = UInt8(truncatingIfNeeded: l)
        let q = iq4Values[l], w = weight[j]
        sumqx += w * q * xb[j]
        sumq2 += w * q * q
      }
      d = sumq2 > 0 ? sumqx / sumq2 : 0
      var best = d * sumqx
      for itry in -ntry...ntry {
        id = Float(itry - 127) / max
        sumqx = 0
        sumq2 = 0
        for j in 0..<32 {
          let q = iq4Values[bestIndex(id * xb[j])], w = weight[j]
          sumqx += w * q * xb[j]
          sumq2 += w * q * q
        }
        if sumq2 > 0 && sumqx * sumqx > best * sumq2 {
          d = sumqx / sumq2
          best = d * sumqx
        }
      }
      scales[ib] = d
      if d.magnitude > amaxScale {
        amaxScale = d.magnitude
        maxScale = d
      }
    }
    if subBlocks > 1 {
      y[2] = 0
      y[3] = 0
      let d = -maxScale / 32
      GGMLScalars.storeHalf(d, y, 0)
      let id = d != 0 ? 1 / d : 0
      for ib in 0..<subBlocks {
        var l = Swift.max(-32, Swift.min(31, GGMLScalars.nearestInt(id * scales[ib])))
        let dl = d * Float(l)
        let idl = dl != 0 ? 1 / dl : 0
        let xb = x + 32 * ib, Lb = L + 32 * ib
        for j in 0..<32 { Lb[j] = UInt8(truncatingIfNeeded: bestIndex(idl * xb[j])) }
        l += 32
        let low = GGMLScalars.byte(l & 0xF), high = UInt16(truncatingIfNeeded: l >> 4)
        if ib % 2 == 0 { y[4 + ib / 2] = low } else { y[4 + ib / 2] |= low << 4 }
        let bits = (UInt16(y[2]) | UInt16(y[3]) << 8) | high << UInt16(2 * (ib % 8))
        y[2] = UInt8(truncatingIfNeeded: bits)
        y[3] = UInt8(truncatingIfNeeded: bits >> 8)
      }
    } else {
      GGMLScalars.storeHalf(scales[0], y, 0)
      let id = scales[0] != 0 ? 1 / scales[0] : 0
      for j in 0..<superBlock { L[j] = UInt8(truncatingIfNeeded: bestIndex(id * x[j])) }
    }
    for i in 0..<superBlock / 32 {
      for j in 0..<16 { q4[16 * i + j] = L[32 * i + j] | (L[32 * i + 16 + j] << 4) }
    }
  }
}
