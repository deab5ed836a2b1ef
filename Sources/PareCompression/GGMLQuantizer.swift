import Foundation
import PareCore
import PareFormats

/// ggml's quantizers: a row of Float32 values into the blocks llama.cpp stores, byte for byte as
/// ggml's `ggml_quantize_chunk` makes them (DESIGN.md §4, scheme `ggml`).
public enum GGMLQuantizer {
  /// The types Pare quantizes to.
  public static let types: [GGMLType] = [.q4_0, .q8_0]

  /// Quantizes `rows` rows of `columns` values (row-major) into blocks of `type`, row after row.
  /// `importance` (one weight per input column) is ggml's imatrix; q8_0 ignores it, as ggml does.
  /// The caller guarantees `columns % type.blockSize == 0` and `types.contains(type)`.
  public static func quantize(_ values: UnsafeBufferPointer<Float>, rows: Int, columns: Int, type: GGMLType,
                              importance: UnsafeBufferPointer<Float>?) -> [UInt8] {
    let blocks = columns / type.blockSize
    let rowBytes = blocks * type.bytesPerBlock
    var output = [UInt8](repeating: 0, count: rows * rowBytes)
    output.withUnsafeMutableBytes { out in
      let base = out.baseAddress!
      ParallelChunks.forEach(count: rows, chunkSize: max(1, 65_536 / max(columns, 1))) { range in
        for row in range {
          let x = values.baseAddress! + row * columns
          let y = base + row * rowBytes
          for block in 0..<blocks {
            let source = x + block * type.blockSize, destination = y + block * type.bytesPerBlock
            switch type {
            case .q8_0: q8_0(source, destination)
            default: q4_0(source, destination)
            }
          }
        }
      }
    }
    return output
  }

  /// `quantize_row_q8_0_ref`: d = max|x| / 127, q = round(x / d).
  private static func q8_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
    var amax: Float = 0
    for j in 0..<32 { amax = max(amax, abs(x[j])) }
    let d = amax / 127
    let id: Float = d != 0 ? 1 / d : 0
    y.storeBytes(of: FloatConversion.f16Bits(d).littleEndian, toByteOffset: 0, as: UInt16.self)
    for j in 0..<32 {
      y.storeBytes(of: Int8((x[j] * id).rounded(.toNearestOrAwayFromZero)), toByteOffset: 2 + j, as: Int8.self)
    }
  }

  /// `quantize_row_q4_0_ref`: d = (the value of largest magnitude) / -8, q = min(15, trunc(x / d + 8.5)).
  private static func q4_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer) {
    var amax: Float = 0, extreme: Float = 0
    for j in 0..<32 where amax < abs(x[j]) { (amax, extreme) = (abs(x[j]), x[j]) }
    let d = extreme / -8
    let id: Float = d != 0 ? 1 / d : 0
    y.storeBytes(of: FloatConversion.f16Bits(d).littleEndian, toByteOffset: 0, as: UInt16.self)
    for j in 0..<16 {
      let low = min(15, Int8(truncatingIfNeeded: Int(x[j] * id + 8.5)))
      let high = min(15, Int8(truncatingIfNeeded: Int(x[16 + j] * id + 8.5)))
      y.storeBytes(of: UInt8(low) | UInt8(high) << 4, toByteOffset: 2 + j, as: UInt8.self)
    }
  }
}
