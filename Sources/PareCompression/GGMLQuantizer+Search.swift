/// ggml-quants.c's scale searches (make_qx_quants, make_q3_quants, make_qkx2_quants,
/// make_qkx3_quants, make_qp_quants), operation for operation: C's `w*x[i]*l` is
/// `(w * x[i]) * Float(l)`, and every sum runs in index order from 0.
extension GGMLQuantizer {
  /// Largest magnitude below which a group counts as all zero (GROUP_MAX_EPS).
  static let groupMaxEps: Float = 1e-15

  /// make_qx_quants with rmse_type 1: symmetric codes L in 0..<2·nmax and the weighted
  /// least-squares scale, searched over 19 trial scales; weights `qw`, or x² when nil.
  @inline(__always)
  static func makeQX(_ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ L: UnsafeMutablePointer<Int8>,
                     _ qw: UnsafePointer<Float>?) -> Float {
    var max: Float = 0, amax: Float = 0
    for i in 0..<n {
      let ax = x[i].magnitude
      if ax > amax { amax = ax; max = x[i] }
    }
    if amax < groupMaxEps {
      for i in 0..<n { L[i] = 0 }
      return 0
    }
    let fmax = Float(nmax)
    var iscale = Float(-nmax) / max
    var sumlx: Float = 0, suml2: Float = 0
    for i in 0..<n {
      let l = Swift.max(-nmax, Swift.min(nmax - 1, GGMLScalars.nearestInt(iscale * x[i])))
      L[i] = Int8(truncatingIfNeeded: l + nmax)
      let w = qw?[i] ?? x[i] * x[i]
      let fl = Float(l)
      sumlx += w * x[i] * fl
      suml2 += w * fl * fl
    }
    var scale = suml2 != 0 ? sumlx / suml2 : 0
    var best = scale * sumlx
    for step in Int32(-9)...9 where step != 0 {
      iscale = -(fmax + 0.1 * Float(step)) / max
      sumlx = 0
      suml2 = 0
      for i in 0..<n {
        let l = Swift.max(-nmax, Swift.min(nmax - 1, GGMLScalars.nearestInt(iscale * x[i])))
        let w = qw?[i] ?? x[i] * x[i]
        let fl = Float(l)
        sumlx += w * x[i] * fl
        suml2 += w * fl * fl
      }
      if suml2 > 0 && sumlx * sumlx > best * suml2 {
        for i in 0..<n {
          let l = Swift.max(-nmax, Swift.min(nmax - 1, GGMLScalars.nearestInt(iscale * x[i])))
          L[i] = Int8(truncatingIfNeeded: l + nmax)
        }
        scale = sumlx / suml2
        best = scale * sumlx
      }
    }
    return scale
  }

  /// make_q3_quants with do_rmse: q3_k's reference sub-block search (codes in 0..<2·nmax,
  /// weights x², up to five passes moving one code at a time).
  @inline(__always)
  static func makeQ3(_ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ L: UnsafeMutablePointer<Int8>) -> Float {
    var max: Float = 0, amax: Float = 0
    for i in 0..<n {
      let ax = x[i].magnitude
      if ax > amax { amax = ax; max = x[i] }
    }
    if amax < groupMaxEps {
      for i in 0..<n { L[i] = 0 }
      return 0
    }
    let iscale = Float(-nmax) / max
    var sumlx: Float = 0, suml2: Float = 0
    for i in 0..<n {
      let l = Swift.max(-nmax, Swift.min(nmax - 1, GGMLScalars.nearestInt(iscale * x[i])))
      L[i] = Int8(truncatingIfNeeded: l)
      let w = x[i] * x[i]
      let fl = Float(l)
      sumlx += w * x[i] * fl
      suml2 += w * fl * fl
    }
    for _ in 0..<5 {
      var changed = 0
      for i in 0..<n {
        let w = x[i] * x[i]
        let li = Float(L[i])
        var slx = sumlx - w * x[i] * li
        if slx > 0 {
          var sl2 = suml2 - w * li * li
          let newL = Swift.max(-nmax, Swift.min(nmax - 1, GGMLScalars.nearestInt(x[i] * sl2 / slx)))
          if newL != Int32(L[i]) {
            let fl = Float(newL)
            slx += w * x[i] * fl
            sl2 += w * fl * fl
            if sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2 {
              L[i] = Int8(truncatingIfNeeded: newL)
              sumlx = slx
              suml2 = sl2
              changed += 1
            }
          }
        }
      }
      if changed == 0 { break }
    }
    for i in 0..<n { L[i] = Int8(truncatingIfNeeded: Int32(L[i]) + nmax) }
    return suml2 > 0 ? sumlx / suml2 : 0
  }

