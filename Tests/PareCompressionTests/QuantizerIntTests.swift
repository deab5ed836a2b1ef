import Testing

@testable import PareCompression

/// The `int` scheme of DESIGN.md §4, worked by hand.
///
/// Symmetric: qmax = 2^(bits-1) - 1, scale = f16(max|w| / qmax), q = clamp(rint(w / scale), ±qmax).
/// Asymmetric: lo = min(w, 0), hi = max(w, 0), scale = f16((hi - lo) / (2^bits - 1)),
/// zero = clamp(rint(-lo / scale), 0, 2^bits - 1), q = clamp(rint(w / scale) + zero, 0, 2^bits - 1),
/// w' = (q - zero) * scale. rint is round half to even.
struct QuantizerIntTests {
  // MARK: Symmetric

  /// bits 2, tensor granularity, [2, 3]: qmax = 1, max|w| = 1, scale = f16(1 / 1) = 1.
  /// w / scale = [0.5, -1, 0.25, 0.75, -0.5, 0] -> rint = [0 (tie to even), -1, 0, 1, -0 (tie), 0].
  @Test func symmetric2BitsTensor() {
    let q = Quantizer.quantize([0.5, -1, 0.25, 0.75, -0.5, 0], rows: 2, columns: 3, spec: intSpec(2, .tensor))
    #expect(q.scales == [1])
    #expect(q.codes == [0, -1, 0, 1, 0, 0])
    #expect(q.values == [0, -1, 0, 1, 0, 0])
    #expect(q.zeroPoints.isEmpty && q.codebooks.isEmpty)
  }

  /// bits 3, channel, [2, 3]: qmax = 3.
  /// Row 0 [2.5, -3, 0.5]: scale = f16(3 / 3) = 1; rint(2.5) = 2, rint(0.5) = 0 (ties to even).
  /// Row 1 [0.1875, -0.375, 0.25]: scale = f16(0.375 / 3) = 0.125; w / scale = [1.5, -3, 2]
  ///   -> q = [2, -3, 2] -> w' = [0.25, -0.375, 0.25].
  @Test func symmetric3BitsChannel() {
    let q = Quantizer.quantize([2.5, -3, 0.5, 0.1875, -0.375, 0.25], rows: 2, columns: 3, spec: intSpec(3))
    #expect(q.scales == [1, 0.125])
    #expect(q.codes == [2, -3, 0, 2, -3, 2])
    #expect(q.values == [2, -3, 0, 0.25, -0.375, 0.25])
  }

  /// bits 4, groups of 3 over rows of 5 (groups [0, 3) and a short [3, 5) per row), qmax = 7.
  /// Row 0, group [7, -3.5, 1]: scale = f16(7 / 7) = 1; rint(-3.5) = -4 (tie to even).
  /// Row 0, group [0.7, -0.35]: 0.7f / 7 = 0.100000001490116f; f16 has step 2^-14 near 0.1:
  ///   0.1 / 2^-4 = 1.6, mantissa 0.6 * 1024 = 614.4 -> 614, scale = 1638 * 2^-14 = 0.0999755859375.
  ///   0.7f / scale = 7.0017 -> 7; -0.35f / scale = -3.50085 -> -4.
  ///   w' = [7 * 1638 * 2^-14, -4 * 1638 * 2^-14] = [0.6998291015625, -0.39990234375].
  /// Row 1, group [0, 0, 0]: all zero -> scale 1, codes 0.
  /// Row 1, group [1.75, -0.875]: scale = f16(1.75 / 7) = 0.25; w / scale = [7, -3.5] -> [7, -4]
  ///   -> w' = [1.75, -1].
  @Test func symmetric4BitsGroupsWithShortLastGroup() {
    let w: [Float] = [7, -3.5, 1, 0.7, -0.35, 0, 0, 0, 1.75, -0.875]
    let q = Quantizer.quantize(w, rows: 2, columns: 5, spec: intSpec(4, .group, groupSize: 3))
    #expect(q.layout.count == 4)
    #expect(q.scales == [1, 0.0999755859375, 1, 0.25])
    #expect(q.codes == [7, -4, 1, 7, -4, 0, 0, 0, 7, -4])
    #expect(q.values == [7, -4, 1, 0.6998291015625, -0.39990234375, 0, 0, 0, 1.75, -1])
  }

