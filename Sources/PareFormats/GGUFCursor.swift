/// Reads a GGUF header front to back, every read checked against the end of the file.
///
/// Errors name the file and what was being read (`subject`, set by the parser as it goes), so a
/// truncated file says which key or tensor it ended in.
struct GGUFCursor {
  let bytes: UnsafeRawBufferPointer
  let file: String
  /// Where the next read starts.
  var offset = 0
  /// The key or tensor being read, for errors.
  var subject: String?

  init(bytes: UnsafeRawBufferPointer, file: String) { (self.bytes, self.file) = (bytes, file) }

  var remaining: Int { bytes.count - offset }

  func fail(_ message: String) -> GGUFError { GGUFError(file: file, subject: subject, message) }

  /// A little-endian integer.
  mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
    let size = MemoryLayout<T>.size
    guard remaining >= size else { throw fail("file ends at byte \(bytes.count) inside \(what())") }
    let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    offset += size
    return value
  }

  /// A count that must fit `minimumBytes` bytes per item in what is left of the file.
  mutating func count(_ what: String, minimumBytes: Int) throws(GGUFError) -> Int {
    let raw = try read(UInt64.self, what)
    guard raw <= UInt64(remaining / max(minimumBytes, 1)) else {
      throw fail("\(what) \(raw) cannot fit in the \(remaining) bytes left of the \(bytes.count)-byte file")
    }
    return Int(raw)
  }

  /// The raw bytes of a length-prefixed GGUF string.
  mutating func stringBytes(_ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
    let length = try read(UInt64.self, "the length of \(what())")
    guard length <= UInt64(remaining) else {
      throw fail("\(what()) of \(length) bytes runs past the end of the \(bytes.count)-byte file")
    }
    let start = offset
    offset += Int(length)
    return UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
  }

  /// A string that must be valid UTF-8 (keys and tensor names).
  mutating func strictString(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
    let raw = try stringBytes(what())
    guard let text = String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self) else {
      throw fail("\(what()) is not valid UTF-8")
    }
    return text
  }

  /// A string value; invalid UTF-8 is repaired (U+FFFD), as a value only needs to be shown.
  mutating func string(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
    String(decoding: try stringBytes(what()).bindMemory(to: UInt8.self), as: UTF8.self)
  }

  /// `count` fixed-width items copied straight out of the file (GGUF is little-endian, as are
  /// the machines Pare runs on; a big-endian host swaps each).
  mutating func items<T: FixedWidthInteger>(_: T.Type, count: Int) -> [T] {
    let size = MemoryLayout<T>.size
    let start = offset
    offset += count * size
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 {
        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<start + count * size]))
      }
      for i in 0..<count { buffer[i] = T(littleEndian: buffer[i]) }
      initialized = count
    }
  }
}
