import Foundation

/// A JSON document as the tokenizer loader needs it: object members kept in file order, keys
/// exactly as written.
///
/// Foundation's decoders key objects by Swift `String`, whose equality is canonical equivalence,
/// so a vocabulary holding both "é" (U+00E9) and "e\u{301}" would lose one of them; the Rust
/// reference keys them by bytes. This small parser keeps every member, and is faster on a
/// 30,000-entry vocabulary than decoding through `Decodable`.
enum TokenizerJSON: Sendable {
  case null
  case bool(Bool)
  /// A number, with its value as an Int when it is written as an integer that fits.
  case number(Double, integer: Int?)
  case string(String)
  case array([TokenizerJSON])
  /// Members in file order; duplicate keys are all kept.
  case object([(key: String, value: TokenizerJSON)])

  /// The value of the last member named `key` (a JSON reader that keeps one value per key keeps
  /// the last, as serde does), or nil when absent or not an object.
  subscript(key: String) -> TokenizerJSON? {
    guard case .object(let members) = self else { return nil }
    for member in members.reversed() where member.key.utf8.elementsEqual(key.utf8) {
      return member.value
    }
    return nil
  }

  /// A short name of the value's kind, for error messages.
  var kind: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  /// Parses `bytes` as one JSON value (RFC 8259, UTF-8). Errors are one line with the byte
  /// offset; nesting deeper than 256 levels is refused rather than risking the stack.
  static func parse(_ bytes: [UInt8]) throws(TokenizerJSONError) -> TokenizerJSON {
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw TokenizerJSONError(offset: 0, "not valid UTF-8")
    }
    var parser = Parser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else {
      throw TokenizerJSONError(offset: parser.index, "unexpected text after the JSON value")
    }
    return value
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipWhitespace() {
      while index < bytes.count {
        switch bytes[index] {
        case 0x20, 0x09, 0x0A, 0x0D: index += 1
        default: return
        }
      }
    }

    func error(_ message: String) -> TokenizerJSONError { TokenizerJSONError(offset: index, message) }

    mutating func value(depth: Int) throws(TokenizerJSONError) -> TokenizerJSON {
      guard depth < 256 else { throw error("nested more than 256 levels deep") }
      guard index < bytes.count else { throw error("unexpected end of file") }
      switch bytes[index] {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): try literal("true"); return .bool(true)
      case UInt8(ascii: "f"): try literal("false"); return .bool(false)
      case UInt8(ascii: "n"): try literal("null"); return .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
      default: throw error("unexpected character")
      }
    }

    mutating func literal(_ word: StaticString) throws(TokenizerJSONError) {
      let count = word.utf8CodeUnitCount
      guard index + count <= bytes.count else { throw error("unexpected end of file") }
      let matches = word.withUTF8Buffer { expected in
        expected.indices.allSatisfy { expected[$0] == bytes[index + $0] }
      }
      guard matches else { throw error("unexpected character") }
      index += count
    }

    mutating func object(depth: Int) throws(TokenizerJSONError) -> TokenizerJSON {
      index += 1
      var members: [(key: String, value: TokenizerJSON)] = []
      skipWhitespace()
      if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("expected a member name in quotes")
        }
        let key = try string()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
        index += 1
        skipWhitespace()
        members.append((key, try value(depth: depth + 1)))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of file in an object") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        } else {
          throw error("expected ',' or '}'")
        }
      }
    }

    mutating func array(depth: Int) throws(TokenizerJSONError) -> TokenizerJSON {
      index += 1
      var elements: [TokenizerJSON] = []
      skipWhitespace()
      if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      while true {
        skipWhitespace()
        elements.append(try value(depth: depth + 1))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of file in an array") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
        } else if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(elements)
        } else {
          throw error("expected ',' or ']'")
        }
      }
    }

    /// A string starting at the opening quote. The file is valid UTF-8 (checked up front), so
    /// runs without escapes decode as they are.
    mutating func string() throws(TokenizerJSONError) -> String {
      index += 1
      var start = index
      var result = ""
      while true {
        guard index < bytes.count else { throw error("unterminated string") }
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") {
          result += String(decoding: bytes[start..<index], as: UTF8.self)
          index += 1
          return result
        }
        if byte < 0x20 { throw error("control character in a string") }
        if byte != UInt8(ascii: "\\") {
          index += 1
          continue
        }
        result += String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        guard index < bytes.count else { throw error("unterminated string") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): result += "\""
        case UInt8(ascii: "\\"): result += "\\"
        case UInt8(ascii: "/"): result += "/"
        case UInt8(ascii: "b"): result += "\u{08}"
        case UInt8(ascii: "f"): result += "\u{0C}"
        case UInt8(ascii: "n"): result += "\n"
        case UInt8(ascii: "r"): result += "\r"
        case UInt8(ascii: "t"): result += "\t"
        case UInt8(ascii: "u"):
          var code = try hex4()
          if (0xD800...0xDBFF).contains(code) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw error("lone leading surrogate in \\u escape") }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid surrogate pair in \\u escape") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00...0xDFFF).contains(code) {
            throw error("lone trailing surrogate in \\u escape")
          }
          guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
          result.unicodeScalars.append(scalar)
        default:
          throw error("invalid escape")
        }
        start = index
      }
    }

    mutating func hex4() throws(TokenizerJSONError) -> UInt32 {
      guard index + 4 <= bytes.count else { throw error("unterminated \\u escape") }
      var code: UInt32 = 0
      for _ in 0..<4 {
        let byte = bytes[index]
        let digit: UInt32
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
        default: throw error("invalid hex digit in \\u escape")
        }
        code = code << 4 | digit
        index += 1
      }
      return code
    }

    mutating func number() throws(TokenizerJSONError) -> TokenizerJSON {
      let start = index
      func digits() -> Int {
        let first = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - first
      }
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      let integerDigits = digits()
      guard integerDigits > 0 else { throw error("invalid number") }
      if integerDigits > 1 && bytes[index - integerDigits] == UInt8(ascii: "0") {
        throw error("invalid number (leading zero)")
      }
      var isInteger = true
      if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
        index += 1
        isInteger = false
        guard digits() > 0 else { throw error("invalid number") }
      }
      if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
        index += 1
        isInteger = false
        if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
          index += 1
        }
        guard digits() > 0 else { throw error("invalid number") }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard let double = Double(text) else { throw TokenizerJSONError(offset: start, "invalid number") }
      return .number(double, integer: isInteger ? Int(text) : nil)
    }
  }
}

/// Why a tokenizer file is not valid JSON, with the byte offset where parsing stopped.
struct TokenizerJSONError: Error, CustomStringConvertible {
  /// Byte offset into the file.
  let offset: Int
  /// What was wrong there.
  let message: String

  init(offset: Int, _ message: String) {
    self.offset = offset
    self.message = message
  }

  var description: String { "malformed JSON at byte \(offset): \(message)" }
}
