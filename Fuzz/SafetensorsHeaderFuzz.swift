// libFuzzer target for the safetensors reader (DESIGN.md §8: nothing on a file-input path may
// crash). Built by Fuzz/run.sh together with the real PareFormats/PareCore sources it exercises.
//
// Every input is used twice:
// 1. Header mode: the first two bytes (little-endian) are the data buffer's length, the rest is
//    the JSON header, given straight to `SafetensorsHeader.parse`. When it parses, the header
//    is framed into a whole file (8-byte length + JSON + that many data bytes) and opened with
//    `SafetensorsFile`, which must then accept it and decode every tensor.
// 2. File mode: the whole input is a file image, opened with `SafetensorsFile`, so the 8-byte
//    length framing is fuzzed too.
// Beyond "no crash", accepted headers are checked against the rules they promise (entries tile
// the buffer, sizes match shapes) and every error must name the file; a broken promise traps,
// which libFuzzer reports like any crash.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PareCore

/// Where inputs are written for `SafetensorsFile`, which maps a real file: inside the directory
/// run.sh creates (and removes), one file per fuzzing process.
private let scratchPath = fuzzScratchPath("input") + ".safetensors"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  fuzzHeader(input)
  fuzzFile(image: input, expectValid: nil)
  return 0
}

/// Header mode: parse `input[2...]` against a data buffer of `input[0..<2]` bytes.
private func fuzzHeader(_ input: [UInt8]) {
  let dataLength = Int(littleEndian(input.prefix(2)))
  let json = Array(input.dropFirst(2))
  let header: SafetensorsHeader
  do {
    header = try SafetensorsHeader.parse(json, dataLength: dataLength, file: "fuzz.json")
  } catch {
    require(error.file == "fuzz.json" && error.description.hasPrefix("fuzz.json"), "error does not name the file: \(error)")
    return
  }
  checkInvariants(header, dataLength: dataLength)
  let length = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
  let buffer = (0..<dataLength).map { UInt8(truncatingIfNeeded: $0 &* 31) }
  fuzzFile(image: length + json + buffer, expectValid: header)
}

/// File mode: open `image` as a file. When `expectValid` is given, the file must open with
/// exactly that header.
private func fuzzFile(image: [UInt8], expectValid: SafetensorsHeader?) {
  writeScratch(image)
  let file: SafetensorsFile
  do {
    file = try SafetensorsFile(path: scratchPath)
  } catch {
    require(expectValid == nil, "a header that parsed was refused as a file: \(error)")
    require(error.file == scratchPath && error.description.hasPrefix(scratchPath), "error does not name the file: \(error)")
    return
  }
  if let expectValid { require(file.header == expectValid, "the file's header differs from the parsed one") }
  // It opened, so the 8-byte header length is at most 100 MB and fits an Int.
  checkInvariants(file.header, dataLength: image.count - 8 - Int(littleEndian(image.prefix(8))))
  for entry in file.header.entries {
    do {
      let tensor = try file.tensor(named: entry.name)
      require(tensor.shape == entry.shape && tensor.count == entry.elementCount, "tensor \(entry.name) decoded to the wrong size")
    } catch {
      require(false, "listed tensor \(entry.name) could not be read: \(error)")
    }
  }
}

/// The promises of an accepted header: entries in offset order tile [0, dataLength), each
/// range holds exactly shape x dtype bytes, and names are unique and never `__metadata__`.
private func checkInvariants(_ header: SafetensorsHeader, dataLength: Int) {
  var end = 0
  var names = Set<String>()
  for entry in header.entries {
    require(entry.byteRange.lowerBound == end, "entry \(entry.name) does not start where the previous one ended")
    require(entry.byteRange.count == entry.elementCount * entry.dtype.byteSize, "entry \(entry.name) has the wrong size")
    require(entry.name != "__metadata__", "__metadata__ was taken for a tensor")
    require(names.insert(entry.name).inserted, "duplicate entry \(entry.name)")
    end = entry.byteRange.upperBound
  }
  require(end == dataLength, "entries cover \(end) of \(dataLength) bytes")
}

/// The unsigned little-endian integer in `bytes` (at most 8 of them).
private func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
  bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
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
