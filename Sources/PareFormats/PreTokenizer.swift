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
    let utf8 = Array(text.utf8)
    return wordRanges(of: text).map { String(decoding: utf8[$0], as: UTF8.self) }
  }

  /// The words of `text` as ranges of its UTF-8 bytes, in order, none empty.
  ///
  /// The first split runs over the whole text, later ones over each piece's own substring (ICU
  /// copies the string it searches into UTF-16, so searching the whole text for every piece
  /// would cost its length each time). Offsets are UTF-16 throughout, turned into UTF-8 at the
  /// end through one table.
  func wordRanges(of text: String) -> [Range<Int>] {
    guard !text.isEmpty else { return [] }
    let string = NSString(string: text)
    var pieces = [NSRange(location: 0, length: string.length)]
    for (step, split) in splits.enumerated() {
      var next: [NSRange] = []
      next.reserveCapacity(pieces.count)
      for piece in pieces {
        if step == 0 {
          Self.apply(split, to: text, length: piece.length, offset: 0, into: &next)
        } else {
          Self.apply(split, to: string.substring(with: piece), length: piece.length, offset: piece.location, into: &next)
        }
      }
      pieces = next
    }
    var utf8Offsets = [Int](repeating: 0, count: string.length + 1)
    var utf16 = 0
    var utf8 = 0
    for scalar in text.unicodeScalars {
      utf8Offsets[utf16] = utf8
      if scalar.value > 0xFFFF {
        utf8Offsets[utf16 + 1] = utf8
        utf16 += 2
      } else {
        utf16 += 1
      }
      utf8 += scalar.value < 0x80 ? 1 : scalar.value < 0x800 ? 2 : scalar.value < 0x10000 ? 3 : 4
    }
    utf8Offsets[utf16] = utf8
    return pieces.map { utf8Offsets[$0.location]..<utf8Offsets[$0.location + $0.length] }
  }

  /// Appends the pieces `split` cuts `piece` (UTF-16 length `length`) into, shifted by `offset`.
  private static func apply(_ split: Split, to piece: String, length: Int, offset: Int, into output: inout [NSRange]) {
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
    for range in ranges where range.length > 0 { output.append(NSRange(location: range.location + offset, length: range.length)) }
  }
}
