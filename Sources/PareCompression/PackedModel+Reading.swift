import Foundation
import PareCore
import PareFormats

extension PackedModel {
  /// Reads the packed file at `path` and rebuilds the drop-in model: every tensor under its
  /// original name, shape and dtype, in the original order, with the input's `__metadata__`.
  ///
  /// Values are reconstructed with the same Float32 arithmetic as `Compressor` (q·scale,
  /// (q − zero)·scale, the centroid, the FP8/f16/bf16 value times its scale, A′·B′ through the
  /// same sgemm), so the result equals `pare apply`'s model.safetensors byte for byte.
  /// Errors name the file and the tensor: not a pare-packed/1 file, a missing part, a wrong size.
  public static func unpacked(path: String) throws -> SafetensorsWriter {
    let file = try SafetensorsFile(path: path)
    let contents = try PackedContents(file)
    var values: [String: Tensor] = [:]
    var owner: [String: String] = [:]
    for (name, tensor) in contents.tensors.sorted(by: { $0.key < $1.key }) {
      let reader = PartReader(file: file, tensor: name)
      values[name] = try reader.values(info: tensor.info, spec: tensor.spec)
      for part in reader.partsRead { owner[part] = name }
    }

    var writer = SafetensorsWriter()
    writer.metadata = contents.sourceMetadata
    var written = Set<String>()
    for entry in file.header.entries {
      if owner[entry.name] == nil && contents.tensors[entry.name] != nil {
        throw PackedModelError(file: path, tensor: entry.name, "is listed as compressed but also stored unpacked")
      }
      let name = owner[entry.name] ?? entry.name
      guard written.insert(name).inserted else { continue }
      if let info = contents.tensors[name]?.info, let tensor = values[name] {
        try writer.add(name, dtype: info.dtype, shape: info.shape,
                       bytes: encoded(tensor, as: info.dtype, tensor: name, file: path))
      } else {
        try writer.add(name, dtype: entry.dtype, shape: entry.shape, bytes: file.withRawBytes(of: entry) { Array($0) })
      }
    }
    return writer
  }

  /// Unpacks `path` into the drop-in safetensors file `output`, written atomically.
  public static func unpack(_ path: String, to output: String) throws {
    try unpacked(path: path).write(to: output)
  }
}

/// A packed file's `__metadata__`, decoded and checked against itself: the format tag, the plan,
/// and the compressed tensors' shapes and dtypes, every spec valid for its tensor.
private struct PackedContents {
  /// The compressed tensors: shape, dtype and rank from `tensors`, spec from `plan`.
  let tensors: [String: (info: PackedTensorInfo, spec: CompressionSpec)]
  /// The original model's `__metadata__`.
  let sourceMetadata: [String: String]

