/// The character classes of Hugging Face `tokenizers`' BertNormalizer and BertPreTokenizer.
///
/// Each predicate restates the reference's definition (`normalizers/bert.rs`,
/// `pre_tokenizers/bert.rs`) on Unicode scalars, with an ASCII fast path: almost all text is
/// ASCII, and Unicode property lookups cost far more than a table read.
enum BertCharacterClasses {
  private static let asciiControl: UInt8 = 1
  private static let asciiWhitespace: UInt8 = 2
  private static let asciiPunctuation: UInt8 = 4

  /// Flags for the 128 ASCII scalars. Control: 0x00-0x1F and 0x7F except \t \n \r (those are
  /// whitespace, as in the reference). Whitespace: \t \n \v \f \r and space (White_Space).
  /// Punctuation: Rust's `is_ascii_punctuation`, 33-47, 58-64, 91-96, 123-126.
  private static let ascii: [UInt8] = (0..<128).map { (value: Int) -> UInt8 in
    var flags: UInt8 = 0
    let isTabOrNewline = value == 0x09 || value == 0x0A || value == 0x0D
    if (value < 0x20 || value == 0x7F) && !isTabOrNewline { flags |= asciiControl }
    if (0x09...0x0D).contains(value) || value == 0x20 { flags |= asciiWhitespace }
    if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
      || (123...126).contains(value)
    {
      flags |= asciiPunctuation
    }
    return flags
  }

  /// A character BertNormalizer's `clean_text` removes: NUL, U+FFFD, and the reference's
  /// `is_control`, which is the `unicode_categories` crate's `is_other` (Cc, Cf, Co; not Cn:
  /// unassigned code points are kept) minus \t \n \r.
  static func isRemovedByCleaning(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 { return ascii[Int(value)] & asciiControl != 0 }
    return contains(BertUnicodeTables.removedByCleaning, value)
  }

  /// Whitespace in the reference's sense: \t \n \r, or Rust's `char::is_whitespace` (the Unicode
  /// White_Space property). `clean_text` maps these to a space; the pre-tokenizer splits on them.
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 { return ascii[Int(value)] & asciiWhitespace != 0 }
    return contains(BertUnicodeTables.whitespace, value)
  }

  /// Punctuation in BertPreTokenizer's sense: ASCII punctuation (which includes symbols such as
  /// `$`, `+`, `^`, `|`) or general category P* in the reference's tables. Each one becomes a
  /// token of its own.
  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 { return ascii[Int(value)] & asciiPunctuation != 0 }
    return contains(BertUnicodeTables.punctuation, value)
  }

  /// A nonspacing mark (category Mn in the reference's tables), which accent stripping drops
  /// after NFD.
  static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
    contains(BertUnicodeTables.nonspacingMarks, scalar.value)
  }

  /// A CJK ideograph that `handle_chinese_chars` surrounds with spaces: the reference's
  /// `is_chinese_char` ranges (CJK Unified Ideographs and Extensions A-E, CJK Compatibility
  /// Ideographs and their supplement). Hangul, kana and CJK punctuation are not included.
  static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
      0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
      return true
    default:
      return false
    }
  }
}

extension BertCharacterClasses {
  /// Whether `value` lies in one of the sorted, disjoint ranges of `table` (flat pairs
  /// [first, last, ...]); a binary search over the range starts.
  static func contains(_ table: [UInt32], _ value: UInt32) -> Bool {
    var low = 0
    var high = table.count / 2  // ranges [low, high) may hold value
    while low < high {
      let middle = (low + high) / 2
      if value < table[2 * middle] {
        high = middle
      } else if value > table[2 * middle + 1] {
        low = middle + 1
      } else {
        return true
      }
    }
    return false
  }
}
