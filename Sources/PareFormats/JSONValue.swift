import Foundation

/// A JSON value as decoded by Foundation's JSONDecoder, for headers whose keys are data
/// (safetensors tensor names) rather than a fixed schema.
enum JSONValue: Decodable, Equatable {
  case null, bool(Bool), int(Int), number(Double), string(String)
  case array([JSONValue]), object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() { self = .null }
    else if let b = try? container.decode(Bool.self) { self = .bool(b) }
    else if let i = try? container.decode(Int.self) { self = .int(i) }
    else if let d = try? container.decode(Double.self) { self = .number(d) }
    else if let s = try? container.decode(String.self) { self = .string(s) }
    else if let a = try? container.decode([JSONValue].self) { self = .array(a) }
    else { self = .object(try container.decode([String: JSONValue].self)) }
  }

  /// A short name of the value's kind, for error messages.
  var kind: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .int, .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

/// What a JSON decoder does not say about a text: a key given twice in one object (decoders
/// keep one value, Foundation's the first, Python's the last, so readers would disagree), or a
/// value JSON does not allow (NaN, Infinity, 1e400), which Foundation reports as "The given
/// data was not valid JSON." without saying where. Found by one scan of the text, with the keys
/// leading to the place. Every JSON file Pare reads goes through it: safetensors headers,
/// plans, configs.
public struct JSONTextProblem: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Kind: Equatable, Sendable {
    /// The key given twice.
    case duplicateKey(String)
    /// The offending token as written.
    case invalidValue(String)
  }

  /// Where it is: keys and array indices ("[0]") from the outermost, for a value ending with
  /// its own key.
  public let path: [String]
  public let kind: Kind

  public var description: String {
    let place = path.reduce("") { $0.isEmpty || $1.hasPrefix("[") ? $0 + $1 : $0 + "." + $1 }
    switch kind {
    case let .duplicateKey(key): return "key \"\(key)\" appears twice" + (place.isEmpty ? "" : " in \(place)")
    case let .invalidValue(token): return (place.isEmpty ? "" : "at \(place): ") + "invalid JSON value '\(token)'"
    }
  }

  /// The first problem in `json`, nil when there is none (the text may still fail to parse for
  /// other reasons, which the decoder reports).
  public static func first(in json: [UInt8]) -> JSONTextProblem? {
    struct Level {
      let isObject: Bool
      var keys: Set<String> = []
      var expectsKey: Bool
      /// The key of the value being read (objects), or its index (arrays).
      var position: String?
    }
    var stack: [Level] = []
    var i = 0
    while i < json.count {
      let byte = json[i]
      switch byte {
      case UInt8(ascii: "{"): stack.append(Level(isObject: true, expectsKey: true))
      case UInt8(ascii: "["): stack.append(Level(isObject: false, expectsKey: false, position: "[0]"))
      case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
      case UInt8(ascii: ","):
        guard let level = stack.last else { break }
        if level.isObject {
          stack[stack.count - 1].expectsKey = true
        } else {
          let index = Int(level.position?.dropFirst().dropLast() ?? "") ?? 0
          stack[stack.count - 1].position = "[\(index + 1)]"
        }
      case UInt8(ascii: "\""):
        let start = i
        i += 1
        while i < json.count && json[i] != UInt8(ascii: "\"") { i += json[i] == UInt8(ascii: "\\") ? 2 : 1 }
        guard let level = stack.last, level.isObject, level.expectsKey else { break }
        let key = decodedKey(json[start...min(i, json.count - 1)])
        if level.keys.contains(key) { return JSONTextProblem(path: stack.dropLast().compactMap(\.position), kind: .duplicateKey(key)) }
        stack[stack.count - 1].keys.insert(key)
        stack[stack.count - 1].position = key
        stack[stack.count - 1].expectsKey = false
      case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ":"): break
      default:
        let start = i
        while i + 1 < json.count && !delimiters.contains(json[i + 1]) { i += 1 }
        let token = String(decoding: json[start...i], as: UTF8.self)
        if !isValidBareValue(token) { return JSONTextProblem(path: stack.compactMap(\.position), kind: .invalidValue(token)) }
      }
      i += 1
    }
    return nil
  }

  private static let delimiters = Set(" \n\r\t,:]}".utf8)

  /// true, false, null, or a finite number as JSON writes it (not NaN, Infinity or 1e400).
  private static func isValidBareValue(_ token: String) -> Bool {
    if ["true", "false", "null"].contains(token) { return true }
    guard let first = token.utf8.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
          token.utf8.allSatisfy({ Array("0123456789+-.eE".utf8).contains($0) }), let number = Double(token) else { return false }
    return number.isFinite
  }

  /// A key's string literal (quotes included) decoded; escapes are rare, so only those pay for
  /// a decoder.
  private static func decodedKey(_ literal: ArraySlice<UInt8>) -> String {
    guard literal.contains(UInt8(ascii: "\\")) else { return String(decoding: literal.dropFirst().dropLast(), as: UTF8.self) }
    return (try? JSONDecoder().decode(String.self, from: Data(literal))) ?? String(decoding: literal, as: UTF8.self)
  }
}