  /// make_qkx2_quants (`weighted`: false) and make_qkx3_quants (true, `max <= min` as its empty
  /// test): asymmetric codes 0...nmax with a scale and a min (returned negated in `theMin`),
  /// searched over nstep + 1 trial scales by weighted squared (or absolute) error.
  @inline(__always)
  static func makeQKX(_ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                      _ L: UnsafeMutablePointer<UInt8>, _ theMin: inout Float, _ Laux: UnsafeMutablePointer<UInt8>,
                      rmin: Float, rdelta: Float, nstep: Int32, useMAD: Bool, qkx3: Bool) -> Float {
    var min = x[0], max = x[0]
    var sumW = weights[0]
    var sumX = sumW * x[0]
    for i in 1..<n {
      if x[i] < min { min = x[i] }
      if x[i] > max { max = x[i] }
      let w = weights[i]
      sumW += w
      sumX += w * x[i]
    }
    if min > 0 { min = 0 }
    if qkx3 ? max <= min : max == min {
      for i in 0..<n { L[i] = 0 }
      theMin = -min
      return 0
    }
    let fmax = Float(nmax)
    var iscale = fmax / (max - min)
    var scale = 1 / iscale
    var bestError: Float = 0
    for i in 0..<n {
      let l = Swift.max(0, Swift.min(nmax, GGMLScalars.nearestInt(iscale * (x[i] - min))))
      L[i] = UInt8(truncatingIfNeeded: l)
      var diff = scale * Float(l) + min - x[i]
      diff = useMAD ? diff.magnitude : diff * diff
      bestError += weights[i] * diff
    }
    if nstep < 1 {
      theMin = -min
      return scale
    }
    for step in 0...nstep {
      iscale = (rmin + rdelta * Float(step) + fmax) / (max - min)
      var sumL: Float = 0, sumL2: Float = 0, sumXL: Float = 0
      for i in 0..<n {
        let l = Swift.max(0, Swift.min(nmax, GGMLScalars.nearestInt(iscale * (x[i] - min))))
        Laux[i] = UInt8(truncatingIfNeeded: l)
        let w = weights[i], fl = Float(l)
        sumL += w * fl
        sumL2 += w * fl * fl
        sumXL += w * fl * x[i]
      }
      let D = sumW * sumL2 - sumL * sumL
      if D > 0 {
        var thisScale = (sumW * sumXL - sumX * sumL) / D
        var thisMin = (sumL2 * sumX - sumL * sumXL) / D
        if thisMin > 0 {
          thisMin = 0
          thisScale = sumXL / sumL2
        }
        var error: Float = 0
        for i in 0..<n {
          var diff = thisScale * Float(Laux[i]) + thisMin - x[i]
          diff = useMAD ? diff.magnitude : diff * diff
          error += weights[i] * diff
        }
        if error < bestError {
          for i in 0..<n { L[i] = Laux[i] }
          bestError = error
          scale = thisScale
          min = thisMin
        }
      }
    }
    theMin = -min
    return scale
  }

  /// make_qp_quants: codes 0...nmax of non-negative values (a super-block's sub-block scales or
  /// mins) under weights `qw`, nine trial scales then up to five passes moving one code at a time.
  @inline(__always)
  static func makeQP(_ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ L: UnsafeMutablePointer<UInt8>,
                     _ qw: UnsafePointer<Float>) -> Float {
    var max: Float = 0
    for i in 0..<n { max = max > x[i] ? max : x[i] }
    if max < groupMaxEps {
      for i in 0..<n { L[i] = 0 }
      return 0
    }
    let fmax = Float(nmax)
    var iscale = fmax / max
    for i in 0..<n { L[i] = UInt8(truncatingIfNeeded: GGMLScalars.nearestInt(iscale * x[i])) }
    let scale = 1 / iscale
    var bestMSE: Float = 0
    for i in 0..<n {
      let diff = x[i] - scale * Float(L[i])
      bestMSE += qw[i] * diff * diff
    }
    for step in Int32(-4)...4 where step != 0 {
      let iscaleStep = (0.1 * Float(step) + fmax) / max
      let scaleStep = 1 / iscaleStep
      var mse: Float = 0
      for i in 0..<n {
        let l = Swift.min(nmax, GGMLScalars.nearestInt(iscaleStep * x[i]))
        let diff = x[i] - scaleStep * Float(l)
        mse += qw[i] * diff * diff
      }
      if mse < bestMSE {
        bestMSE = mse
        iscale = iscaleStep
      }
    }
    var sumlx: Float = 0, suml2: Float = 0
    for i in 0..<n {
      let l = Swift.min(nmax, GGMLScalars.nearestInt(iscale * x[i]))
      L[i] = UInt8(truncatingIfNeeded: l)
      let w = qw[i], fl = Float(l)
      sumlx += w * x[i] * fl
      suml2 += w * fl * fl
    }
    for _ in 0..<5 {
      var changed = 0
      for i in 0..<n {
        let w = qw[i], li = Float(L[i])
        var slx = sumlx - w * x[i] * li
        var sl2 = suml2 - w * li * li
        if slx > 0 && sl2 > 0 {
          let newL = Swift.min(nmax, GGMLScalars.nearestInt(x[i] * sl2 / slx))
          if newL != Int32(L[i]) {
            let fl = Float(newL)
            slx += w * x[i] * fl
            sl2 += w * fl * fl
            if slx * slx * suml2 > sumlx * sumlx * sl2 {
              L[i] = UInt8(truncatingIfNeeded: newL)
              sumlx = slx
              suml2 = sl2
              changed += 1
            }
          }
        }
      }
      if changed == 0 { break }
    }
    return suml2 > 0 ? sumlx / suml2 : 0
  }
}
