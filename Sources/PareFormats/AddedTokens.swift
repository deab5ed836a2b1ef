/// A token matched in the text before the model sees it, as Hugging Face `tokenizers`' added
/// vocabulary does: special tokens such as `[SEP]` typed in a sentence become their id, not the
/// pieces `[`, `sep`, `]`.
struct AddedToken: Sendable, Equatable {
  /// The text to match.
  var content: [Unicode.Scalar]
  /// The id it encodes to.
  var id: Int32
  /// Matches only when not inside a word (no word character just before or after).
  var singleWord = false
  /// Swallows the whitespace to its left.
  var leftStrip = false
  /// Swallows the whitespace to its right.
  var rightStrip = false
  /// Matched against the normalized text (true) or the raw text (false, as for special tokens).
  var normalized = false
}

/// Finds added tokens in text: leftmost-longest, non-overlapping, as the reference's
/// Aho-Corasick automaton with `MatchKind::LeftmostLongest`.
struct AddedTokenMatcher: Sendable {
  /// The tokens by their first scalar, longest first.
  private let byFirstScalar: [Unicode.Scalar: [AddedToken]]

  /// A piece of text: an added token's id, or a range of text to tokenize normally.
  enum Segment: Equatable {
    case token(Int32)
    case text(Range<Int>)
  }

  /// Matches `tokens` (empty contents are ignored, as in the reference).
  init(_ tokens: [AddedToken]) {
    var byFirst: [Unicode.Scalar: [AddedToken]] = [:]
    for token in tokens {
      guard let first = token.content.first else { continue }
      byFirst[first, default: []].append(token)
    }
    for key in byFirst.keys {
      byFirst[key]?.sort { $0.content.count > $1.content.count }
    }
    byFirstScalar = byFirst
  }

  /// Whether there is nothing to match.
  var isEmpty: Bool { byFirstScalar.isEmpty }

  /// Splits `text[range]` into added tokens and the text between them; covers the range.
  ///
  /// The reference discards a `singleWord` match that touches a word character without trying a
  /// shorter one at the same place, and so does this. `leftStrip` takes the whitespace run to its
  /// left, but not past the previous match; `rightStrip` the run to its right.
  func segments(of text: [Unicode.Scalar], in range: Range<Int>) -> [Segment] {
    guard !isEmpty else { return range.isEmpty ? [] : [.text(range)] }
    var segments: [Segment] = []
    var consumed = range.lowerBound  // end of the last match (the reference's start_offset)
    var position = range.lowerBound
    while position < range.upperBound {
      guard let candidates = byFirstScalar[text[position]],
        let token = candidates.first(where: { matches($0.content, text, at: position, before: range.upperBound) })
      else {
        position += 1
        continue
      }
      var start = position
      var stop = position + token.content.count
      if token.singleWord {
        let startIsBoundary = start == range.lowerBound || !isWordCharacter(text[start - 1])
        let stopIsBoundary = stop == range.upperBound || !isWordCharacter(text[stop])
        guard startIsBoundary && stopIsBoundary else {
          // Aho-Corasick resumes after the discarded match.
          position = stop
          continue
        }
      }
      if token.leftStrip {
        while start > consumed && BertCharacterClasses.isWhitespace(text[start - 1]) { start -= 1 }
      }
      if token.rightStrip {
        while stop < range.upperBound && BertCharacterClasses.isWhitespace(text[stop]) { stop += 1 }
      }
      if consumed < start { segments.append(.text(consumed..<start)) }
      segments.append(.token(token.id))
      consumed = stop
      position = stop
    }
    if consumed < range.upperBound { segments.append(.text(consumed..<range.upperBound)) }
    return segments
  }

  private func matches(_ content: [Unicode.Scalar], _ text: [Unicode.Scalar], at position: Int, before end: Int) -> Bool {
    guard content.count <= end - position else { return false }
    for offset in content.indices where text[position + offset] != content[offset] { return false }
    return true
  }

  /// The regex crate's Unicode `\w`: alphabetic, marks, decimal digits, connector punctuation
  /// and join controls.
  private func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    let properties = scalar.properties
    if properties.isAlphabetic || properties.isJoinControl { return true }
    switch properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
    default: return false
    }
  }
}
