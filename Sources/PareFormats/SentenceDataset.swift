import Foundation

/// Evaluation data for text models: a UTF-8 file with one sentence per line, or with lines
/// `sentence1<TAB>sentence2<TAB>gold score` (a semantic-similarity set such as STS-B).
///
/// Blank lines are skipped. A file is read as pairs when its first non-blank line is a pair;
/// then every line must be one, so a stray line cannot silently change what is measured.
public struct SentenceDataset: Sendable {
  /// A scored sentence pair: indices into `sentences` and the gold similarity.
  public struct Pair: Sendable, Equatable {
    /// Index of the first sentence in `sentences`.
    public let first: Int
    /// Index of the second sentence in `sentences`.
    public let second: Int
    /// The human similarity score (any scale; only its ranks are used).
    public let gold: Double

    public init(first: Int, second: Int, gold: Double) { (self.first, self.second, self.gold) = (first, second, gold) }
  }

  /// Every sentence to embed, in file order (both halves of each pair, first then second).
  public let sentences: [String]
  /// The scored pairs (empty for a plain sentence file).
  public let pairs: [Pair]
  /// Where the data came from, for messages.
  public let path: String

  /// Loads `path`; errors name the file, the line and what is wrong.
  public init(path: String) throws {
    let data: Data
    do { data = try InputFile.contents(of: path) } catch {
      throw ModelError(file: path, "\(error) (expected a UTF-8 text file, one sentence per line)")
    }
    try self.init(bytes: Array(data), path: path)
  }

  /// Parses the file's bytes (`path` is for messages).
  public init(bytes: [UInt8], path: String) throws {
    var sentences: [String] = [], pairs: [Pair] = []
    var isPairFile: Bool?
    var lineNumber = 0
    for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      var lineBytes = rawLine
      if lineBytes.last == UInt8(ascii: "\r") { lineBytes = lineBytes.dropLast() }
      guard let line = String(validating: lineBytes, as: UTF8.self) else {
        throw ModelError(file: path, "line \(lineNumber) is not valid UTF-8")
      }
      if line.allSatisfy(\.isWhitespace) { continue }
      let pair = Self.pair(line)
      if isPairFile == nil { isPairFile = pair != nil }
      if isPairFile == true {
        guard let (first, second, gold) = pair else {
          throw ModelError(file: path, "line \(lineNumber) is not 'sentence1<TAB>sentence2<TAB>score' like the first line")
        }
        pairs.append(Pair(first: sentences.count, second: sentences.count + 1, gold: gold))
        sentences += [first, second]
      } else {
        sentences.append(line)
      }
    }
    guard !sentences.isEmpty else { throw ModelError(file: path, "has no sentences (the file is empty or blank)") }
    (self.sentences, self.pairs, self.path) = (sentences, pairs, path)
  }

  private init(sentences: [String], pairs: [Pair], path: String) {
    (self.sentences, self.pairs, self.path) = (sentences, pairs, path)
  }

  /// Number of sentences.
  public var count: Int { sentences.count }

  /// The first `limit` sentences (whole pairs only, for a pair file): the explorer evaluates
  /// on a small subset so that every edit is measured again within a second.
  public func prefix(_ limit: Int) -> SentenceDataset {
    guard limit < sentences.count else { return self }
    if pairs.isEmpty {
      return SentenceDataset(sentences: Array(sentences.prefix(limit)), pairs: [], path: path)
    }
    let kept = Array(pairs.prefix(max(1, limit / 2)))
    return SentenceDataset(sentences: Array(sentences.prefix(kept.count * 2)), pairs: kept, path: path)
  }

  /// The line as (sentence1, sentence2, score) when it has that form.
  private static func pair(_ line: String) -> (String, String, Double)? {
    let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
    guard fields.count == 3, let gold = Double(fields[2].trimmingCharacters(in: .whitespaces)), gold.isFinite,
          !fields[0].isEmpty, !fields[1].isEmpty else { return nil }
    return (String(fields[0]), String(fields[1]), gold)
  }
}
