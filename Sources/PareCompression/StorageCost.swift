import Foundation
import PareCore

/// The storage a tensor needs under a spec, by the formulas of DESIGN.md §4, and an estimate of
/// what entropy coding (Deep Compression's Huffman stage) would bring it down to.
public struct StorageCost: Sendable, Equatable {
  /// Exact size in bits.
  public let bits: Int
  /// Estimated size in bits when every stream of stored symbols (quantization codes, the pruning
  /// mask) is entropy coded: count × Shannon entropy of its symbol histogram. Scales,
  /// zero-points, codebooks, N:M positions and unquantized values count at full size.
  public let entropyCodedBits: Double

  /// Exact size in bytes (bits rounded up).
  public var bytes: Int { (bits + 7) / 8 }

  public init(bits: Int, entropyCodedBits: Double) {
    self.bits = bits
    self.entropyCodedBits = entropyCodedBits
  }

  /// An untouched tensor of `count` elements of `dtype`.
  public static func uncompressed(count: Int, dtype: DType) -> StorageCost {
    StorageCost(bits: count * dtype.byteSize * 8, entropyCodedBits: Double(count * dtype.byteSize * 8))
  }

  /// The sum of two costs (low-rank factors A and B).
  public static func + (x: StorageCost, y: StorageCost) -> StorageCost {
    StorageCost(bits: x.bits + y.bits, entropyCodedBits: x.entropyCodedBits + y.entropyCodedBits)
  }

  /// The cost of values stored as `quantized` (or raw `dtype` without quantization), of which
  /// only the entries in `kept` are stored when pruning left a mask or N:M positions.
  ///
  /// - int: stored·bits + groups·16 (+ groups·16 zero-points when asymmetric)
  /// - fp8: stored·8 + groups·16; fp16/bf16: stored·16
  /// - codebook: stored·bits + groups·2^bits·16
  /// - ggml: the blocks' bytes exactly (q4_k 4.5 bits per value, q6_k 6.5625), not entropy coded
  /// - magnitude pruning adds a 1-bit mask per entry; N:M adds ceil(log2 m) bits per kept value.
  static func of(count: Int, dtype: DType, quantized: QuantizedTensor?, kept: [Bool]?, prune: PruneSpec?) -> StorageCost {
    if let q = quantized, q.spec.scheme == .ggml {
      let bits = q.ggmlBlocks.count * 8
      return StorageCost(bits: bits, entropyCodedBits: Double(bits))
    }
    let stored = kept.map(keptCount) ?? count
    var bits = 0, sideBits = 0
    var symbolEntropy = 0.0
    if let q = quantized {
      let groups = q.layout.count
      let bitsPerValue: Int
      switch q.spec.scheme {
      case .int:
        bitsPerValue = q.spec.bits ?? 8
        sideBits = groups * 16 * (q.spec.symmetric ? 1 : 2)
      case .fp8E4M3, .fp8E5M2:
        bitsPerValue = 8
        sideBits = groups * 16
      case .fp16, .bf16:
        bitsPerValue = 16
      case .codebook:
        bitsPerValue = q.spec.bits ?? 8
        sideBits = groups * (1 << bitsPerValue) * 16
      case .ggml:
        bitsPerValue = 0
      }
      bits = stored * bitsPerValue + sideBits
      symbolEntropy = Double(stored) * entropy(of: q.symbolCounts(where: kept))
    } else {
      bits = stored * dtype.byteSize * 8
      symbolEntropy = Double(bits)
    }
    var entropyBits = symbolEntropy + Double(sideBits)
    switch prune?.method {
    case .magnitude?:
      bits += count
      let p = Double(stored) / Double(max(count, 1))
      entropyBits += Double(count) * binaryEntropy(p)
    case .nm?:
      let positionBits = stored * Int(ceil(log2(Double(max(prune?.m ?? 1, 1)))))
      bits += positionBits
      entropyBits += Double(positionBits)
    case nil:
      break
    }
    return StorageCost(bits: bits, entropyCodedBits: entropyBits)
  }

  /// Shannon entropy in bits per symbol of a histogram, summed over its bins in order.
  static func entropy(of counts: [Int]) -> Double {
    let total = counts.reduce(0, +)
    guard total > 0 else { return 0 }
    return counts.reduce(0.0) { h, n in
      guard n > 0 else { return h }
      let p = Double(n) / Double(total)
      return h - p * log2(p)
    }
  }

  /// How many entries of the mask are true.
  private static func keptCount(_ kept: [Bool]) -> Int {
    kept.withUnsafeBytes { bytes in bytes.reduce(0) { $0 + Int($1) } }
  }

  private static func binaryEntropy(_ p: Double) -> Double {
    guard p > 0 && p < 1 else { return 0 }
    return -(p * log2(p) + (1 - p) * log2(1 - p))
  }
}
