import Foundation

/// Decoding a JSON file a user gave: a problem of the text (`JSONTextProblem`) or of the
/// schema (`DecodingError.summary`), as one line naming the key.
public enum StrictJSON {
  public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(StrictJSONError) -> T {
    if let problem = JSONTextProblem.first(in: Array(data)) { throw StrictJSONError(message: problem.description) }
    do { return try JSONDecoder().decode(type, from: data) } catch { throw StrictJSONError(message: DecodingError.summary(error)) }
  }
}

/// Why a JSON file was refused, in one line naming the key.
public struct StrictJSONError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