  init(_ file: SafetensorsFile) throws(PackedModelError) {
    func fail(_ tensor: String?, _ message: String) -> PackedModelError {
      PackedModelError(file: file.path, tensor: tensor, message)
    }
    let metadata = file.header.metadata
    guard let format = metadata["format"] else {
      throw fail(nil, "not a packed model: __metadata__ has no \"format\" (expected \"\(PackedModel.formatTag)\")")
    }
    guard format == PackedModel.formatTag else {
      throw fail(nil, "not a packed model: format is \"\(format)\", expected \"\(PackedModel.formatTag)\"")
    }
    /// The JSON value of metadata `key`, or nil when absent.
    func decode<T: Decodable>(_ type: T.Type, _ key: String) throws(PackedModelError) -> T? {
      guard let text = metadata[key] else { return nil }
      do {
        return try StrictJSON.decode(type, from: Data(text.utf8))
      } catch {
        throw fail(nil, "__metadata__ \"\(key)\": \(error.message)")
      }
    }
    guard let plan = try decode(Plan.self, "plan") else { throw fail(nil, "__metadata__ has no \"plan\"") }
    guard let infos = try decode([String: PackedTensorInfo].self, "tensors") else {
      throw fail(nil, "__metadata__ has no \"tensors\"")
    }
    sourceMetadata = try decode([String: String].self, "source_metadata") ?? [:]

    for (name, spec) in plan.tensors.sorted(by: { $0.key < $1.key }) where !spec.isEmpty && infos[name] == nil {
      throw fail(name, "is in the plan but not in __metadata__ \"tensors\"")
    }
    var tensors: [String: (info: PackedTensorInfo, spec: CompressionSpec)] = [:]
    for (name, info) in infos.sorted(by: { $0.key < $1.key }) {
      guard let spec = plan.tensors[name], !spec.isEmpty else {
        throw fail(name, "is in __metadata__ \"tensors\" but the plan does not compress it")
      }
      // Counted in bits (codes of up to 16 bits, positions), a tensor's size must fit an Int.
      var elements = 64, overflow = info.shape.contains { $0 < 0 }
      for extent in info.shape where !overflow { (elements, overflow) = elements.multipliedReportingOverflow(by: extent) }
      if overflow { throw fail(name, "bad shape \(info.shape) in __metadata__ \"tensors\"") }
      do {
        try spec.validate(shape: info.shape, dtype: info.dtype)
      } catch {
        throw fail(name, "the plan's spec does not fit \(info.dtype.rawValue) \(info.shape): \(error.message)")
      }
      if spec.lowrank != nil && info.rank == nil { throw fail(name, "low-rank but __metadata__ \"tensors\" gives no rank") }
      tensors[name] = (info, spec)
    }
    self.tensors = tensors
  }
}

/// Reads one compressed tensor's parts, checking each one's dtype and shape against what its
/// spec implies, and rebuilds the tensor's values as `Compressor` computed them.
private final class PartReader {
  let file: SafetensorsFile
  /// The compressed tensor (for error messages and part names).
  let tensor: String
  /// Names of the parts read so far: the entries this tensor owns.
  private(set) var partsRead: [String] = []

  init(file: SafetensorsFile, tensor: String) { (self.file, self.tensor) = (file, tensor) }

  func fail(_ message: String) -> PackedModelError {
    PackedModelError(file: file.path, tensor: tensor, message)
  }

  /// The reconstruction W′ of this tensor under `spec`: A′·B′ for low rank, else the dequantized
  /// (or stored) kept entries with pruned entries zero. Every part is checked against the file
  /// before anything the size of the tensor is allocated, so a shape the file's data cannot hold
  /// (`__metadata__` claiming [1e9, 1e9]) is an error, not an allocation of exabytes.
  func values(info: PackedTensorInfo, spec: CompressionSpec) throws -> Tensor {
    let (rows, columns) = Tensor.matrixShape(of: info.shape)
    if spec.lowrank != nil {
      guard let r = info.rank, r >= 1 && r <= min(rows, columns) else {
        throw fail("rank \(info.rank ?? 0) is outside 1...\(min(rows, columns))")
      }
      let a = try factor(.a, rows: rows, columns: r, dtype: info.dtype, quantize: spec.quantize)
      let b = try factor(.b, rows: r, columns: columns, dtype: info.dtype, quantize: spec.quantize)
      return try Tensor(shape: info.shape, scalars: LinearAlgebra.matmul(a, b).scalars)
    }
    if let prune = spec.prune, prune.method == .nm {
      // N:M fixes how many entries are stored, and its positions may take no bits at all (1:1),
      // so the stored values are checked first: they bound the mask built next.
      try checkStoredValues(count: rows * Self.keptPerRow(prune, columns: columns), dtype: info.dtype, quantize: spec.quantize)
    }
    let kept = try spec.prune.map { try keptMask($0, rows: rows, columns: columns) }
    if let quantize = spec.quantize {
      return try Tensor(shape: info.shape, scalars: dequantize(owner: tensor, rows: rows, columns: columns, spec: quantize, kept: kept))
    }
    let storedCount = kept.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? rows * columns
    let stored = try decoded(.values, of: tensor, dtype: info.dtype, shape: [storedCount]).scalars
    var out = [Float](repeating: 0, count: rows * columns)
    var next = 0
    for i in out.indices where kept?[i] ?? true {
      out[i] = stored[next]
      next += 1
    }
    return try Tensor(shape: info.shape, scalars: out)
  }

