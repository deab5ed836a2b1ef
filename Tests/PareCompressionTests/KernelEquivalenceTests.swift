import PareCore
import Testing

@testable import PareCompression

/// The vectorised, multi-core compression kernels against `ScalarReference`'s element-by-element
/// loops, to the bit, on awkward data (signed zeros, subnormals, ties, all-zero groups, values
/// past the f16 range) and shapes with partial vectors, group tails and several chunks of work.
struct KernelEquivalenceTests {
  /// [rows, columns]: a single element, rows shorter than a vector, odd sizes, groups of 64 with a
  /// tail of 2, and a matrix of more than one chunk (`ParallelChunks.elementsPerChunk`).
  static let shapes = [(1, 1), (3, 5), (7, 13), (4, 130), (130, 520)]

  static let layouts: [(Granularity, Int?)] = [(.tensor, nil), (.channel, nil), (.group, 1), (.group, 7), (.group, 64)]

  static let specs: [QuantizeSpec] =
    (2...8).flatMap { bits in layouts.flatMap { layout in [true, false].map { intSpec(bits, layout.0, groupSize: layout.1, symmetric: $0) } } }
    + [QuantizationScheme.fp8E4M3, .fp8E5M2].flatMap { scheme in
      layouts.map { QuantizeSpec(scheme: scheme, granularity: $0.0, groupSize: $0.1) }
    }
    + [QuantizeSpec(scheme: .fp16), QuantizeSpec(scheme: .bf16)]

  static func data(_ rows: Int, _ columns: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return rng.awkwardValues(rows * columns)
  }

  @Test(arguments: specs)
  func quantizerMatchesScalarLoops(spec: QuantizeSpec) {
    for (rows, columns) in Self.shapes {
      let w = Self.data(rows, columns, seed: UInt64(rows * 1000 + columns))
      let q = Quantizer.quantize(w, rows: rows, columns: columns, spec: spec)
      let expected = ScalarReference.quantize(w, rows: rows, columns: columns, spec: spec)
      let label = "\(spec) on [\(rows), \(columns)]"
      #expect(q.values.map(\.bitPattern) == expected.values.map(\.bitPattern), "values, \(label)")
      #expect(q.codes == expected.codes, "codes, \(label)")
      #expect(q.scales.map(\.bitPattern) == expected.scales.map(\.bitPattern), "scales, \(label)")
      #expect(q.zeroPoints == expected.zeroPoints, "zero-points, \(label)")
    }
  }

  /// Codebooks are fitted group by group on several cores, pruned entries left out.
  @Test(arguments: [(Granularity.tensor, nil as Int?), (.channel, nil), (.group, 7)])
  func codebookMatchesScalarLoop(layout: (Granularity, Int?)) {
    let (rows, columns) = (9, 70)
    let pruned = Pruner.prune(Self.data(rows, columns, seed: 7), rows: rows, columns: columns, spec: .magnitude(0.3))
    let spec = QuantizeSpec(scheme: .codebook, bits: 3, granularity: layout.0, groupSize: layout.1)
    let q = Quantizer.quantize(pruned.values, rows: rows, columns: columns, spec: spec, kept: pruned.kept)
    let expected = ScalarReference.quantize(pruned.values, rows: rows, columns: columns, spec: spec, kept: pruned.kept)
    #expect(q.values.map(\.bitPattern) == expected.values.map(\.bitPattern))
    #expect(q.codes == expected.codes)
    #expect(q.codebooks.map(\.bitPattern) == expected.codebooks.map(\.bitPattern))
  }

