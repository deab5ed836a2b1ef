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

extension GGUFError {
  /// `text` fit for a one-line message: control characters (a newline in a hostile tensor
  /// name) written as escapes, and cut after 200 characters.
  public static func printable(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars.prefix(200) {
      switch scalar.properties.generalCategory {
      case .control, .lineSeparator, .paragraphSeparator, .format:
        out += scalar.escaped(asASCII: true)
      default:
        out.unicodeScalars.append(scalar)
      }
    }
    return text.unicodeScalars.count > 200 ? out + "…" : out
  }
}