  /// bits 8, tensor, [1, 5]: qmax = 127, scale = f16(254 / 127) = 2.
  /// w / scale = [127, -63.5, 0.5, 0.25, 1.5] -> rint = [127, -64, 0, 0, 2] -> w' = [254, -128, 0, 0, 4].
  @Test func symmetric8Bits() {
    let q = Quantizer.quantize([254, -127, 1, 0.5, 3], rows: 1, columns: 5, spec: intSpec(8, .tensor))
    #expect(q.scales == [2])
    #expect(q.codes == [127, -64, 0, 0, 2])
    #expect(q.values == [254, -128, 0, 0, 4])
  }

  /// A scale that would be below 2^-24 is raised to 2^-24 (the smallest f16).
  /// bits 8, [1e-6, -5e-7]: 1e-6 / 127 = 7.9e-9 < 2^-25, so f16 gives 0 -> scale 2^-24.
  /// 1e-6f * 2^24 = 16.777216 -> 17; -5e-7f * 2^24 = -8.388608 -> -8.
  @Test func scaleBelowSmallestHalfIsClampedUp() {
    let q = Quantizer.quantize([1e-6, -5e-7], rows: 1, columns: 2, spec: intSpec(8))
    #expect(q.scales == [0x1p-24])
    #expect(q.codes == [17, -8])
    #expect(q.values == [17 * 0x1p-24, -8 * 0x1p-24])
  }

  /// Implementation's documented choice (DESIGN.md does not say): a scale above the largest f16
  /// is clamped to 65504 rather than becoming infinity. bits 2, [100000, -1]: f16(100000 / 1) =
  /// inf -> 65504; rint(100000 / 65504) = rint(1.53) = 2, clamped to qmax = 1; -1 / 65504 -> -0.
  @Test func scaleAboveLargestHalfIsClampedDown() {
    let q = Quantizer.quantize([100_000, -1], rows: 1, columns: 2, spec: intSpec(2))
    #expect(q.scales == [65504])
    #expect(q.codes == [1, 0])
    #expect(q.values == [65504, 0])
  }

  // MARK: Asymmetric

  /// bits 2, [-1, 0.5, 2]: lo = -1, hi = 2, scale = f16(3 / 3) = 1, zero = rint(1) = 1.
  /// q = rint(w) + 1 = [0, 0 + 1 (0.5 ties to 0), 3] -> w' = (q - 1) * 1 = [-1, 0, 2].
  @Test func asymmetric2Bits() {
    let q = Quantizer.quantize([-1, 0.5, 2], rows: 1, columns: 3, spec: intSpec(2, symmetric: false))
    #expect(q.scales == [1])
    #expect(q.zeroPoints == [1])
    #expect(q.codes == [0, 1, 3])
    #expect(q.values == [-1, 0, 2])
  }

  /// All positive: lo = min(w, 0) = 0, so the grid starts at 0. bits 3, [0.5, 1, 3.5]:
  /// scale = f16(3.5 / 7) = 0.5, zero = 0, q = [1, 2, 7].
  @Test func asymmetricAllPositiveKeepsZeroInRange() {
    let q = Quantizer.quantize([0.5, 1, 3.5], rows: 1, columns: 3, spec: intSpec(3, symmetric: false))
    #expect(q.scales == [0.5])
    #expect(q.zeroPoints == [0])
    #expect(q.codes == [1, 2, 7])
    #expect(q.values == [0.5, 1, 3.5])
  }