  /// Low-rank factor `suffix` [rows, columns]: dequantized, or stored in the tensor's dtype.
  private func factor(_ suffix: PackedPart.Suffix, rows: Int, columns: Int, dtype: DType, quantize: QuantizeSpec?) throws -> Tensor {
    guard let quantize else { return try decoded(suffix, of: tensor, dtype: dtype, shape: [rows, columns]) }
    let values = try dequantize(owner: suffix.name(of: tensor), rows: rows, columns: columns, spec: quantize, kept: nil)
    return try Tensor(shape: [rows, columns], scalars: values)
  }

  /// Entries an N:M `prune` keeps in a row of `columns`.
  private static func keptPerRow(_ prune: PruneSpec, columns: Int) -> Int {
    let n = prune.n ?? 1, m = max(prune.m ?? 1, 1)
    return columns / m * min(n, m) + min(n, columns % m)
  }

  /// Checks that the part holding `count` kept values is there with their size: the codes when
  /// quantized, else the values as stored.
  private func checkStoredValues(count: Int, dtype: DType, quantize: QuantizeSpec?) throws(PackedModelError) {
    if let quantize {
      let bytes = BitPacking.byteCount(count: count, bits: quantize.codeBits)
      _ = try part(PackedPart.Suffix.codes.name(of: tensor), dtype: .u8, shape: [bytes])
    } else {
      _ = try part(PackedPart.Suffix.values.name(of: tensor), dtype: dtype, shape: [count])
    }
  }

  /// Which entries pruning kept: the mask, or the N:M positions expanded.
  private func keptMask(_ prune: PruneSpec, rows: Int, columns: Int) throws -> [Bool] {
    let count = rows * columns
    switch prune.method {
    case .magnitude:
      return try codes(.mask, of: tensor, count: count, bits: 1).map { $0 != 0 }
    case .nm:
      let n = prune.n ?? 1, m = max(prune.m ?? 1, 1)
      let blockStarts = stride(from: 0, to: columns, by: m)
      let perRow = Self.keptPerRow(prune, columns: columns)
      let name = PackedPart.Suffix.positions.name(of: tensor)
      let positions = try codes(.positions, of: tensor, count: rows * perRow, bits: PackedModel.positionBits(m: m))
      var kept = [Bool](repeating: false, count: count)
      var next = 0
      for row in 0..<rows {
        for start in blockStarts {
          let length = min(m, columns - start)
          var previous = -1
          for _ in 0..<min(n, length) {
            let p = Int(positions[next])
            next += 1
            guard p > previous && p < length else {
              throw fail("'\(name)': position \(p) in row \(row), block at column \(start), is not increasing or not below \(length)")
            }
            kept[row * columns + start + p] = true
            previous = p
          }
        }
      }
      return kept
    }
  }

