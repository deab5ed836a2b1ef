/// GPT-2's reversible map from bytes to printable characters, which byte-level BPE
/// vocabularies are written in: the printable Latin-1 bytes stand for themselves, the other 68
/// (controls, space, 0x7F-0xA0, 0xAD) become U+0100 onwards in byte order ("Ġ" is the space,
/// "Ċ" the newline).
enum ByteLevelAlphabet {
  /// The character of each byte.
  static let scalars: [Unicode.Scalar] = {
    var result = [Unicode.Scalar](repeating: " ", count: 256)
    var next: UInt32 = 256
    for byte in 0..<256 {
      let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
      if printable {
        result[byte] = Unicode.Scalar(UInt8(byte))
      } else {
        result[byte] = Unicode.Scalar(next) ?? " "
        next += 1
      }
    }
    return result
  }()

  /// The UTF-8 bytes of each byte's character.
  static let utf8: [[UInt8]] = scalars.map { Array(String($0).utf8) }

  /// The byte a character stands for, nil for characters outside the alphabet.
  static let bytesByScalar: [UInt32: UInt8] = {
    var result: [UInt32: UInt8] = [:]
    for (byte, scalar) in scalars.enumerated() { result[scalar.value] = UInt8(byte) }
    return result
  }()

  /// `text` (a token in the alphabet) back to bytes; characters outside the alphabet are kept
  /// as their own UTF-8 (as an added token's text is).
  static func decode(_ text: String, into bytes: inout [UInt8]) {
    for scalar in text.unicodeScalars {
      if let byte = bytesByScalar[scalar.value] {
        bytes.append(byte)
      } else {
        bytes.append(contentsOf: String(scalar).utf8)
      }
    }
  }

  /// `bytes` written in the alphabet (the form vocabulary entries have).
  static func encode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
    var result: [UInt8] = []
    for byte in bytes { result.append(contentsOf: utf8[Int(byte)]) }
    return result
  }
}
