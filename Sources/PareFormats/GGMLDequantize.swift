import PareCore

/// ggml's `dequantize_row_*` for the types Pare decodes, written from the block layouts of
/// ggml-common.h, giving the same Float32 bits as ggml's C code.
///
/// Bit-exactness rests on doing the same float operations in the same order: scales are
/// converted from f16 exactly, a block's sub-scale is formed first (`d * sc`, then `* q`), and
/// `a * q - m` / `a * q + m` are a multiply then an add, never fused (Swift does not contract
/// floating-point expressions; gguf-py's numpy dequantizers round the same way). Blocks are
/// independent, so a tensor is decoded on every core in fixed chunks of blocks.
public enum GGMLDequantize {
  /// Decodes `raw` (whole blocks of `type`) into `output` (blockSize elements per block).
  public static func decode(_ raw: UnsafeRawBufferPointer, type: GGMLType, into output: UnsafeMutableBufferPointer<Float>) {
    guard let source = raw.baseAddress, let y = output.baseAddress, !output.isEmpty else { return }
    let blocks = min(raw.count / type.bytesPerBlock, output.count / type.blockSize)
    let block: (UnsafePointer<UInt8>, UnsafeMutablePointer<Float>) -> Void
    switch type {
    case .f32:
      UnsafeMutableRawBufferPointer(output).copyMemory(from: UnsafeRawBufferPointer(start: source, count: blocks * 4))
      return
    case .f16: return halves(source, count: blocks, into: y, bf16: false)
    case .bf16: return halves(source, count: blocks, into: y, bf16: true)
    case .q4_0: block = q4_0
    case .q4_1: block = q4_1
    case .q5_0: block = q5_0
    case .q5_1: block = q5_1
    case .q8_0: block = q8_0
    case .q2_k: block = q2_k
    case .q3_k: block = q3_k
    case .q4_k: block = q4_k
    case .q5_k: block = q5_k
    case .q6_k: block = q6_k
    case .iq4_nl: block = iq4_nl
    case .iq4_xs: block = iq4_xs
    default: return  // not decodable: GGUFFile.decode refuses it before calling
    }
    let bytes = type.bytesPerBlock, size = type.blockSize
    let x = source.assumingMemoryBound(to: UInt8.self)
    nonisolated(unsafe) let out = y
    ParallelChunks.forEach(count: blocks, chunkSize: max(1, ParallelChunks.elementsPerChunk / size)) { range in
      for i in range { block(x + i * bytes, out + i * size) }
    }
  }

  /// F16 or BF16 elements, eight at a time (`FloatConversion`'s exact vector conversions).
  private static func halves(_ source: UnsafeRawPointer, count: Int, into y: UnsafeMutablePointer<Float>, bf16: Bool) {
    nonisolated(unsafe) let out = y
    ParallelChunks.forEach(count: count, chunkSize: ParallelChunks.elementsPerChunk) { range in
      var i = range.lowerBound
      while i + 8 <= range.upperBound {
        var bits = SIMD8<UInt32>()
        for lane in 0..<8 { bits[lane] = UInt32(source.loadUnaligned(fromByteOffset: 2 * (i + lane), as: UInt16.self)) }
        let values = bf16 ? FloatConversion.float(bf16Bits: bits) : FloatConversion.float(f16Bits: bits)
        UnsafeMutableRawPointer(out + i).storeBytes(of: values, as: SIMD8<Float>.self)
        i += 8
      }
      while i < range.upperBound {
        let bits = source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
        out[i] = bf16 ? FloatConversion.float(bf16Bits: bits) : FloatConversion.float(f16Bits: bits)
        i += 1
      }
    }
  }

  /// The f16 at byte `offset` of a block, as Float32 (exact).
  @inline(__always) private static func half(_ x: UnsafePointer<UInt8>, _ offset: Int) -> Float {
    FloatConversion.float(f16Bits: UInt16(x[offset]) | UInt16(x[offset + 1]) << 8)
  }

  // Block layouts (bytes): see ggml-common.h's block_q4_0 ... block_q6_K.

