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
    // The 18 trial scales (steps -9...-1, 1...9) run eight at a time, one per SIMD lane, each
    // lane summing in the scalar order; only `best` links them, so they are compared in order
    // afterwards. Codes clamped then rounded by ±1.5·2^23 equal nearest_int's clamped integers
    // (|iscale·x| ≤ nmax + 1).
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let low = SIMD8<Float>(repeating: Float(-nmax)), high = SIMD8<Float>(repeating: Float(nmax - 1))
    let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
    for first in stride(from: 0, to: 18, by: 8) {
      let index = lanes + Float(first)
      var steps = index - 9
      steps.replace(with: index - 8, where: index .> 8.5)
      let iscales = -(fmax + 0.1 * steps) / max
      var sumlxV = SIMD8<Float>(), suml2V = SIMD8<Float>()
      for i in 0..<n {
        let xi = x[i]
        var t = iscales * xi
        t.replace(with: low, where: t .< low)
        t.replace(with: high, where: t .> high)
        let fl = (t + magic) - magic
        let w = qw?[i] ?? xi * xi
        sumlxV += w * xi * fl
        suml2V += w * fl * fl
      }
      for lane in 0..<Swift.min(8, 18 - first) {
        let sumlx = sumlxV[lane], suml2 = suml2V[lane]
        if suml2 > 0 && sumlx * sumlx > best * suml2 {
          iscale = iscales[lane]
          for i in 0..<n {
            let l = Swift.max(-nmax, Swift.min(nmax - 1, GGMLScalars.nearestInt(iscale * x[i])))
            L[i] = Int8(truncatingIfNeeded: l + nmax)
          }
          scale = sumlx / suml2
          best = scale * sumlx
        }
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

  /// make_qkx2_quants (`qkx3` false) and make_qkx3_quants (true, `max <= min` as its empty
  /// test): asymmetric codes 0...nmax with a scale and a min (returned negated in `theMin`),
  /// searched over nstep + 1 trial scales by weighted squared (or absolute) error.
  @inline(__always)
  static func makeQKX(_ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                      _ L: UnsafeMutablePointer<UInt8>, _ theMin: inout Float, _ codes: UnsafeMutablePointer<SIMD8<Float>>,
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
    let iscale = fmax / (max - min)
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
    // The trial steps run eight at a time, step k + j in lane j. Each lane sums over the
    // elements in index order, exactly as the scalar loop does for its step, so its sums, scale,
    // min and error are that step's bits; the steps are then taken in order. An accepted step
    // moves `min`, which every later step depends on (its codes are of x - min over max - min),
    // so unless the new min has the old one's bits the lanes after it are computed again.
    // Rounding: codes clamped to [0, nmax] then rounded by adding and subtracting 1.5·2^23
    // equal nearest_int's clamped integers, as iscale·(x - min) never exceeds nmax + 1.
    let magic = SIMD8<Float>(repeating: 12_582_912), top = SIMD8<Float>(repeating: fmax)
    let lanes = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
    var start: Int32 = 0
    while start <= nstep {
      let minV = min
      let iscales = (rmin + rdelta * (lanes + Float(start)) + fmax) / (max - minV)
      var sumL = SIMD8<Float>(), sumL2 = SIMD8<Float>(), sumXL = SIMD8<Float>()
      for i in 0..<n {
        let xi = x[i]
        var t = iscales * (xi - minV)
        t.replace(with: 0, where: t .< 0)
        t.replace(with: top, where: t .> top)
        let fl = (t + magic) - magic
        codes[i] = fl
        let wl = weights[i] * fl
        sumL += wl
        sumL2 += wl * fl
        sumXL += wl * xi
      }
      let D = sumW * sumL2 - sumL * sumL
      var thisScale = (sumW * sumXL - sumX * sumL) / D
      var thisMin = (sumL2 * sumX - sumL * sumXL) / D
      let positive = thisMin .> 0
      thisScale.replace(with: sumXL / sumL2, where: positive)
      thisMin.replace(with: 0, where: positive)
      var error = SIMD8<Float>()
      for i in 0..<n {
        var diff = thisScale * codes[i] + thisMin - x[i]
        diff = useMAD ? diff.replacing(with: -diff, where: diff .< 0) : diff * diff
        error += weights[i] * diff
      }
      var next = start + 8
      for lane in 0..<8 {
        let step = start + Int32(lane)
        if step > nstep { break }
        if D[lane] > 0 && error[lane] < bestError {
          for i in 0..<n { L[i] = UInt8(truncatingIfNeeded: GGMLScalars.truncated(codes[i][lane])) }
          bestError = error[lane]
          scale = thisScale[lane]
          min = thisMin[lane]
          if min.bitPattern != minV.bitPattern {
            next = step + 1
            break
          }
        }
      }
      start = next
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
