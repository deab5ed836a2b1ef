import PareCore

extension QuantizedTensor {
  /// How often each stored symbol occurs at the kept positions (all when `kept` is nil), in
  /// ascending order of `codes` values: the order the entropy estimate sums them in.
  ///
  /// Counted straight from the code bytes (or, for FP16/BF16, from the bit patterns of
  /// `values`) on every core, without building `codes`.
  func symbolCounts(where kept: [Bool]?) -> [Int] {
    guard let kept else { return symbolCounts(keptAt: nil) }
    return kept.withUnsafeBufferPointer { symbolCounts(keptAt: $0.baseAddress) }
  }

  private func symbolCounts(keptAt kept: UnsafePointer<Bool>?) -> [Int] {
    switch spec.scheme {
    case .fp16, .bf16:
      return halfWidthCounts(where: kept)
    case .int where spec.symmetric:
      // Two's complement bytes: codes -128...-1 are bytes 128...255.
      let counts = byteCounts(where: kept)
      return Array(counts[128...] + counts[..<128])
    case .int, .codebook, .fp8E4M3, .fp8E5M2:
      return byteCounts(where: kept)
    case .ggml:
      // Codes and scales are interleaved in the blocks; their size is counted as is.
      return []
    }
  }

  private func byteCounts(where kept: UnsafePointer<Bool>?) -> [Int] {
    codeBytes.withUnsafeBufferPointer { codes in
      mergedHistograms(bins: 256, ParallelChunks.map(count: codes.count, chunkSize: 1 << 18) { range in
        // Eight interleaved histograms: a run of one code would otherwise wait on one counter.
        var histogram = [Int](repeating: 0, count: 8 * 256)
        histogram.withUnsafeMutableBufferPointer { histogram in
          for i in range {
            if let kept, !kept[i] { continue }
            histogram[(i & 7) << 8 | Int(codes[i])] &+= 1
          }
        }
        return histogram
      })
    }
  }

  private func halfWidthCounts(where kept: UnsafePointer<Bool>?) -> [Int] {
    let isBF16 = spec.scheme == .bf16
    return values.withUnsafeBufferPointer { values in
      mergedHistograms(bins: 1 << 16, ParallelChunks.map(count: values.count, chunkSize: 1 << 20) { range in
        var histogram = [Int](repeating: 0, count: 1 << 16)
        histogram.withUnsafeMutableBufferPointer { histogram in
          let start = values.baseAddress! + range.lowerBound
          for (offset, lanes) in Vectors8(range.count) {
            let x = start.vector8(at: offset, lanes: lanes, padding: 0)
            let patterns = isBF16 ? FloatConversion.bf16Bits(x) : FloatConversion.f16Bits(x)
            for lane in 0..<lanes where kept?[range.lowerBound + offset + lane] ?? true {
              histogram[Int(patterns[lane])] &+= 1
            }
          }
        }
        return histogram
      })
    }
  }
}

/// The bin-wise sum of histograms of `bins` bins, each possibly several interleaved histograms
/// laid end to end.
private func mergedHistograms(bins: Int, _ parts: [[Int]]) -> [Int] {
  var total = [Int](repeating: 0, count: bins)
  for part in parts { for (bin, n) in part.enumerated() { total[bin % bins] &+= n } }
  return total
}