  /// d (f16), qs[16]: nibble j is element j, high nibble j + 16; value (q - 8) * d.
  private static func q4_0(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0), qs = x + 2
    for j in 0..<16 {
      y[j] = Float(Int32(qs[j] & 0x0F) - 8) * d
      y[j + 16] = Float(Int32(qs[j] >> 4) - 8) * d
    }
  }

  /// d, m (f16), qs[16]: q * d + m.
  private static func q4_1(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0), m = half(x, 2), qs = x + 4
    for j in 0..<16 {
      y[j] = Float(qs[j] & 0x0F) * d + m
      y[j + 16] = Float(qs[j] >> 4) * d + m
    }
  }

  /// The 32 fifth bits of a q5 block, little-endian.
  @inline(__always) private static func fifthBits(_ x: UnsafePointer<UInt8>) -> UInt32 {
    UInt32(x[0]) | UInt32(x[1]) << 8 | UInt32(x[2]) << 16 | UInt32(x[3]) << 24
  }

  /// d (f16), qh[4], qs[16]: bit j of qh is element j's fifth bit; (q - 16) * d.
  private static func q5_0(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0), qh = fifthBits(x + 2), qs = x + 6
    for j in 0..<16 {
      let h0 = ((qh >> UInt32(j)) << 4) & 0x10, h1 = (qh >> UInt32(j + 12)) & 0x10
      y[j] = Float(Int32(UInt32(qs[j] & 0x0F) | h0) - 16) * d
      y[j + 16] = Float(Int32(UInt32(qs[j] >> 4) | h1) - 16) * d
    }
  }

  /// d, m (f16), qh[4], qs[16]: q * d + m.
  private static func q5_1(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0), m = half(x, 2), qh = fifthBits(x + 4), qs = x + 8
    for j in 0..<16 {
      let h0 = ((qh >> UInt32(j)) << 4) & 0x10, h1 = (qh >> UInt32(j + 12)) & 0x10
      y[j] = Float(UInt32(qs[j] & 0x0F) | h0) * d + m
      y[j + 16] = Float(UInt32(qs[j] >> 4) | h1) * d + m
    }
  }

  /// d (f16), qs[32] (int8): q * d.
  private static func q8_0(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0)
    for j in 0..<32 { y[j] = Float(Int8(bitPattern: x[2 + j])) * d }
  }

  /// scales[16] (4-bit scale, 4-bit min), qs[64] (2 bits), d, dmin (f16):
  /// (d * sc) * q - (dmin * m) per 16 elements.
  private static func q2_k(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let scales = x, d = half(x, 80), dmin = half(x, 82)
    var q = x + 16, y = y, s = 0
    for _ in 0..<2 {
      for shift in stride(from: 0, to: 8, by: 2) {
        for half in 0..<2 {
          let sc = scales[s]
          s += 1
          let dl = d * Float(sc & 0xF), ml = dmin * Float(sc >> 4)
          for l in 0..<16 { y[l] = dl * Float((q[l + 16 * half] >> UInt8(shift)) & 3) - ml }
          y += 16
        }
      }
      q += 32
    }
  }

  /// hmask[32], qs[64] (low 2 bits), scales[12] (sixteen 6-bit scales), d (f16):
  /// (d * (sc - 32)) * (q - (high bit clear ? 4 : 0)) per 16 elements.
  private static func q3_k(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let hm = x, packed = x + 96, d = half(x, 108)
    /// Scale i: the low nibble of byte i (high nibble of byte i - 8 for i ≥ 8) and two bits of
    /// byte 8 + i % 4, as ggml's kmask shuffle of the twelve bytes.
    func scale(_ i: Int) -> Int32 {
      let low = i < 8 ? packed[i] & 0x0F : packed[i - 8] >> 4
      let high = (packed[8 + i % 4] >> UInt8(2 * (i / 4))) & 3
      return Int32(low | high << 4) - 32
    }
    var q = x + 32, y = y, s = 0, mask: UInt8 = 1
    for _ in 0..<2 {
      for shift in stride(from: 0, to: 8, by: 2) {
        for half in 0..<2 {
          let dl = d * Float(scale(s))
          s += 1
          for l in 0..<16 {
            let k = l + 16 * half
            let value = Int32((q[k] >> UInt8(shift)) & 3) - (hm[k + 0] & mask != 0 ? 0 : 4)
            y[l] = dl * Float(value)
          }
          y += 16
        }
        mask <<= 1
      }
      q += 32
    }
  }

  /// The 6-bit scale and min of sub-block `j` of a q4_K/q5_K block (ggml's get_scale_min_k4).
  @inline(__always) private static func scaleMin(_ j: Int, _ q: UnsafePointer<UInt8>) -> (Float, Float) {
    if j < 4 { return (Float(q[j] & 63), Float(q[j + 4] & 63)) }
    return (Float((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4)), Float((q[j + 4] >> 4) | ((q[j] >> 6) << 4)))
  }

  /// d, dmin (f16), scales[12], qs[128]: (d * sc) * q - (dmin * m) per 32 elements.
  private static func q4_k(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0), dmin = half(x, 2), scales = x + 4
    var q = x + 16, y = y
    for pair in 0..<4 {
      let (sc1, m1) = scaleMin(2 * pair, scales), (sc2, m2) = scaleMin(2 * pair + 1, scales)
      let d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2
      for l in 0..<32 { y[l] = d1 * Float(q[l] & 0xF) - min1 }
      for l in 0..<32 { y[l + 32] = d2 * Float(q[l] >> 4) - min2 }
      q += 32
      y += 64
    }
  }

  /// d, dmin (f16), scales[12], qh[32], qs[128]: as q4_K with a fifth bit (+16) from qh.
  private static func q5_k(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0), dmin = half(x, 2), scales = x + 4, qh = x + 16
    var ql = x + 48, y = y, u1: UInt8 = 1, u2: UInt8 = 2
    for pair in 0..<4 {
      let (sc1, m1) = scaleMin(2 * pair, scales), (sc2, m2) = scaleMin(2 * pair + 1, scales)
      let d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2
      for l in 0..<32 { y[l] = d1 * Float((ql[l] & 0xF) + (qh[l] & u1 != 0 ? 16 : 0)) - min1 }
      for l in 0..<32 { y[l + 32] = d2 * Float((ql[l] >> 4) + (qh[l] & u2 != 0 ? 16 : 0)) - min2 }
      ql += 32
      y += 64
      u1 <<= 2
      u2 <<= 2
    }
  }

  /// ql[128] (low 4 bits), qh[64] (high 2 bits), scales[16] (int8), d (f16):
  /// (d * sc) * (q - 32) per 16 elements.
  private static func q6_k(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 208)
    var ql = x, qh = x + 128, sc = x + 192, y = y
    for _ in 0..<2 {
      for l in 0..<32 {
        let s = l / 16
        let q1 = Int32((ql[l] & 0xF) | ((qh[l] >> 0) & 3) << 4) - 32
        let q2 = Int32((ql[l + 32] & 0xF) | ((qh[l] >> 2) & 3) << 4) - 32
        let q3 = Int32((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4) - 32
        let q4 = Int32((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) - 32
        y[l] = d * Float(Int8(bitPattern: sc[s])) * Float(q1)
        y[l + 32] = d * Float(Int8(bitPattern: sc[s + 2])) * Float(q2)
        y[l + 64] = d * Float(Int8(bitPattern: sc[s + 4])) * Float(q3)
        y[l + 96] = d * Float(Int8(bitPattern: sc[s + 6])) * Float(q4)
      }
      y += 128
      ql += 64
      qh += 32
      sc += 8
    }
  }

  /// kvalues_iq4nl: the sixteen levels of iq4_nl and iq4_xs.
  static let iq4Values: [Float] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

  /// d (f16), qs[16]: d * level (nibble j element j, high nibble j + 16).
  private static func iq4_nl(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0), qs = x + 2
    iq4Values.withUnsafeBufferPointer { values in
      for j in 0..<16 {
        y[j] = d * values[Int(qs[j] & 0xF)]
        y[j + 16] = d * values[Int(qs[j] >> 4)]
      }
    }
  }

  /// d (f16), scales_h (u16), scales_l[4], qs[128]: per 32 elements (d * (ls - 32)) * level,
  /// ls the 6-bit scale (low nibble from scales_l, two high bits from scales_h).
  private static func iq4_xs(_ x: UnsafePointer<UInt8>, _ y: UnsafeMutablePointer<Float>) {
    let d = half(x, 0), high = UInt16(x[2]) | UInt16(x[3]) << 8
    iq4Values.withUnsafeBufferPointer { values in
      for ib in 0..<8 {
        let low = (x[4 + ib / 2] >> UInt8(4 * (ib % 2))) & 0xF
        let ls = Int32(low) | Int32((high >> UInt16(2 * ib)) & 3) << 4
        let dl = d * Float(ls - 32)
        let qs = x + 8 + 16 * ib, yb = y + 32 * ib
        for j in 0..<16 {
          yb[j] = dl * values[Int(qs[j] & 0xF)]
          yb[j + 16] = dl * values[Int(qs[j] >> 4)]
        }
      }
    }
  }
}
