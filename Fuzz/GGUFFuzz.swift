// libFuzzer target for the GGUF reader (DESIGN.md §8: nothing on a file-input path may crash).
// Built by Fuzz/run.sh together with the real PareFormats/PareCore sources it exercises.
//
// Each input is a whole file image, written to a scratch file and opened with `GGUFFile`.
// Beyond "no crash": an error must be one line naming the file; an accepted file must keep the
// header's promises (unique names, 1 to 4 positive dimensions, rows of whole blocks, aligned
// offsets, every tensor inside the file, none overlapping), and every tensor of a type Pare
// decodes must decode to its shape, the others refusing with a message naming the type.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PareCore

private let scratchPath = fuzzScratchPath("input") + ".gguf"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  writeScratch(input)
  let file: GGUFFile
  do {
    file = try GGUFFile(path: scratchPath)
  } catch {
    require(error.file == scratchPath && error.description.hasPrefix(scratchPath + ": "), "error does not name the file: \(error)")
    require(!error.description.contains("\n"), "error is more than one line: \(error)")
    return 0
  }
  require(file.version == 2 || file.version == 3, "version \(file.version) accepted")
  require(file.alignment > 0 && file.alignment & (file.alignment - 1) == 0, "alignment \(file.alignment)")
  require(file.dataOffset % file.alignment == 0, "data section not aligned")
  require(Set(file.tensors.map(\.name)).count == file.tensors.count, "duplicate tensor names")
  require(Set(file.metadata.keys).count == file.metadata.keys.count, "duplicate keys")
  var ranges: [Range<Int>] = []
  for tensor in file.tensors {
    require((1...4).contains(tensor.dimensions.count) && tensor.dimensions.allSatisfy { $0 > 0 }, "\(tensor.name): bad dimensions")
    require(tensor.dimensions[0] % tensor.type.blockSize == 0, "\(tensor.name): row not whole blocks")
    require(tensor.offset % file.alignment == 0, "\(tensor.name): offset not aligned")
    let range = file.fileRange(of: tensor)
    require(range.lowerBound >= file.dataOffset && range.upperBound <= input.count, "\(tensor.name): outside the file")
    require(tensor.byteCount == tensor.elementCount / tensor.type.blockSize * tensor.type.bytesPerBlock, "\(tensor.name): size")
    ranges.append(range)
    do {
      let decoded = try file.decode(tensor)
      require(tensor.type.isDecodable, "\(tensor.name): \(tensor.type.name) decoded")
      require(decoded.shape == tensor.shape && decoded.scalars.count == tensor.elementCount, "\(tensor.name): decoded size")
    } catch {
      require(!tensor.type.isDecodable && error.description.contains(tensor.type.name), "\(tensor.name): \(error)")
    }
  }
  ranges.sort { $0.lowerBound < $1.lowerBound }
  for (a, b) in zip(ranges, ranges.dropFirst()) where !a.isEmpty && !b.isEmpty { require(a.upperBound <= b.lowerBound, "tensors overlap") }
  return 0
}

/// Replaces the scratch file's contents with `bytes`.
private func writeScratch(_ bytes: [UInt8]) {
  let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  require(fd >= 0, "cannot open \(scratchPath)")
  bytes.withUnsafeBytes { raw in
    var offset = 0
    while let base = raw.baseAddress, offset < raw.count {
      let written = write(fd, base + offset, raw.count - offset)
      require(written > 0, "cannot write \(scratchPath)")
      offset += written
    }
  }
  close(fd)
}

/// Traps with `message` when `condition` is false: a bug for libFuzzer to report.
private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
  if !condition { fatalError(message()) }
}
