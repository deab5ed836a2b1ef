/// A model directory, its config or an evaluation dataset was refused.
///
/// The description is one line: the file, then what is wrong in words a user can act on.
public struct ModelError: Error, Equatable, CustomStringConvertible {
  /// The file or directory at fault.
  public let file: String
  /// What is wrong with it.
  public let message: String

  public init(file: String, _ message: String) {
    self.file = file
    self.message = message
  }

  public var description: String { "\(file): \(message)" }
}
