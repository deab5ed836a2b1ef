/// One metadata value of a GGUF file, typed as the file stores it.
public enum GGUFValue: Sendable, Equatable {
  case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
  case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
  case array(GGUFArray)

  /// The value as an Int when it is an integer of any width that fits.
  public var integer: Int? {
    switch self {
    case let .uint8(v): Int(v)
    case let .int8(v): Int(v)
    case let .uint16(v): Int(v)
    case let .int16(v): Int(v)
    case let .uint32(v): Int(v)
    case let .int32(v): Int(v)
    case let .uint64(v): Int(exactly: v)
    case let .int64(v): Int(v)
    default: nil
    }
  }

  /// The value as a Double when it is a float or an integer.
  public var double: Double? {
    switch self {
    case let .float32(v): Double(v)
    case let .float64(v): v
    case let .uint64(v): Double(v)
    default: integer.map(Double.init)
    }
  }

  /// The type's name in the GGUF specification ("uint32", "string", "array").
  public var typeName: String {
    switch self {
    case .uint8: "uint8"
    case .int8: "int8"
    case .uint16: "uint16"
    case .int16: "int16"
    case .uint32: "uint32"
    case .int32: "int32"
    case .uint64: "uint64"
    case .int64: "int64"
    case .float32: "float32"
    case .float64: "float64"
    case .bool: "bool"
    case .string: "string"
    case let .array(items): "array of \(items.count) \(items.elementTypeName)"
    }
  }
}

/// A GGUF array value: its items in one typed Swift array (so 262,144 token scores are one
/// `[Float]`, not 262,144 enum values), or nested arrays.
public enum GGUFArray: Sendable, Equatable {
  case uint8([UInt8]), int8([Int8]), uint16([UInt16]), int16([Int16]), uint32([UInt32]), int32([Int32])
  case uint64([UInt64]), int64([Int64]), float32([Float]), float64([Double]), bool([Bool]), string([String])
  case array([GGUFArray])

  /// Number of items.
  public var count: Int {
    switch self {
    case let .uint8(a): a.count
    case let .int8(a): a.count
    case let .uint16(a): a.count
    case let .int16(a): a.count
    case let .uint32(a): a.count
    case let .int32(a): a.count
    case let .uint64(a): a.count
    case let .int64(a): a.count
    case let .float32(a): a.count
    case let .float64(a): a.count
    case let .bool(a): a.count
    case let .string(a): a.count
    case let .array(a): a.count
    }
  }

  /// The items as Ints, when they are integers that all fit.
  public var integers: [Int]? {
    switch self {
    case let .uint8(a): a.map(Int.init)
    case let .int8(a): a.map(Int.init)
    case let .uint16(a): a.map(Int.init)
    case let .int16(a): a.map(Int.init)
    case let .uint32(a): a.map(Int.init)
    case let .int32(a): a.map(Int.init)
    case let .int64(a): a.map(Int.init)
    case let .uint64(a):
      a.allSatisfy { $0 <= UInt64(Int.max) } ? a.map { Int($0) } : nil
    default: nil
    }
  }

  /// The items' type name, for messages ("uint32", "array").
  public var elementTypeName: String {
    switch self {
    case .uint8: "uint8"
    case .int8: "int8"
    case .uint16: "uint16"
    case .int16: "int16"
    case .uint32: "uint32"
    case .int32: "int32"
    case .uint64: "uint64"
    case .int64: "int64"
    case .float32: "float32"
    case .float64: "float64"
    case .bool: "bool"
    case .string: "string"
    case .array: "array"
    }
  }
}

/// A GGUF file's metadata: every key and typed value, keys in file order.
public struct GGUFMetadata: Sendable, Equatable {
  /// The keys in the order the file lists them.
  public let keys: [String]
  /// Every value by key.
  public let values: [String: GGUFValue]

  public init(keys: [String], values: [String: GGUFValue]) { (self.keys, self.values) = (keys, values) }

  /// The value of `key`, or nil.
  public subscript(key: String) -> GGUFValue? { values[key] }

  /// A string value, or nil when absent or not a string.
  public func string(_ key: String) -> String? {
    if case let .string(s) = values[key] { return s }
    return nil
  }

  /// An integer value of any width as Int, or nil (absent, not an integer, or past Int).
  public func integer(_ key: String) -> Int? { values[key]?.integer }

  /// A float or integer value as Double, or nil.
  public func float(_ key: String) -> Double? { values[key]?.double }

  /// A bool value, or nil.
  public func bool(_ key: String) -> Bool? {
    if case let .bool(b) = values[key] { return b }
    return nil
  }

  /// An array of strings, or nil.
  public func strings(_ key: String) -> [String]? {
    if case let .array(.string(a)) = values[key] { return a }
    return nil
  }

  /// An array of float32 values (float64 ones narrowed), or nil.
  public func floats(_ key: String) -> [Float]? {
    switch values[key] {
    case let .array(.float32(a)): a
    case let .array(.float64(a)): a.map { Float($0) }
    default: nil
    }
  }

  /// An array of integers of any width as Ints, or nil.
  public func integers(_ key: String) -> [Int]? {
    if case let .array(a) = values[key] { return a.integers }
    return nil
  }
}
