import Testing

@testable import PareCompression

/// Properties of DESIGN.md §4 quantization checked on seeded random tensors.
struct QuantizerInvariantTests {
  static let rows = 6
  static let columns = 37
  /// Tensor, channel, and groups of 16 (each row: 16 + 16 + a short 5).
  static let layouts: [(Granularity, Int?)] = [(.tensor, nil), (.channel, nil), (.group, 16)]

  static func data(seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return rng.matrix(rows: rows, columns: columns)
  }

  private func quantize(_ w: [Float], _ spec: QuantizeSpec) -> QuantizedTensor {
    Quantizer.quantize(w, rows: Self.rows, columns: Self.columns, spec: spec)
  }

  /// Symmetric int: codes in -qmax...qmax, values exactly code * scale (so the grid is symmetric:
  /// v on it implies -v on it), the group maximum lands on ±qmax, at most 2^bits distinct values
  /// per group (2^bits - 1 in fact), every scale f16-exact and at least 2^-24, and the error of
  /// each value at most half a step.
  @Test(arguments: 2...8, layouts)
  func symmetricGrid(bits: Int, layout: (Granularity, Int?)) {
    let w = Self.data(seed: UInt64(bits))
    let q = quantize(w, intSpec(bits, layout.0, groupSize: layout.1))
    let qmax = Int32((1 << (bits - 1)) - 1)
    #expect(q.scales.count == q.layout.count)
    for g in 0..<q.layout.count {
      let range = q.layout.range(g), scale = q.scales[g]
      #expect(isF16Exact(scale) && scale >= 0x1p-24)
      #expect(range.allSatisfy { (-qmax...qmax).contains(q.codes[$0]) })
      #expect(range.allSatisfy { q.values[$0] == Float(q.codes[$0]) * scale })
      #expect(range.map { abs(q.codes[$0]) }.max() == qmax)
      #expect(Set(range.map { q.values[$0] }).count <= (1 << bits) - 1)
      #expect(range.allSatisfy { abs(w[$0] - q.values[$0]) <= scale / 2 * 1.0001 })
    }
  }

  /// Symmetric int quantization of an already quantized tensor changes nothing: the maximum
  /// is qmax * scale, so the scale (and hence every code) comes back the same.
  @Test(arguments: 2...8, layouts)
  func symmetricIsIdempotent(bits: Int, layout: (Granularity, Int?)) {
    let spec = intSpec(bits, layout.0, groupSize: layout.1)
    let once = quantize(Self.data(seed: 100 + UInt64(bits)), spec)
    let twice = quantize(once.values, spec)
    #expect(twice == once)
  }

  /// Asymmetric int: codes and zero-points in 0...2^bits - 1, values exactly (code - zero) * scale,
  /// at most 2^bits distinct values per group, 0 representable (code = zero).
  @Test(arguments: 2...8, layouts)
  func asymmetricGrid(bits: Int, layout: (Granularity, Int?)) {
    let w = Self.data(seed: 200 + UInt64(bits))
    let q = quantize(w, intSpec(bits, layout.0, groupSize: layout.1, symmetric: false))
    let levels = Int32((1 << bits) - 1)
    #expect(q.zeroPoints.count == q.layout.count)
    for g in 0..<q.layout.count {
      let range = q.layout.range(g), scale = q.scales[g], zero = q.zeroPoints[g]
      #expect(isF16Exact(scale) && scale >= 0x1p-24)
      #expect((0...levels).contains(zero))
      #expect(range.allSatisfy { (0...levels).contains(q.codes[$0]) })
      #expect(range.allSatisfy { q.values[$0] == Float(q.codes[$0] - zero) * scale })
      #expect(Set(range.map { q.values[$0] }).count <= 1 << bits)
    }
  }

  /// Codebook: 2^bits f16-exact centroids per group, each value its group's centroid at its
  /// code, at most 2^bits distinct values per group.
  @Test(arguments: 2...8, layouts)
  func codebookGrid(bits: Int, layout: (Granularity, Int?)) {
    let w = Self.data(seed: 300 + UInt64(bits))
    let q = quantize(w, QuantizeSpec(scheme: .codebook, bits: bits, granularity: layout.0, groupSize: layout.1))
    let k = 1 << bits
    #expect(q.codebooks.count == q.layout.count * k)
    #expect(q.codebooks.allSatisfy(isF16Exact))
    for g in 0..<q.layout.count {
      let range = q.layout.range(g)
      #expect(range.allSatisfy { (0..<Int32(k)).contains(q.codes[$0]) })
      #expect(range.allSatisfy { q.values[$0] == q.codebooks[g * k + Int(q.codes[$0])] })
      #expect(Set(range.map { q.values[$0] }).count <= k)
    }
  }

  /// FP8: one f16-exact scale per group, stored bytes decode to value / scale on the format's grid.
  @Test(arguments: [(QuantizationScheme.fp8E4M3, FloatFormat.e4m3), (.fp8E5M2, .e5m2)], layouts)
  func fp8Grid(scheme: (QuantizationScheme, FloatFormat), layout: (Granularity, Int?)) {
    let w = Self.data(seed: 400)
    let q = quantize(w, QuantizeSpec(scheme: scheme.0, granularity: layout.0, groupSize: layout.1))
    #expect(q.scales.count == q.layout.count)
    for g in 0..<q.layout.count {
      let range = q.layout.range(g), scale = q.scales[g]
      #expect(isF16Exact(scale))
      for i in range {
        let onGrid = q.values[i] / scale
        #expect(scheme.1.round(onGrid) == onGrid && abs(onGrid) <= scheme.1.maximum)
        #expect(scheme.1.bits(of: onGrid) == UInt8(q.codes[i]))
      }
    }
  }

  /// The error (relative MSE) falls strictly as bits rise from 2 to 8, for int (symmetric and
  /// asymmetric) and codebook, per channel.
  @Test(arguments: [intSpec(2), intSpec(2, symmetric: false), QuantizeSpec(scheme: .codebook, bits: 2)])
  func errorFallsWithBits(base: QuantizeSpec) {
    var rng = SeededGenerator(seed: 500)
    let (rows, columns) = (8, 64)
    let w = rng.matrix(rows: rows, columns: columns)
    let errors = (2...8).map { bits in
      var spec = base
      spec.bits = bits
      return WeightError(original: w, compressed: Quantizer.quantize(w, rows: rows, columns: columns, spec: spec).values).relativeMSE
    }
    #expect(zip(errors, errors.dropFirst()).allSatisfy { $0 > $1 }, "\(errors)")
  }
}
