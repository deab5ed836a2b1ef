import Foundation

/// How a byte-level BPE tokenizer cuts text into words before merging: a sequence of regex
/// splits, each applied to every piece the previous one left (HF `tokenizers`' Sequence of
/// Split / Digits / ByteLevel; llama.cpp's list of `regex_exprs` per `tokenizer.ggml.pre`).
///
/// The regexes run on ICU (NSRegularExpression), which has the Unicode classes, lookahead and
/// `(?i:)` the patterns use. `\s` and `\S` are rewritten to the White_Space property: ICU's `\s`
/// leaves out U+000B and U+0085, which the references count as whitespace.
struct PreTokenizer: @unchecked Sendable {
  /// What a split keeps of the matches and the text between them (HF's SplitDelimiterBehavior).
  enum Behavior: String, Sendable {
    case isolated = "Isolated", removed = "Removed", mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext", contiguous = "Contiguous"
  }

  struct Split: @unchecked Sendable {
    /// NSRegularExpression is immutable and documented thread-safe.
    let regex: NSRegularExpression
    let behavior: Behavior
    let invert: Bool
  }

  let splits: [Split]

  init(splits: [Split]) { self.splits = splits }

  /// A split on `pattern` (regex syntax of Rust/Oniguruma/std::regex as the files write it).
  static func split(_ pattern: String, behavior: Behavior = .isolated, invert: Bool = false) throws -> Split {
    Split(regex: try NSRegularExpression(pattern: icuPattern(pattern)), behavior: behavior, invert: invert)
  }

  /// GPT-2's pattern, ByteLevel's own when `use_regex` is set.
  static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

  /// `\s`/`\S` as the White_Space property, everything else as written.
  static func icuPattern(_ pattern: String) -> String {
    var result = ""
    var escaped = false
    for character in pattern {
      if escaped {
        switch character {
        case "s": result += #"\p{White_Space}"#
        case "S": result += #"\P{White_Space}"#
        default: result += "\\" + String(character)
        }
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else {
        result.append(character)
      }
    }
    if escaped { result += "\\" }
    return result
  }

  /// The words of `text`, in order, none empty.
  func words(of text: String) -> [String] {
    var pieces = text.isEmpty ? [] : [text]
    for split in splits {
      var next: [String] = []
      next.reserveCapacity(pieces.count)
      for piece in pieces { Self.apply(split, to: piece, into: &next) }
      pieces = next
    }
    return pieces
  }

  private static func apply(_ split: Split, to piece: String, into output: inout [String]) {
    let string = NSString(string: piece)
    let length = string.length
    // (range, isMatch) covering the piece.
    var parts: [(NSRange, Bool)] = []
    var position = 0
    for match in split.regex.matches(in: piece, range: NSRange(location: 0, length: length)) {
      let range = match.range
      guard range.length > 0 else { continue }
      if range.location > position { parts.append((NSRange(location: position, length: range.location - position), false)) }
      parts.append((range, true))
      position = range.location + range.length
    }
    if position < length { parts.append((NSRange(location: position, length: length - position), false)) }
    if split.invert { parts = parts.map { ($0.0, !$0.1) } }

    var ranges: [NSRange] = []
    switch split.behavior {
    case .isolated:
      ranges = parts.map(\.0)
    case .removed:
      ranges = parts.filter { !$0.1 }.map(\.0)
    case .mergedWithPrevious:
      // A match joins the piece before it, unless that piece is a match too.
      var previousIsMatch = false
      for (range, isMatch) in parts {
        if isMatch && !previousIsMatch, let last = ranges.last {
          ranges[ranges.count - 1] = NSRange(location: last.location, length: range.location + range.length - last.location)
        } else {
          ranges.append(range)
        }
        previousIsMatch = isMatch
      }
    case .mergedWithNext:
      // A match joins the piece after it, unless that piece is a match too.
      var nextIsMatch = false
      for (range, isMatch) in parts.reversed() {
        if isMatch && !nextIsMatch, let last = ranges.last {
          ranges[ranges.count - 1] = NSRange(location: range.location, length: last.location + last.length - range.location)
        } else {
          ranges.append(range)
        }
        nextIsMatch = isMatch
      }
      ranges.reverse()
    case .contiguous:
      var previousIsMatch = false
      for (range, isMatch) in parts {
        if isMatch == previousIsMatch, let last = ranges.last {
          ranges[ranges.count - 1] = NSRange(location: last.location, length: range.location + range.length - last.location)
        } else {
          ranges.append(range)
        }
        previousIsMatch = isMatch
      }
    }
    if ranges.count == 1, ranges[0].length == length {
      output.append(piece)
      return
    }
    for range in ranges where range.length > 0 { output.append(string.substring(with: range)) }
  }
}
