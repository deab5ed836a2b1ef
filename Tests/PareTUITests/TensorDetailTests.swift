import Testing
@testable import PareCompression
@testable import PareCore
@testable import PareTUI

struct TensorDetailTests {
  /// [2, 4]: row 0 = 1, -2, 3, -4; row 1 = 0.5, 0, 0, 8.
  let tensor = (try? Tensor(shape: [2, 4], scalars: [1, -2, 3, -4, 0.5, 0, 0, 8])) ?? Tensor(zeros: [2, 4])

  @Test func theOriginalPart() {
    let detail = TensorDetail(original: tensor, singularValues: [9, 4])
    #expect(detail.original.min == -4 && detail.original.max == 8)
    #expect(detail.originalCounts.reduce(0, +) == 8)
    #expect(detail.histogramEdges.count == TensorDetail.bins(for: 8) + 1)
    #expect(detail.rowZeroFractions == [0, 0.5])
    #expect(detail.compressed == nil && detail.gridLevels.isEmpty)
    #expect(detail.singularValues == [9, 4])
  }

  /// Pruning half by magnitude zeroes round(0.5 * 8) = 4 entries (0, 0, 0.5, 1) and keeps -2, 3,
  /// -4, 8: the threshold is 2. Int2 symmetric per channel then has qmax 1 and scales 4 and 8;
  /// the widest grid is row 1's: -8, 0, 8.
  @Test func theCompressedPartIsAddedWithoutTouchingTheOriginal() throws {
    let base = TensorDetail(original: tensor, singularValues: nil)
    let spec = CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(bits: 2))
    let compressed = try Compressor.compress(tensor, dtype: .f32, spec: spec)
    let detail = base.compressed(by: compressed) { tensor }
    #expect(detail.gridLevels == [-8, 0, 8])
    #expect(detail.pruneThreshold == 2)
    #expect(detail.compressedCounts?.reduce(0, +) == 8)
    #expect(detail.storage == compressed.storage)
    #expect(detail.original == base.original && detail.originalCounts == base.originalCounts)
    #expect(base.compressed(by: nil) { tensor } == base)
  }
}
