import PareCore
import PareFormats

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
    case .ggml: []
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
  /// The ggml blocks, row after row, as llama.cpp stores them; `ggml` only (whose codes and scales
  /// live inside the blocks).
  public var ggmlBlocks: [UInt8] = []
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
  ///
  /// Groups are quantized on every core at once; the result does not depend on how many.
  ///
  /// `importance` (one weight per column) is used by `ggml` specs with `imatrix`, and only there.
  public static func quantize(
    _ values: [Float], rows: Int, columns: Int, spec: QuantizeSpec, kept: [Bool]? = nil, importance: [Float]? = nil
  ) -> QuantizedTensor {
    if spec.scheme == .ggml, let type = spec.type {
      return ggml(values, rows: rows, columns: columns, spec: spec, type: type, importance: spec.imatrix ? importance : nil)
    }
    let layout = GroupLayout(rows: rows, columns: columns, granularity: spec.granularity, groupSize: spec.groupSize)
    let bits = spec.bits ?? 8
    let result: (values: [Float], codes: [UInt8], scales: [Float], zeroPoints: [Int32], codebooks: [Float])
    switch spec.scheme {
    case .fp16, .bf16:
      result = (halfWidth(values, isBF16: spec.scheme == .bf16), [], [], [], [])
    case .fp8E4M3, .fp8E5M2:
      let grid = quantize(values, layout: layout, grid: spec.scheme == .fp8E4M3 ? FloatFormat.e4m3 : .e5m2)
      result = (grid.values, grid.codes, grid.scales, [], [])
    case .int where spec.symmetric:
      let grid = quantize(values, layout: layout, grid: SymmetricIntGrid(bits: bits))
      result = (grid.values, grid.codes, grid.scales, [], [])
    case .int:
      let grid = quantize(values, layout: layout, grid: AsymmetricIntGrid(bits: bits))
      result = (grid.values, grid.codes, grid.scales, grid.zeroPoints, [])
    case .codebook:
      let shared = codebook(values, layout: layout, clusters: 1 << bits, kept: kept)
      result = (shared.values, shared.codes, [], [], shared.codebooks)
    case .ggml:
      // Validation refuses a ggml spec without a type; an unvalidated one leaves the values as they are.
      result = (values, [], [], [], [])
    }
    return QuantizedTensor(spec: spec, layout: layout, values: result.values, codeBytes: result.codes,
                           scales: result.scales, zeroPoints: result.zeroPoints, codebooks: result.codebooks)
  }

  /// ggml blocks of `type`, and the values ggml's own dequantizer reads back from them.
  private static func ggml(_ values: [Float], rows: Int, columns: Int, spec: QuantizeSpec, type: GGMLType,
                           importance: [Float]?) -> QuantizedTensor {
    let blocks = values.withUnsafeBufferPointer { x in
      if let importance {
        importance.withUnsafeBufferPointer {
          GGMLQuantizer.quantize(x, rows: rows, columns: columns, type: type, importance: $0)
        }
      } else {
        GGMLQuantizer.quantize(x, rows: rows, columns: columns, type: type, importance: nil)
      }
    }
    var decoded = [Float](repeating: 0, count: values.count)
    blocks.withUnsafeBytes { raw in decoded.withUnsafeMutableBufferPointer { GGMLDequantize.decode(raw, type: type, into: $0) } }
    var quantized = QuantizedTensor(
      spec: spec, layout: GroupLayout(rows: rows, columns: columns, granularity: .group, groupSize: type.blockSize),
      values: decoded, codeBytes: [], scales: [], zeroPoints: [], codebooks: [])
    quantized.ggmlBlocks = blocks
    return quantized
  }

  /// FP16 or BF16: each value cast to the narrow format and back.
  private static func halfWidth(_ values: [Float], isBF16: Bool) -> [Float] {
    values.withUnsafeBufferPointer { source in
      [Float](overwriting: source.count) { out in
        ParallelChunks.forEach(count: source.count, chunkSize: ParallelChunks.elementsPerChunk) { chunk in
          let from = source.baseAddress! + chunk.lowerBound, to = out + chunk.lowerBound
          for (offset, lanes) in Vectors8(chunk.count) {
            let x = from.vector8(at: offset, lanes: lanes, padding: 0)
            let cast = isBF16 ? FloatConversion.float(bf16Bits: FloatConversion.bf16Bits(x))
              : FloatConversion.float(f16Bits: FloatConversion.f16Bits(x))
            to.store(cast, at: offset, lanes: lanes)
          }
        }
      }
    }
  }

  /// Quantizes each group of `layout` on `grid`: its parameters from its extremes, then its
  /// elements. One group spanning the tensor takes its extremes chunk by chunk first.
  private static func quantize<Grid: GroupGrid>(
    _ values: [Float], layout: GroupLayout, grid: Grid
  ) -> (values: [Float], codes: [UInt8], scales: [Float], zeroPoints: [Int32]) {
    var scales = [Float](repeating: 1, count: layout.count)
    var zeroPoints = [Int32](repeating: 0, count: grid.hasZeroPoint ? layout.count : 0)
    var quantized: [Float] = [], codes: [UInt8] = []
    values.withUnsafeBufferPointer { source in
      guard let source = source.baseAddress else { return }
      scales.withUnsafeMutableBufferPointer { scales in
        zeroPoints.withUnsafeMutableBufferPointer { zeroPoints in
          codes = [UInt8](overwriting: values.count) { codes in
            quantized = [Float](overwriting: values.count) { out in
              func quantize(_ range: Range<Int>, _ parameters: (scale: Float, zeroPoint: Int32)) {
                grid.quantize(source + range.lowerBound, count: range.count, scale: parameters.scale,
                              zeroPoint: parameters.zeroPoint, codes: codes + range.lowerBound, values: out + range.lowerBound)
              }
              if layout.isWholeTensor {
                let parts = ParallelChunks.map(count: values.count, chunkSize: ParallelChunks.elementsPerChunk) { chunk in
                  Extremes(source + chunk.lowerBound, count: chunk.count)
                }
                let parameters = grid.parameters(parts.reduce(Extremes()) { $0.merged(with: $1) })
                scales[0] = parameters.scale
                if grid.hasZeroPoint { zeroPoints[0] = parameters.zeroPoint }
                ParallelChunks.forEach(count: values.count, chunkSize: ParallelChunks.elementsPerChunk) { quantize($0, parameters) }
                return
              }
              let groupsPerChunk = Swift.max(1, ParallelChunks.elementsPerChunk / layout.groupSize)
              ParallelChunks.forEach(count: layout.count, chunkSize: groupsPerChunk) { groups in
                for g in groups {
                  let range = layout.range(g)
                  let parameters = grid.parameters(Extremes(source + range.lowerBound, count: range.count))
                  scales[g] = parameters.scale
                  if grid.hasZeroPoint { zeroPoints[g] = parameters.zeroPoint }
                  quantize(range, parameters)
                }
              }
            }
          }
        }
      }
    }
    return (quantized, codes, scales, zeroPoints)
  }

  /// Codebook quantization: k-means per group over its kept entries; pruned entries keep value 0
  /// and code 0.
  private static func codebook(
    _ values: [Float], layout: GroupLayout, clusters: Int, kept: [Bool]?
  ) -> (values: [Float], codes: [UInt8], codebooks: [Float]) {
    var out = [Float](repeating: 0, count: values.count)
    var codes = [UInt8](repeating: 0, count: values.count)
    var codebooks = [Float](repeating: 0, count: layout.count * clusters)
    out.withUnsafeMutableBufferPointer { out in
      codes.withUnsafeMutableBufferPointer { codes in
        codebooks.withUnsafeMutableBufferPointer { codebooks in
          // Lloyd's iterations make a group far costlier than its size: a chunk is a few groups.
          let groupsPerChunk = Swift.max(1, (ParallelChunks.elementsPerChunk / 16) / layout.groupSize)
          ParallelChunks.forEach(count: layout.count, chunkSize: groupsPerChunk) { groups in
            for g in groups {
              let members = layout.range(g).filter { kept?[$0] ?? true }
              let fit = KMeans.fit(members.map { values[$0] }, clusters: clusters)
              for (k, i) in members.enumerated() {
                codes[i] = UInt8(fit.assignment[k])
                out[i] = fit.centroids[fit.assignment[k]]
              }
              for (c, centroid) in fit.centroids.enumerated() { codebooks[g * clusters + c] = centroid }
            }
          }
        }
      }
    }
    return (out, codes, codebooks)
  }

  /// `f16(range / divisor)` clamped to [2^-24, 65504]; 1 for an all-zero group.
  static func scale(_ range: Float, divisor: Float) -> Float {
    guard range > 0 else { return 1 }
    return min(max(FloatConversion.roundedToF16(range / divisor), smallestScale), largestScale)
  }
}
