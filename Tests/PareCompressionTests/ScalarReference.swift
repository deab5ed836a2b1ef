import Foundation
import PareCore

@testable import PareCompression

/// Straightforward scalar forms of the compression kernels: one loop per element, written the
/// way DESIGN.md §4 reads (these are the kernels Pare had before they were vectorised). The
/// vectorised, multi-core kernels must agree with them to the bit.
enum ScalarReference {
  /// What a quantizer produces.
  struct Quantized: Equatable {
    var values: [Float]
    var codes: [Int32]
    var scales: [Float] = []
    var zeroPoints: [Int32] = []
    var codebooks: [Float] = []
  }

  static func quantize(_ w: [Float], rows: Int, columns: Int, spec: QuantizeSpec, kept: [Bool]? = nil) -> Quantized {
    let layout = GroupLayout(rows: rows, columns: columns, granularity: spec.granularity, groupSize: spec.groupSize)
    var q = Quantized(values: [Float](repeating: 0, count: w.count), codes: [Int32](repeating: 0, count: w.count))
    let bits = spec.bits ?? 8
    func scale(_ range: Float, _ divisor: Float) -> Float {
      range > 0 ? min(max(Float(Float16(range / divisor)), 0x1p-24), 65504) : 1
    }
    switch spec.scheme {
    case .fp16:
      for i in w.indices { q.codes[i] = Int32(Float16(w[i]).bitPattern); q.values[i] = Float(Float16(w[i])) }
    case .bf16:
      for i in w.indices {
        let bits = FloatConversion.bf16Bits(w[i])
        q.codes[i] = Int32(bits)
        q.values[i] = FloatConversion.float(bf16Bits: bits)
      }
    case .fp8E4M3, .fp8E5M2:
      let format = spec.scheme == .fp8E4M3 ? Format.e4m3 : .e5m2
      for g in 0..<layout.count {
        let range = layout.range(g)
        let s = scale(range.reduce(0) { max($0, abs(w[$1])) }, format.maximum)
        q.scales.append(s)
        for i in range {
          let r = format.round(w[i] / s)
          q.codes[i] = Int32(format.bits(of: r))
          q.values[i] = r * s
        }
      }
    case .int where spec.symmetric:
      let qmax = Float((1 << (bits - 1)) - 1)
      for g in 0..<layout.count {
        let range = layout.range(g)
        let s = scale(range.reduce(0) { max($0, abs(w[$1])) }, qmax)
        q.scales.append(s)
        for i in range {
          let code = min(max((w[i] / s).rounded(.toNearestOrEven), -qmax), qmax) + 0
          q.codes[i] = Int32(code)
          q.values[i] = code * s
        }
      }
    case .int:
      let levels = Float((1 << bits) - 1)
      for g in 0..<layout.count {
        let range = layout.range(g)
        var lo: Float = 0, hi: Float = 0
        for i in range { lo = min(lo, w[i]); hi = max(hi, w[i]) }
        let s = scale(hi - lo, levels)
        let zero = min(max((-lo / s).rounded(.toNearestOrEven), 0), levels)
        q.scales.append(s)
        q.zeroPoints.append(Int32(zero))
        for i in range {
          let code = min(max((w[i] / s).rounded(.toNearestOrEven) + zero, 0), levels)
          q.codes[i] = Int32(code)
          q.values[i] = (code - zero) * s
        }
      }
    case .ggml:
      // ggml's blocks are checked against ggml's own bytes (GGMLQuantizerTests), not loops here.
      q.values = w
    case .codebook:
      for g in 0..<layout.count {
        let members = layout.range(g).filter { kept?[$0] ?? true }
        let fit = KMeans.fit(members.map { w[$0] }, clusters: 1 << bits)
        q.codebooks += fit.centroids
        for (k, i) in members.enumerated() {
          q.codes[i] = Int32(fit.assignment[k])
          q.values[i] = fit.centroids[fit.assignment[k]]
        }
      }
    }
    return q
  }

