import Foundation
import PareCore

/// The result of compressing one tensor by a spec: the reconstruction the engine runs on, the
/// stored representation a packed file holds, and what it costs.
public struct CompressedTensor: Sendable {
  /// The spec applied.
  public let spec: CompressionSpec
  /// The reconstruction W' in the tensor's shape (Float32).
  public let values: Tensor
  /// Kept entries after pruning (nil without pruning).
  public let kept: [Bool]?
  /// The quantized values, when quantization applies to W itself (no low-rank step).
  public let quantized: QuantizedTensor?
  /// The low-rank factors, when the spec has a low-rank step.
  public let factors: LowRankFactors?
  /// Exact storage and its entropy-coded estimate.
  public let storage: StorageCost
  /// How far W' is from W.
  public let error: WeightError
}

/// W ≈ A B, each factor possibly quantized.
public struct LowRankFactors: Sendable {
  /// [rows, r] reconstruction of A (dequantized when quantized).
  public let a: Tensor
  /// [r, columns] reconstruction of B.
  public let b: Tensor
  /// A's quantized form, when the spec quantizes.
  public let quantizedA: QuantizedTensor?
  /// B's quantized form.
  public let quantizedB: QuantizedTensor?

  /// The rank r.
  public var rank: Int { a.shape.last ?? 0 }
}

/// Distortion of a compressed tensor against the original.
public struct WeightError: Sendable, Equatable {
  /// Σ(w - w')² / Σw² (0 when exact; 0 for an all-zero original reconstructed exactly).
  public let relativeMSE: Double
  /// Signal-to-quantization-noise ratio, 10·log10(Σw² / Σ(w - w')²) in dB; nil when exact.
  public let sqnrDecibels: Double?

  /// Elements per partial sum. Fixed, so that the sums, and the result to the last bit, do not
  /// depend on how many cores computed them.
  static let blockSize = 1 << 14

  /// Compares `compressed` with `original` element by element: Double sums over blocks of
  /// `blockSize` elements (eight running sums each), computed on every core, then added in block
  /// order.
  public init(original: [Float], compressed: [Float]) {
    let count = Swift.min(original.count, compressed.count)
    let blocks = original.withUnsafeBufferPointer { w in
      compressed.withUnsafeBufferPointer { v in
        ParallelChunks.map(count: count, chunkSize: Self.blockSize) { block in
          Self.sums(w.baseAddress! + block.lowerBound, v.baseAddress! + block.lowerBound, count: block.count)
        }
      }
    }
    var signal = 0.0, noise = 0.0
    for block in blocks {
      signal += block.signal
      noise += block.noise
    }
    relativeMSE = signal > 0 ? noise / signal : (noise > 0 ? .infinity : 0)
    sqnrDecibels = noise > 0 && signal > 0 ? 10 * log10(signal / noise) : nil
  }

  /// Σw² and Σ(w - v)² of `count` elements, in Double.
  private static func sums(_ w: UnsafePointer<Float>, _ v: UnsafePointer<Float>, count: Int) -> (signal: Double, noise: Double) {
    var signal = (SIMD4<Double>(), SIMD4<Double>()), noise = (SIMD4<Double>(), SIMD4<Double>())
    for (offset, lanes) in Vectors8(count) {
      let x = w.vector8(at: offset, lanes: lanes, padding: 0), y = v.vector8(at: offset, lanes: lanes, padding: 0)
      let (low, high) = (SIMD4<Double>(x.lowHalf), SIMD4<Double>(x.highHalf))
      let (lowError, highError) = (low - SIMD4<Double>(y.lowHalf), high - SIMD4<Double>(y.highHalf))
      signal.0 += low * low
      signal.1 += high * high
      noise.0 += lowError * lowError
      noise.1 += highError * highError
    }
    return ((signal.0 + signal.1).sum(), (noise.0 + noise.1).sum())
  }
}
