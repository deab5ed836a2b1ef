import PareCore
import PareFormats

/// One tensor Pare quantized with an `int` spec, seen as the integer grid other runtimes store:
/// codes, a scale per group and (asymmetric) a zero-point per group, w' = (q − zero)·scale.
///
/// Built only when that grid gives back Pare's reconstruction bit for bit, so an export never
/// approximates: every other spec is refused with the tensor's name and the reason.
struct ExportedIntTensor {
  /// The tensor's name.
  let name: String
  /// The matrix it is: rows (output features) by columns (input features).
  let rows: Int, columns: Int
  /// The quantize spec (scheme `int`).
  let spec: QuantizeSpec
  /// Bits per code.
  let bits: Int
  /// The groups the scales apply to.
  let layout: GroupLayout
  /// Per element, row-major: symmetric −qmax…qmax, asymmetric 0…2^bits − 1.
  let codes: [Int32]
  /// Per group (one for tensor granularity).
  let scales: [Float]
  /// Per group, asymmetric only.
  let zeroPoints: [Int32]

  /// The grid of `c`, compressed tensor `entry` of `file`, or why `format` cannot store it.
  init(_ c: CompressedTensor, entry: SafetensorsEntry, file: String, format: String) throws(PackedModelError) {
    func refuse(_ why: String) -> PackedModelError { PackedModelError(file: file, tensor: entry.name, "\(format) cannot store it: \(why)") }
    if c.factors != nil { throw refuse("low-rank factors have no \(format) form") }
    guard let q = c.quantized, let spec = c.spec.quantize else {
      throw refuse("\(format) stores quantized integer weights only, and the spec does not quantize")
    }
    guard spec.scheme == .int, let bits = spec.bits else {
      throw refuse("\(format) stores integer grids only, not \(spec.scheme.rawValue)")
    }
    guard entry.shape.count == 2 else {
      throw refuse("a quantized tensor must be a matrix, this one has shape \(entry.shape)")
    }
    (name, rows, columns, self.spec, self.bits, layout) = (entry.name, entry.shape[0], entry.shape[1], spec, bits, q.layout)
    (codes, scales, zeroPoints) = (q.codes, q.scales, q.zeroPoints)
    // The grid's values, computed as every runtime does (an integer times a scale, exact in
    // Float32), must be Pare's to the bit; anything else (a non-finite weight) is refused.
    let values = c.values.scalars
    for g in 0..<layout.count {
      let zero = spec.symmetric ? 0 : zeroPoints[g], scale = scales[g]
      for i in layout.range(g) where (Float(codes[i] - zero) * scale).bitPattern != values[i].bitPattern {
        throw refuse("element \(i) (\(values[i])) is not its code times its scale")
      }
    }
  }

  /// `codes` offset to unsigned (symmetric + 2^(bits−1); asymmetric as they are), row by row,
  /// each row a little-endian bit stream of `bits`-bit values in `UInt32` words, zero-padded to
  /// a whole word: the packing compressed-tensors (int32) and MLX (uint32) share.
  func packedRows(offset: Int32) -> (bytes: [UInt8], wordsPerRow: Int) {
    let wordsPerRow = (columns * bits + 31) / 32
    var bytes: [UInt8] = []
    bytes.reserveCapacity(rows * wordsPerRow * 4)
    for r in 0..<rows {
      let row = codes[(r * columns)..<((r + 1) * columns)].map { $0 + offset }
      // BitPacking's layout is exactly this stream; widths 2...8 never fail.
      let packed = (try? BitPacking.pack(row, bits: bits)) ?? []
      bytes += packed + [UInt8](repeating: 0, count: wordsPerRow * 4 - packed.count)
    }
    return (bytes, wordsPerRow)
  }

  /// `values` [rows, columns] packed along the rows (compressed-tensors' `packed_dim=0`): each
  /// column a little-endian bit stream of `bits`-bit values in 32-bit words, stored as the
  /// [words, columns] matrix the transposed columns make.
  static func packedColumns(_ values: [Int32], rows: Int, columns: Int, bits: Int) -> (bytes: [UInt8], words: Int) {
    let words = (rows * bits + 31) / 32
    var out = [UInt8](repeating: 0, count: words * columns * 4)
    for c in 0..<columns {
      let packed = (try? BitPacking.pack((0..<rows).map { values[$0 * columns + c] }, bits: bits)) ?? []
      for (k, byte) in packed.enumerated() { out[((k / 4) * columns + c) * 4 + k % 4] = byte }
    }
    return (out, words)
  }

  /// The module owning the tensor: its name less ".weight", or why the tensor is not a module's weight.
  func moduleName(file: String, format: String) throws(PackedModelError) -> String {
    guard name.hasSuffix(".weight"), name.count > ".weight".count else {
      throw PackedModelError(file: file, tensor: name, "\(format) cannot store it: only a module's .weight can be quantized")
    }
    return String(name.dropLast(".weight".count))
  }
}

extension Array where Element == Float {
  /// The values encoded as `dtype` when each is exact in it, else as F32 (always exact).
  func exactlyEncoded(preferring dtype: DType) -> (dtype: DType, bytes: [UInt8]) {
    if dtype != .f32, dtype.isFloatingPoint, dtype.isWritable, let tensor = try? Tensor(shape: [count], scalars: self),
       let bytes = try? tensor.encoded(as: dtype), let back = try? tensor.rounded(through: dtype).scalars,
       zip(back, self).allSatisfy({ $0.bitPattern == $1.bitPattern }) {
      return (dtype, bytes)
    }
    return (.f32, flatMap { (value: Float) -> [UInt8] in Swift.withUnsafeBytes(of: value.bitPattern.littleEndian) { [UInt8]($0) } })
  }
}
