import PareCore

/// A quantized tensor: the dequantized values plus everything a packed file stores.
public struct QuantizedTensor: Sendable, Equatable {
  /// The spec it was made with.
  public let spec: QuantizeSpec
  /// The groups the parameters apply to.
  public let layout: GroupLayout
  /// The dequantized values w', row-major, one per element.
  public let values: [Float]
  /// The stored symbol per element: `int` q (symmetric: -qmax...qmax; asymmetric: 0...2^bits-1),
  /// `codebook` centroid index, FP8 byte, FP16/BF16 bit pattern. Pruned entries hold the code of
  /// 0 (the zero-point for asymmetric int, 0 otherwise); only kept entries are ever stored.
  ///
  /// Built on demand (packing, entropy): the tensor keeps one byte per element, or none for
  /// FP16/BF16 whose codes are the bit patterns of `values`, so a session holding every tensor
  /// of a model compressed costs 5 bytes per parameter rather than 8.
  public var codes: [Int32] {
    switch spec.scheme {
    case .fp16: values.map { Int32(FloatConversion.f16Bits($0)) }
    case .bf16: values.map { Int32(FloatConversion.bf16Bits($0)) }
    case .int where spec.symmetric: codeBytes.map { Int32(Int8(bitPattern: $0)) }
    case .int, .codebook, .fp8E4M3, .fp8E5M2: codeBytes.map { Int32($0) }
    }
  }
  /// `codes` as bytes (two's complement for symmetric int); empty for FP16/BF16.
  let codeBytes: [UInt8]
  /// Per-group scale (exactly representable in f16); empty for fp16, bf16 and codebook.
  public let scales: [Float]
  /// Per-group zero-point, asymmetric `int` only.
  public let zeroPoints: [Int32]
  /// Per-group centroids (2^bits per group, f16-exact), `codebook` only.
  public let codebooks: [Float]
}

/// The quantization schemes of DESIGN.md §4, to the bit.
///
/// Arithmetic is Float32 as written in the spec: `f16(max|w| / qmax)` divides in Float32 and then
/// rounds to half precision; `rint` rounds half to even. A scale is clamped to the f16 range
/// [2^-24, 65504], and an all-zero group gets scale 1.
public enum Quantizer {
  /// The smallest positive f16 (subnormal), the floor for every scale.
  static let smallestScale: Float = 0x1p-24
  /// The largest finite f16, the ceiling for every scale.
  static let largestScale: Float = 65504

  /// Quantizes `values`, seen as [rows, columns], by `spec`. When `kept` is given (after
  /// pruning), entries with `kept[i] == false` are zero and stay exactly zero; a codebook is
  /// fitted to the kept entries only.
  public static func quantize(
    _ values: [Float], rows: Int, columns: Int, spec: QuantizeSpec, kept: [Bool]? = nil
  ) -> QuantizedTensor {
    let layout = GroupLayout(rows: rows, columns: columns, granularity: spec.granularity, groupSize: spec.groupSize)
    var out = [Float](repeating: 0, count: values.count)
    let isHalfWidth = spec.scheme == .fp16 || spec.scheme == .bf16
    var codes = [UInt8](repeating: 0, count: isHalfWidth ? 0 : values.count)
    var scales: [Float] = [], zeroPoints: [Int32] = [], codebooks: [Float] = []
    let bits = spec.bits ?? 8

    switch spec.scheme {
    case .fp16, .bf16:
      for i in values.indices {
        let pattern = spec.scheme == .fp16 ? FloatConversion.f16Bits(values[i]) : FloatConversion.bf16Bits(values[i])
        out[i] = spec.scheme == .fp16 ? FloatConversion.float(f16Bits: pattern) : FloatConversion.float(bf16Bits: pattern)
      }
    case .fp8E4M3, .fp8E5M2:
      let format: FloatFormat = spec.scheme == .fp8E4M3 ? .e4m3 : .e5m2
      for g in 0..<layout.count {
        let range = layout.range(g)
        let scale = Self.scale(maxMagnitude(values[range]), divisor: format.maximum)
        scales.append(scale)
        for i in range {
          let q = format.round(values[i] / scale)
          codes[i] = format.bits(of: q)
          out[i] = q * scale
        }
      }
    case .int where spec.symmetric:
      let qmax = Float((1 << (bits - 1)) - 1)
      for g in 0..<layout.count {
        let range = layout.range(g)
        let scale = Self.scale(maxMagnitude(values[range]), divisor: qmax)
        scales.append(scale)
        for i in range {
          // `+ 0` turns a rounded -0 into +0: q is an integer code, so w' = 0 · scale = +0, which
          // is also what a packed model's code 0 decodes to (bit-exact unpacking).
          let q = min(max((values[i] / scale).rounded(.toNearestOrEven), -qmax), qmax) + 0
          codes[i] = UInt8(bitPattern: Int8(q))
          out[i] = q * scale
        }
      }
    case .int:
      let levels = Float((1 << bits) - 1)
      for g in 0..<layout.count {
        let range = layout.range(g)
        var lo: Float = 0, hi: Float = 0
        for i in range { lo = min(lo, values[i]); hi = max(hi, values[i]) }
        let scale = Self.scale(hi - lo, divisor: levels)
        let zero = min(max((-lo / scale).rounded(.toNearestOrEven), 0), levels)
        scales.append(scale)
        zeroPoints.append(Int32(zero))
        for i in range {
          let q = min(max((values[i] / scale).rounded(.toNearestOrEven) + zero, 0), levels)
          codes[i] = UInt8(q)
          out[i] = (q - zero) * scale
        }
      }
    case .codebook:
      for g in 0..<layout.count {
        let range = layout.range(g)
        let members = range.filter { kept?[$0] ?? true }
        let fit = KMeans.fit(members.map { values[$0] }, clusters: 1 << bits)
        codebooks += fit.centroids
        for (k, i) in members.enumerated() {
          codes[i] = UInt8(fit.assignment[k])
          out[i] = fit.centroids[fit.assignment[k]]
        }
      }
    }
    return QuantizedTensor(spec: spec, layout: layout, values: out, codeBytes: codes, scales: scales,
                           zeroPoints: zeroPoints, codebooks: codebooks)
  }

  /// `f16(range / divisor)` clamped to [2^-24, 65504]; 1 for an all-zero group.
  static func scale(_ range: Float, divisor: Float) -> Float {
    guard range > 0 else { return 1 }
    return min(max(FloatConversion.roundedToF16(range / divisor), smallestScale), largestScale)
  }

  private static func maxMagnitude(_ slice: ArraySlice<Float>) -> Float {
    slice.reduce(0) { max($0, abs($1)) }
  }
}
