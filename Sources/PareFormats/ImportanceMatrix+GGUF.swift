extension ImportanceMatrix {
  /// Reads llama.cpp's imatrix GGUF (`general.type` "imatrix"; F32 tensors `<weight>.in_sum2`
  /// [matrices, columns] and `<weight>.counts` [matrices, 1]; `imatrix.datasets`,
  /// `imatrix.chunk_count`, `imatrix.chunk_size`), as common/imatrix-loader.cpp does. Every
  /// problem is one line naming the file and the tensor: a sum without its count, a type other
  /// than F32, a count that is negative or not finite, several matrices per weight.
  public init(gguf path: String) throws {
    let file = try GGUFFile(path: path)
    if let type = file.metadata.string("general.type"), type != "imatrix" {
      throw ModelError(file: path, "is a GGUF of general.type '\(GGUFError.printable(type))', not an importance matrix (imatrix)")
    }
    var sums: [String: GGUFTensorInfo] = [:], counts: [String: GGUFTensorInfo] = [:]
    for tensor in file.tensors {
      if tensor.name.hasSuffix(".in_sum2") { sums[String(tensor.name.dropLast(".in_sum2".count))] = tensor }
      else if tensor.name.hasSuffix(".counts") { counts[String(tensor.name.dropLast(".counts".count))] = tensor }
    }
    guard !sums.isEmpty || !counts.isEmpty else {
      throw ModelError(file: path, "holds no importance matrix (no '.in_sum2' and '.counts' tensors)")
    }
    var entries: [String: Entry] = [:]
    for name in Set(sums.keys).union(counts.keys).sorted() {
      let printable = GGUFError.printable(name)
      guard let sum = sums[name], let count = counts[name] else {
        throw ModelError(file: path, "tensor '\(printable)' has \(sums[name] == nil ? "counts but no in_sum2" : "in_sum2 but no counts")")
      }
      guard sum.type == .f32, count.type == .f32 else {
        throw ModelError(file: path, "tensor '\(printable)': in_sum2 and counts must be F32, not \(sum.type.name) and \(count.type.name)")
      }
      let matrices = count.elementCount
      guard matrices == 1, sum.dimensions.count <= 2, sum.dimensions.dropFirst().allSatisfy({ $0 == 1 }) else {
        throw ModelError(file: path, "tensor '\(printable)' has \(matrices) matrices (a mixture of experts); Pare reads one per weight")
      }
      let values = try file.decode(sum).scalars, n = try file.decode(count).scalars[0]
      guard n.isFinite, n >= 0 else { throw ModelError(file: path, "tensor '\(printable)' has a count of \(n)") }
      if let bad = values.first(where: { !$0.isFinite || $0 < 0 }) {
        throw ModelError(file: path, "tensor '\(printable)' has a sum of squares of \(bad)")
      }
      entries[name] = Entry(sums: values, count: n.rounded())
    }
    let datasets: [String]
    if case let .array(.string(names))? = file.metadata["imatrix.datasets"] { datasets = names } else { datasets = [] }
    self.init(entries: entries, datasets: datasets, chunkCount: file.metadata.integer("imatrix.chunk_count") ?? 0,
              chunkSize: file.metadata.integer("imatrix.chunk_size") ?? 0)
  }
}

extension ImportanceMatrix {
  /// The file llama-imatrix writes (tools/imatrix/imatrix.cpp `save_imatrix`): `general.type`
  /// "imatrix", `imatrix.datasets`, `imatrix.chunk_count`, `imatrix.chunk_size` (uint32), then
  /// per weight in name order F32 `<name>.in_sum2` (ggml [columns, 1]) and `<name>.counts`
  /// ([1, 1]).
  public func ggufWriter() throws(GGUFWriterError) -> GGUFWriter {
    var writer = GGUFWriter()
    writer.set("general.type", .string("imatrix"))
    writer.set("imatrix.datasets", .array(.string(datasets)))
    writer.set("imatrix.chunk_count", .uint32(UInt32(clamping: chunkCount)))
    writer.set("imatrix.chunk_size", .uint32(UInt32(clamping: chunkSize)))
    for name in entries.keys.sorted() {
      guard let entry = entries[name], !entry.sums.isEmpty else { continue }
      try writer.addTensor(name + ".in_sum2", shape: [1, entry.sums.count], type: .f32, data: Self.bytes(entry.sums))
      try writer.addTensor(name + ".counts", shape: [1, 1], type: .f32, data: Self.bytes([entry.count]))
    }
    return writer
  }

  /// Writes the matrix to `path` as llama.cpp's imatrix GGUF, atomically; errors name the file.
  public func writeGGUF(to path: String) throws {
    let writer: GGUFWriter
    do { writer = try ggufWriter() } catch { throw ModelError(file: path, "\(error)") }
    try writer.write(to: path)
  }

  /// Little-endian Float32 bytes.
  private static func bytes(_ values: [Float]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(4 * values.count)
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
    return out
  }
}
