import Foundation
import PareCore
import Testing

@testable import PareCompression

/// Relative MSE = sum (w - w')^2 / sum w^2 and SQNR = 10 log10(sum w^2 / sum (w - w')^2).
struct WeightErrorTests {
  /// [3, 4] -> [3, 3]: signal 9 + 16 = 25, noise 1: relative MSE 1/25 = 0.04,
  /// SQNR = 10 log10(25) = 13.979400086720377 dB.
  @Test func handCase() throws {
    let e = WeightError(original: [3, 4], compressed: [3, 3])
    #expect(e.relativeMSE == 0.04)
    let sqnr = try #require(e.sqnrDecibels)
    #expect(abs(sqnr - 13.979400086720377) < 1e-12)
  }

  /// [1, -2, 2] -> [1, -2, 2.5]: signal 9, noise 0.25: relative MSE 1/36, SQNR 10 log10(36) =
  /// 15.563025007672874 dB.
  @Test func secondHandCase() throws {
    let e = WeightError(original: [1, -2, 2], compressed: [1, -2, 2.5])
    #expect(abs(e.relativeMSE - 1.0 / 36.0) < 1e-15)
    #expect(abs(try #require(e.sqnrDecibels) - 15.563025007672874) < 1e-12)
  }

  /// Exact reconstruction: no error, no SQNR; an all-zero original with noise: infinite error.
  @Test func edgeCases() {
    let exact = WeightError(original: [1, 2], compressed: [1, 2])
    #expect(exact.relativeMSE == 0 && exact.sqnrDecibels == nil)
    #expect(WeightError(original: [0, 0], compressed: [0, 0]).relativeMSE == 0)
    #expect(WeightError(original: [0, 0], compressed: [1, 0]).relativeMSE == .infinity)
  }

  /// The compressor reports the error of its reconstruction: int2 symmetric on [1, 0.25, 0.75]
  /// gives scale 1, q = [1, 0, 1], noise 0.0625 + 0.0625 = 0.125 over signal 1 + 0.0625 + 0.5625
  /// = 1.625 -> relative MSE 0.125 / 1.625 = 1/13.
  @Test func compressorReportsError() throws {
    let c = try Compressor.compress(Tensor(shape: [1, 3], scalars: [1, 0.25, 0.75]), dtype: .f32,
                                    spec: CompressionSpec(quantize: intSpec(2)))
    #expect(c.values.scalars == [1, 0, 1])
    #expect(abs(c.error.relativeMSE - 1.0 / 13.0) < 1e-15)
  }
}
