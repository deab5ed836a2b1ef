import PareCore
import PareFormats

/// ggml's quantizers (llama.cpp's q8_0 ... q6_k), written again in Swift so that Pare's blocks
/// are the bytes llama.cpp's own `ggml_quantize_chunk` writes.
///
/// Bit-exactness rests on the same Float32 operations in the same order as ggml-quants.c (the
/// llama-cpp-python 0.3.36 sources): every sum is accumulated element by element in ggml's
/// order, `nearest_int` is ggml's magic-number rounding, C's truncating casts are mimicked
/// without trapping (`GGMLScalars`), f16 scales round to nearest even, and nothing is fused:
/// the libggml-base built here has no FMA instruction (it targets plain x86-64) and Swift never
/// contracts. What may differ from C is only the order of work that does not change a result:
/// rows run on every core, and a block's scratch is allocated once per chunk of rows.
///
/// Rows are independent in every type (the importance-weighted legacy types use their own row's
/// mean square, the ref quantizers treat each block alone), so a tensor is cut into chunks of
/// whole rows.
public enum GGMLQuantizer {
  /// The types Pare quantizes to, cheapest first (bits per weight: 2.625 for q2_k ... 8.5 for q8_0).
  public static let types: [GGMLType] = [.q2_k, .q3_k, .iq4_xs, .q4_0, .q4_k, .iq4_nl, .q4_1, .q5_0, .q5_k, .q5_1,
                                         .q6_k, .q8_0]

  /// Quantizes `rows` rows of `columns` values (row-major) into ggml blocks of `type`, row after row, exactly as
  /// ggml's `ggml_quantize_chunk(type, src, dst, 0, rows, columns, imatrix)` does: `importance` nil → the
  /// reference quantizer (`quantize_row_*_ref`); `importance` (`columns` values, one per input column, llama.cpp's
  /// imatrix mean squared activations) → the importance-weighted path ggml takes with an imatrix.
  /// The caller guarantees `columns % type.blockSize == 0` and `types.contains(type)`.
  ///
  /// iq4_nl and iq4_xs take ggml_quantize_chunk's own path without an imatrix too (a search over
  /// seven scales weighted by x², not `quantize_row_iq4_nl_ref`'s single pass): that is what
  /// llama-quantize writes. q8_0 ignores `importance`, as ggml does.
  public static func quantize(_ values: UnsafeBufferPointer<Float>, rows: Int, columns: Int, type: GGMLType,
                              importance: UnsafeBufferPointer<Float>?) -> [UInt8] {
    let blocksPerRow = type.blockSize > 0 ? columns / type.blockSize : 0
    let rowBytes = blocksPerRow * type.bytesPerBlock
    let total = Swift.max(0, rows) * rowBytes
    guard total > 0, let x = values.baseAddress, values.count >= rows * columns,
          let quantizeRow = rowQuantizer(type)
    else { return [UInt8](repeating: 0, count: total) }
    // An importance vector of the wrong length is the caller's error; it is ignored rather than read past.
    let weights = importance.flatMap { $0.count >= columns ? $0.baseAddress : nil }
    return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
      guard let y = buffer.baseAddress else { return }
      nonisolated(unsafe) let out = y
      nonisolated(unsafe) let source = x
      nonisolated(unsafe) let qw = weights
      // Every type does tens of operations per element (q4_k's search hundreds): small chunks
      // keep both cores busy to the end of a tensor.
      ParallelChunks.forEach(count: rows, chunkSize: Swift.max(1, rowsPerChunkElements / columns)) { range in
        GGMLScratch.with { scratch in
          for row in range {
            quantizeRow(source + row * columns, out + row * rowBytes, columns, qw, scratch)
          }
        }
      }
      initialized = total
    }
  }

  /// Elements of a chunk of rows handed to one core.
  static let rowsPerChunkElements = 8192

  /// One row of `n` values into its blocks, with optional importance (one per column of the row).
  typealias RowQuantizer = (UnsafePointer<Float>, UnsafeMutablePointer<UInt8>, Int, UnsafePointer<Float>?,
                            GGMLScratch) -> Void

  /// ggml_quantize_chunk's dispatch: which function quantizes a row of `type`, with an imatrix
  /// (the row's importance non-nil) or without.
  static func rowQuantizer(_ type: GGMLType) -> RowQuantizer? {
    switch type {
    case .q8_0: return { x, y, n, _, _ in q8_0(x, y, n) }
    case .q4_0: return { x, y, n, w, s in if let w { q4_0(x, y, n, w, s) } else { q4_0(x, y, n) } }
    case .q4_1: return { x, y, n, w, s in if let w { q4_1(x, y, n, w, s) } else { q4_1(x, y, n) } }
    case .q5_0: return { x, y, n, w, s in if let w { q5_0(x, y, n, w, s) } else { q5_0(x, y, n) } }
    case .q5_1: return { x, y, n, w, s in if let w { q5_1(x, y, n, w, s) } else { q5_1(x, y, n) } }
    case .q2_k: return { x, y, n, w, s in if let w { q2_k(x, y, n, w, s) } else { q2_k(x, y, n, s) } }
    case .q3_k: return { x, y, n, w, s in if let w { q3_k(x, y, n, w, s) } else { q3_k(x, y, n, s) } }
    case .q4_k: return { x, y, n, w, s in if let w { q4_k(x, y, n, w, s) } else { q4_k(x, y, n, s) } }
    case .q5_k: return { x, y, n, w, s in if let w { q5_k(x, y, n, w, s) } else { q5_k(x, y, n, s) } }
    case .q6_k: return { x, y, n, w, s in q6_k(x, y, n, w, s) }
    case .iq4_nl: return { x, y, n, w, s in iq4_nl(x, y, n, w, s) }
    case .iq4_xs: return { x, y, n, w, s in iq4_xs(x, y, n, w, s) }
    default: return nil
    }
  }
}
