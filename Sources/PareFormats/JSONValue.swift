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

/// Keys of the outermost JSON object in the order they appear, duplicates included.
///
/// JSON decoders keep one value per key, so a duplicate tensor name would pass unseen; this scan
/// finds them. Keys are returned as raw JSON string literals (quotes and escapes kept); it
/// assumes `json` already parsed as an object.
func outermostObjectKeyLiterals(_ json: [UInt8]) -> [ArraySlice<UInt8>] {
  var keys: [ArraySlice<UInt8>] = []
  var depth = 0, expectKey = false, i = 0
  while i < json.count {
    switch json[i] {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      depth += 1
      expectKey = depth == 1
    case UInt8(ascii: "}"), UInt8(ascii: "]"):
      depth -= 1
    case UInt8(ascii: ","):
      expectKey = depth == 1
    case UInt8(ascii: "\""):
      let start = i
      i += 1
      while i < json.count && json[i] != UInt8(ascii: "\"") {
        i += json[i] == UInt8(ascii: "\\") ? 2 : 1
      }
      if depth == 1 && expectKey { keys.append(json[start...min(i, json.count - 1)]) }
      expectKey = false
    default: break
    }
    i += 1
  }
  return keys
}
