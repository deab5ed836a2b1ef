import Foundation

/// The text normalization of a BERT tokenizer, with the exact semantics of Hugging Face
/// `tokenizers`' `BertNormalizer`, so token ids match the ones the model was trained with.
///
/// Steps, in the reference's order: clean the text (drop NUL, U+FFFD and control/format/private
/// use characters; map whitespace to a space), surround CJK ideographs with spaces, strip accents
/// (NFD, then drop nonspacing marks), lowercase (per character, Rust's `char::to_lowercase`).
public struct BertNormalizer: Sendable, Equatable {
  /// Removes control characters and maps every whitespace character to a space.
  public var cleanText: Bool
  /// Surrounds each CJK ideograph with spaces, so the pre-tokenizer makes it a word of its own.
  public var handleChineseChars: Bool
  /// Decomposes (NFD) and drops nonspacing marks: "é" becomes "e".
  public var stripAccents: Bool
  /// Lowercases each character on its own (no context: a final capital sigma becomes "σ").
  public var lowercase: Bool

  /// The reference's options; `stripAccents` nil follows `lowercase`, as in `tokenizers` (an
  /// uncased BERT strips accents, a cased one keeps them).
  public init(
    cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true
  ) {
    self.cleanText = cleanText
    self.handleChineseChars = handleChineseChars
    self.stripAccents = stripAccents ?? lowercase
    self.lowercase = lowercase
  }

  /// The normalized form of `text`, as `tokenizers`' `normalize_str` returns it.
  public func normalize(_ text: String) -> String {
    var output: [Unicode.Scalar] = []
    normalize(Array(text.unicodeScalars)[...], into: &output)
    var result = String.UnicodeScalarView()
    result.append(contentsOf: output)
    return String(result)
  }

  /// Replaces `output` with the normalized form of `input`.
  func normalize(_ input: ArraySlice<Unicode.Scalar>, into output: inout [Unicode.Scalar]) {
    output.removeAll(keepingCapacity: true)
    var hasNonASCII = false
    for scalar in input {
      if cleanText {
        if scalar.value == 0 || BertCharacterClasses.isRemovedByCleaning(scalar) { continue }
        if BertCharacterClasses.isWhitespace(scalar) {
          output.append(" ")
          continue
        }
      }
      if scalar.value >= 0x80 {
        hasNonASCII = true
        if handleChineseChars && BertCharacterClasses.isChineseCharacter(scalar) {
          output.append(" ")
          output.append(scalar)
          output.append(" ")
          continue
        }
      }
      output.append(scalar)
    }
    guard hasNonASCII else {
      // NFD and accent stripping leave ASCII as it is; ASCII lowercasing is a table-free shift.
      if lowercase {
        for i in output.indices where output[i].value &- 0x41 < 26 {
          output[i] = Unicode.Scalar(UInt8(output[i].value + 0x20))
        }
      }
      return
    }
    if stripAccents {
      output = Self.decomposedWithoutNonspacingMarks(output)
    }
    if lowercase {
      var lowered: [Unicode.Scalar] = []
      lowered.reserveCapacity(output.count)
      for scalar in output {
        if scalar.value < 0x80 {
          lowered.append(scalar.value &- 0x41 < 26 ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar)
        } else {
          // Rust's `char::to_lowercase` is the full, context-free mapping (SpecialCasing without
          // its conditions), which is what Swift's `lowercaseMapping` gives: "İ" becomes "i̇".
          lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
      }
      output = lowered
    }
  }

  /// NFD, then drops nonspacing marks: the reference's `strip_accents`.
  ///
  /// Only runs that can change go through Foundation's NFD: characters the reference decomposes
  /// and combining marks (canonical combining class > 0, which NFD may reorder). Any other
  /// character is a starter NFD leaves in place and never reorders across, so it is copied as
  /// it is. This also keeps characters whose decomposition Unicode added after the reference's
  /// tables (U+11938, Unicode 13) composed, as the reference does.
  static func decomposedWithoutNonspacingMarks(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var output: [Unicode.Scalar] = []
    output.reserveCapacity(input.count + 8)
    var pending = String.UnicodeScalarView()
    func flush() {
      guard !pending.isEmpty else { return }
      for scalar in String(pending).decomposedStringWithCanonicalMapping.unicodeScalars
      where !BertCharacterClasses.isNonspacingMark(scalar) {
        output.append(scalar)
      }
      pending.removeAll(keepingCapacity: true)
    }
    for scalar in input {
      if scalar.value >= 0xC0
        && (BertCharacterClasses.contains(BertUnicodeTables.canonicalComposites, scalar.value)
          || scalar.properties.canonicalCombiningClass.rawValue != 0)
      {
        pending.append(scalar)
      } else {
        flush()
        if !BertCharacterClasses.isNonspacingMark(scalar) { output.append(scalar) }
      }
    }
    flush()
    return output
  }
}