  /// Values of `owner` (the tensor or a factor) seen as [rows, columns], quantized by `spec`, of
  /// which the entries in `kept` (all when nil) were stored: dequantized exactly as `Quantizer`.
  private func dequantize(owner: String, rows: Int, columns: Int, spec: QuantizeSpec, kept: [Bool]?) throws -> [Float] {
    if spec.scheme == .ggml, let type = spec.type { return try ggmlValues(owner: owner, rows: rows, columns: columns, type: type) }
    let layout = GroupLayout(rows: rows, columns: columns, granularity: spec.granularity, groupSize: spec.groupSize)
    let count = rows * columns
    let storedCount = kept.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? count
    let bits = spec.codeBits
    let codes = try codes(.codes, of: owner, count: storedCount, bits: bits)
    let groups = [layout.count]
    let scales = spec.storesScales ? try decoded(.scales, of: owner, dtype: .f16, shape: groups).scalars : []
    let zeros = spec.storesZeroPoints ? try decoded(.zeroPoints, of: owner, dtype: .f16, shape: groups).scalars : []
    let levels = 1 << bits
    let codebook = spec.storesCodebook
      ? try decoded(.codebook, of: owner, dtype: .f16, shape: [layout.count, levels]).scalars : []

    let value: (UInt32, Int) -> Float
    switch spec.scheme {
    case .int where spec.symmetric: value = { q, g in Float(BitPacking.signExtended(q, bits: bits)) * scales[g] }
    case .int: value = { q, g in (Float(q) - zeros[g]) * scales[g] }
    case .fp8E4M3: value = { q, g in FloatConversion.float(e4m3Bits: UInt8(truncatingIfNeeded: q)) * scales[g] }
    case .fp8E5M2: value = { q, g in FloatConversion.float(e5m2Bits: UInt8(truncatingIfNeeded: q)) * scales[g] }
    case .fp16: value = { q, _ in FloatConversion.float(f16Bits: UInt16(truncatingIfNeeded: q)) }
    case .bf16: value = { q, _ in FloatConversion.float(bf16Bits: UInt16(truncatingIfNeeded: q)) }
    case .codebook: value = { q, g in codebook[g * levels + Int(q)] }
    case .ggml: value = { _, _ in 0 }  // Decoded from its blocks above; validation requires the type.
    }
    var out = [Float](repeating: 0, count: count)
    var next = 0
    for g in 0..<layout.count {
      for i in layout.range(g) where kept?[i] ?? true {
        out[i] = value(codes[next], g)
        next += 1
      }
    }
    return out
  }

  /// The values of `owner`'s ggml blocks (its `codes` part, as llama.cpp stores them), decoded as ggml does.
  private func ggmlValues(owner: String, rows: Int, columns: Int, type: GGMLType) throws -> [Float] {
    let entry = try part(PackedPart.Suffix.codes.name(of: owner), dtype: .u8,
                         shape: [rows * columns / type.blockSize * type.bytesPerBlock])
    var values = [Float](repeating: 0, count: rows * columns)
    try file.withRawBytes(of: entry) { raw in
      values.withUnsafeMutableBufferPointer { GGMLDequantize.decode(raw, type: type, into: $0) }
    }
    return values
  }

  /// `count` codes of `bits` bits from the U8 part `suffix` of `owner`.
  private func codes(_ suffix: PackedPart.Suffix, of owner: String, count: Int, bits: Int) throws(PackedModelError) -> [UInt32] {
    let name = suffix.name(of: owner)
    let entry = try part(name, dtype: .u8, shape: [BitPacking.byteCount(count: count, bits: bits)])
    do {
      return try file.withRawBytes(of: entry) { try BitPacking.unpack(Array($0), bits: bits, count: count) }
    } catch {
      throw fail("'\(name)': \(error)")
    }
  }

  /// Part `suffix` of `owner` decoded to Float32.
  private func decoded(_ suffix: PackedPart.Suffix, of owner: String, dtype: DType, shape: [Int]) throws(PackedModelError) -> Tensor {
    let name = suffix.name(of: owner)
    let entry = try part(name, dtype: dtype, shape: shape)
    do {
      return try file.withRawBytes(of: entry) { try Tensor(decoding: $0, dtype: dtype, shape: shape) }
    } catch {
      throw fail("'\(name)': \(error)")
    }
  }

  /// The entry `name`, which must exist with exactly `dtype` and `shape`.
  private func part(_ name: String, dtype: DType, shape: [Int]) throws(PackedModelError) -> SafetensorsEntry {
    guard let entry = file.entry(named: name) else {
      throw fail("missing '\(name)' (\(dtype.rawValue) \(shape))")
    }
    guard entry.dtype == dtype && entry.shape == shape else {
      throw fail("'\(name)' is \(entry.dtype.rawValue) \(entry.shape), expected \(dtype.rawValue) \(shape)")
    }
    partsRead.append(name)
    return entry
  }
}
