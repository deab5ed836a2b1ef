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

  /// Compares `compressed` with `original` element by element (sums in Double).
  public init(original: [Float], compressed: [Float]) {
    var signal = 0.0, noise = 0.0
    for (w, v) in zip(original, compressed) {
      signal += Double(w) * Double(w)
      noise += (Double(w) - Double(v)) * (Double(w) - Double(v))
    }
    relativeMSE = signal > 0 ? noise / signal : (noise > 0 ? .infinity : 0)
    sqnrDecibels = noise > 0 && signal > 0 ? 10 * log10(signal / noise) : nil
  }
}
