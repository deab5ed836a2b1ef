/// An evaluation (or the compression before it) failed, not cancelled; the message is one line
/// for the status bar.
public struct EvaluationFailure: Error, Equatable, Sendable, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