  /// The entropy estimate counts symbols from the code bytes (or the FP16/BF16 patterns) chunk by
  /// chunk; it must equal the histogram over all code values, with and without a pruning mask.
  @Test(arguments: specs)
  func entropyMatchesCodeHistogram(spec: QuantizeSpec) {
    let (rows, columns) = (130, 520)
    let w = Self.data(rows, columns, seed: 11)
    var rng = SeededGenerator(seed: 12)
    let kept = w.map { _ in rng.next() % 4 != 0 }
    let q = Quantizer.quantize(w, rows: rows, columns: columns, spec: spec)
    for mask in [nil, kept] {
      #expect(StorageCost.entropy(of: q.symbolCounts(where: mask)) == ScalarReference.entropy(of: q.codes, where: mask))
    }
  }

  static let pruneSpecs: [PruneSpec] =
    [0, 0.001, 0.3, 0.5, 0.9, 0.999].flatMap { [PruneSpec.magnitude($0), .magnitude($0, granularity: .channel)] }
    + [(1, 1), (1, 4), (2, 4), (3, 8), (5, 7), (2, 64), (200, 256)].map { PruneSpec.nm($0.0, $0.1) }

  /// Pruning selects thresholds instead of sorting; ties must still fall by index as specified.
  @Test(arguments: pruneSpecs)
  func prunerMatchesSorting(spec: PruneSpec) {
    for (rows, columns) in Self.shapes {
      // Values on a coarse grid, so that many magnitudes tie.
      let w = Self.data(rows, columns, seed: 21).map { ($0 * 4).rounded() / 4 }
      let pruned = Pruner.prune(w, rows: rows, columns: columns, spec: spec)
      let expected = ScalarReference.prune(w, rows: rows, columns: columns, spec: spec)
      #expect(pruned.kept == expected, "\(spec) on [\(rows), \(columns)]")
      #expect(pruned.values.map(\.bitPattern) == zip(w, expected).map { $1 ? $0.bitPattern : 0 })
    }
  }

  /// The weight error sums blocks on several cores: the same value as one running sum up to
  /// rounding, and the same bits on every run.
  @Test func weightErrorMatchesRunningSum() {
    let w = Self.data(130, 520, seed: 31)
    let v = Quantizer.quantize(w, rows: 130, columns: 520, spec: intSpec(4, .group, groupSize: 64)).values
    let error = WeightError(original: w, compressed: v)
    let expected = ScalarReference.relativeMSE(w, v)
    #expect(abs(error.relativeMSE - expected) <= 1e-12 * expected)
    #expect(WeightError(original: w, compressed: v) == error)
  }

  /// FP8 rounding and encoding by bit arithmetic against the exponent-and-step scalar forms, over
  /// every FP8 value, the midpoints between neighbours, and a sweep of Float32 bit patterns.
  @Test(arguments: [(FloatFormat.e4m3, ScalarReference.Format.e4m3), (.e5m2, .e5m2)])
  func fp8MatchesScalarRounding(formats: (FloatFormat, ScalarReference.Format)) {
    let (format, reference) = formats
    let decode = format == .e4m3 ? FloatConversion.float(e4m3Bits:) : FloatConversion.float(e5m2Bits:)
    let grid = Set((0...255).map { decode(UInt8($0)) }.filter(\.isFinite)).sorted()
    var x = grid.flatMap { [$0, $0.nextUp, $0.nextDown] }
    x += zip(grid, grid.dropFirst()).flatMap { a, b -> [Float] in
      let middle = (a + b) / 2
      return [middle, middle.nextUp, middle.nextDown]
    }
    x += stride(from: 0, to: UInt64(1) << 32, by: 65_521).map { Float(bitPattern: UInt32($0)) }
    x += [0, -0.0, .infinity, -.infinity, .nan, -.nan, 448, 464, 480, 57344, 61440, 0x1p-9, 0x1p-10, 0x1.8p-10, 0x1p-17]
    for value in x {
      let rounded = reference.round(value)
      #expect(format.round(value).bitPattern == rounded.bitPattern, "round \(value)")
      #expect(format.bits(of: rounded) == (rounded.isNaN ? (value.sign == .minus ? 0x80 : 0) : reference.bits(of: rounded)),
              "bits of \(rounded)")
    }
  }
}