  /// All negative: hi = max(w, 0) = 0. bits 2, [-2, -1]: scale = f16(2 / 3):
  /// 2/3 = 1.3333 * 2^-1, mantissa 341.33 -> 341, scale = 1365 * 2^-11 = 0.66650390625.
  /// zero = rint(2 / 0.6665) = rint(3.0007) = 3. q(-2) = rint(-3.0007) + 3 = 0;
  /// q(-1) = rint(-1.50037) + 3 = -2 + 3 = 1. w' = [-3 * scale, -2 * scale] = [-1.99951171875, -1.3330078125].
  @Test func asymmetricAllNegative() {
    let q = Quantizer.quantize([-2, -1], rows: 1, columns: 2, spec: intSpec(2, symmetric: false))
    #expect(q.scales == [0.66650390625])
    #expect(q.zeroPoints == [3])
    #expect(q.codes == [0, 1])
    #expect(q.values == [-1.99951171875, -1.3330078125])
  }

  /// The zero-point is rounded: bits 2, [-0.375, 1.125]: scale = f16(1.5 / 3) = 0.5,
  /// zero = rint(0.375 / 0.5) = rint(0.75) = 1. q = [rint(-0.75) + 1, rint(2.25) + 1] = [0, 3]
  /// -> w' = [(0 - 1) * 0.5, (3 - 1) * 0.5] = [-0.5, 1].
  @Test func asymmetricZeroPointRounding() {
    let q = Quantizer.quantize([-0.375, 1.125], rows: 1, columns: 2, spec: intSpec(2, symmetric: false))
    #expect(q.scales == [0.5])
    #expect(q.zeroPoints == [1])
    #expect(q.codes == [0, 3])
    #expect(q.values == [-0.5, 1])
  }

  /// The clamp of q: bits 2, [-1.5, 0.5, 1.5]: scale = f16(3 / 3) = 1, zero = rint(1.5) = 2.
  /// q(1.5) = rint(1.5) + 2 = 4 -> clamped to 3 -> w' = 1; q(-1.5) = -2 + 2 = 0 -> w' = -2;
  /// q(0.5) = 0 + 2 = 2 -> w' = 0.
  @Test func asymmetricClamp() {
    let q = Quantizer.quantize([-1.5, 0.5, 1.5], rows: 1, columns: 3, spec: intSpec(2, symmetric: false))
    #expect(q.scales == [1])
    #expect(q.zeroPoints == [2])
    #expect(q.codes == [0, 2, 3])
    #expect(q.values == [-2, 0, 1])
  }

  /// bits 4 (15 levels), groups of 2 over a row of 3.
  /// Group [-0.75, 3]: scale = f16(3.75 / 15) = 0.25, zero = rint(3) = 3, q = [-3 + 3, 12 + 3] = [0, 15].
  /// Group [1.5] (short): lo = 0, scale = f16(1.5f / 15) = f16(0.100000001f) = 0.0999755859375,
  ///   zero = 0, q = rint(15.0037) = 15 -> w' = 15 * 1638 * 2^-14 = 1.4996337890625.
  @Test func asymmetricGroups() {
    let q = Quantizer.quantize([-0.75, 3, 1.5], rows: 1, columns: 3, spec: intSpec(4, .group, groupSize: 2, symmetric: false))
    #expect(q.scales == [0.25, 0.0999755859375])
    #expect(q.zeroPoints == [3, 0])
    #expect(q.codes == [0, 15, 15])
    #expect(q.values == [-0.75, 3, 1.4996337890625])
  }

  // MARK: All-zero groups

  /// "A group whose values are all zero gets scale 1 in every scheme": row 0 is all zero, row 1
  /// is [1, -1]. For every scheme with scales, the first scale is 1 and row 0 stays zero (and
  /// its asymmetric zero-point is rint(-0 / 1) = 0).
  @Test(arguments: [
    intSpec(4), intSpec(4, symmetric: false),
    QuantizeSpec(scheme: .fp8E4M3), QuantizeSpec(scheme: .fp8E5M2),
  ])
  func allZeroGroupGetsScaleOne(spec: QuantizeSpec) {
    let q = Quantizer.quantize([0, 0, 1, -1], rows: 2, columns: 2, spec: spec)
    #expect(q.scales.count == 2)
    #expect(q.scales.first == 1)
    #expect(Array(q.values[0..<2]) == [0, 0])
    if !spec.symmetric { #expect(q.zeroPoints.first == 0) }  // zero = rint(-0 / 1) = 0
  }
}
