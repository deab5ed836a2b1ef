import Foundation

/// Integers in Pare's JSON inputs (plans, configs) are read as numbers and converted exactly.
/// Foundation's JSONDecoder reports a number that does not fit an `Int` (bits 2.5, a count of
/// 2^63) as "The given data was not valid JSON." without naming the key; read this way, the
/// error names the key and the value. Doubles hold every integer up to 2^53 exactly, far beyond
/// any count Pare reads.
extension KeyedDecodingContainer {
  public func decodeInteger(forKey key: Key) throws -> Int {
    try integer(try asInteger { try decode(Double.self, forKey: key) }, forKey: key)
  }

  public func decodeIntegerIfPresent(forKey key: Key) throws -> Int? {
    try asInteger { try decodeIfPresent(Double.self, forKey: key) }.map { try integer($0, forKey: key) }
  }

  public func decodeIntegers(forKey key: Key) throws -> [Int] {
    try asInteger { try decode([Double].self, forKey: key) }.map { try integer($0, forKey: key) }
  }

  /// `read`, with a wrong type reported as "expected Int" rather than the Double read instead.
  private func asInteger<T>(_ read: () throws -> T) throws -> T {
    do { return try read() } catch let DecodingError.typeMismatch(_, context) { throw DecodingError.typeMismatch(Int.self, context) }
  }

  private func integer(_ number: Double, forKey key: Key) throws -> Int {
    guard number.rounded() == number else {
      throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "\(number) is not an integer")
    }
    guard let value = Int(exactly: number), abs(number) <= 0x1p53 else {
      throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "\(number) is out of range")
    }
    return value
  }
}