  /// An FP8 format rounded by its exponent and step, element by element.
  struct Format {
    let mantissaBits: Int, minimumExponent: Int, maximum: Float
    static let e4m3 = Format(mantissaBits: 3, minimumExponent: -6, maximum: 448)
    static let e5m2 = Format(mantissaBits: 2, minimumExponent: -14, maximum: 57344)

    func round(_ x: Float) -> Float {
      guard x.isFinite else { return x.isNaN ? x : (x < 0 ? -maximum : maximum) }
      let magnitude = abs(x)
      if magnitude >= maximum { return x < 0 ? -maximum : maximum }
      if magnitude == 0 { return x }
      let exponent = max(Int(magnitude.exponent), minimumExponent)
      let step = Float(sign: .plus, exponent: exponent - mantissaBits, significand: 1)
      let rounded = (x / step).rounded(.toNearestOrEven) * step
      return abs(rounded) > maximum ? (x < 0 ? -maximum : maximum) : rounded
    }

    func bits(of value: Float) -> UInt8 {
      let sign: UInt8 = value.sign == .minus ? 0x80 : 0
      let magnitude = abs(value)
      guard magnitude > 0 else { return sign }
      let exponent = Int(magnitude.exponent)
      if exponent < minimumExponent {
        let step = Float(sign: .plus, exponent: minimumExponent - mantissaBits, significand: 1)
        return sign | UInt8(clamping: Int(magnitude / step))
      }
      let fraction = Int((magnitude.significand - 1) * Float(1 << mantissaBits))
      return sign | UInt8(clamping: ((exponent + 1 - minimumExponent) << mantissaBits) | fraction) & 0x7F
    }
  }

  /// Shannon entropy in bits per symbol of the codes at kept positions, from a histogram over
  /// every code value from -128 to 65535.
  static func entropy(of codes: [Int32], where kept: [Bool]?) -> Double {
    var histogram = [Int](repeating: 0, count: 65536 + 128)
    var total = 0
    for (i, c) in codes.enumerated() where kept?[i] ?? true {
      histogram[Int(c) + 128] += 1
      total += 1
    }
    guard total > 0 else { return 0 }
    return histogram.reduce(0.0) { h, n in
      guard n > 0 else { return h }
      let p = Double(n) / Double(total)
      return h - p * log2(p)
    }
  }

  /// Pruning by sorting each group or block with the tie rule spelled out in the comparison.
  static func prune(_ w: [Float], rows: Int, columns: Int, spec: PruneSpec) -> [Bool] {
    var kept = [Bool](repeating: true, count: w.count)
    switch spec.method {
    case .magnitude:
      let layout = GroupLayout(rows: rows, columns: columns, granularity: spec.granularity == .channel ? .channel : .tensor)
      for g in 0..<layout.count {
        let range = layout.range(g)
        let zeroed = Int(((spec.sparsity ?? 0) * Double(range.count)).rounded(.toNearestOrEven))
        let smallestFirst = range.sorted { a, b in abs(w[a]) != abs(w[b]) ? abs(w[a]) < abs(w[b]) : a < b }
        for i in smallestFirst.prefix(zeroed) { kept[i] = false }
      }
    case .nm:
      let n = spec.n ?? 0, m = max(spec.m ?? 1, 1)
      for row in 0..<rows {
        let rowEnd = (row + 1) * columns
        for start in stride(from: row * columns, to: rowEnd, by: m) {
          let largestFirst = (start..<min(start + m, rowEnd)).sorted { a, b in
            abs(w[a]) != abs(w[b]) ? abs(w[a]) > abs(w[b]) : a < b
          }
          for i in largestFirst.dropFirst(n) { kept[i] = false }
        }
      }
    }
    return kept
  }

  /// Σ(w - v)² / Σw², summed in Double element by element.
  static func relativeMSE(_ w: [Float], _ v: [Float]) -> Double {
    var signal = 0.0, noise = 0.0
    for (a, b) in zip(w, v) {
      signal += Double(a) * Double(a)
      noise += (Double(a) - Double(b)) * (Double(a) - Double(b))
    }
    return signal > 0 ? noise / signal : (noise > 0 ? .infinity : 0)
  }
}
