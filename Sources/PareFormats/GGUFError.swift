/// Why a GGUF file was refused, or a tensor of it could not be decoded.
///
/// The description is one line: the file, the metadata key or tensor when the problem is about
/// one, then what is wrong.
public struct GGUFError: Error, Equatable, CustomStringConvertible {
  /// The file that was being read.
  public let file: String
  /// "key \"general.alignment\"" or "tensor 'blk.0.attn_q.weight'", when the problem is about one.
  public let subject: String?
  /// What is wrong, in words.
  public let message: String

  public init(file: String, subject: String? = nil, _ message: String) {
    (self.file, self.subject, self.message) = (file, subject, message)
  }

  public var description: String { [file, subject, message].compactMap { $0 }.joined(separator: ": ") }
}
