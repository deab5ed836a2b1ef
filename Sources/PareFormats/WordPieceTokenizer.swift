/// A BERT WordPiece tokenizer: text in, token ids out, the same ids Hugging Face `tokenizers`
/// gives for the model's tokenizer files (checked against it in the tests).
///
/// The pipeline, as in the reference:
/// 1. added tokens (`[CLS]`, `[SEP]`, `[MASK]`, ... typed in the text) are matched in the raw
///    text and become their ids directly;
/// 2. the rest is normalized (`BertNormalizer`), split into words on whitespace and around each
///    punctuation character (BertPreTokenizer), and each word split into vocabulary pieces
///    (`WordPieceModel`);
/// 3. the pieces are cut to `maxLength` minus the special tokens, then wrapped as
///    `[CLS] ... [SEP]`.
///
/// Behaviour of the reference worth knowing (all reproduced here and covered by the fixture):
/// - Lowercasing is per character with no context: "ΟΔΟΣ" becomes "οδοσ" (no final "ς").
///   "İ" lowercases to "i" + U+0307, but an uncased model strips accents first (NFD gives "I" +
///   U+0307, the mark is dropped), so it ends as "i".
/// - Accent stripping is NFD, not NFKD: full-width letters, ligatures ("ﬁ") and superscripts stay
///   as they are (and are usually unknown to the vocabulary).
/// - Cleaning drops format characters (Cf: zero-width space, soft hyphen, BOM, bidi marks) and
///   private-use characters, but keeps unassigned code points; U+0085 is dropped, not spaced.
/// - A word longer than 100 characters, or with any part the vocabulary cannot cover (an emoji
///   inside a word), becomes a single `[UNK]`: the whole word, not just the bad part.
/// - `[SEP]` typed in the text is the real separator token; "[sep]" is not (raw text, exact case).
/// - The character classes come from the reference's old Unicode tables
///   (`BertUnicodeTables.swift`, measured through `tokenizers`), not Swift's newer ones.
public struct WordPieceTokenizer: Sendable {
  /// The longest sequence `encode` returns, special tokens included.
  public let maxLength: Int
  /// The padding id, for batching sequences of different lengths.
  public let padID: Int32
  /// The id of the unknown token, which stands for any word the vocabulary cannot cover.
  public let unknownID: Int32
  /// The id that opens every sequence ([CLS]).
  public let clsID: Int32
  /// The id that closes every sequence ([SEP]).
  public let sepID: Int32
  /// The text normalization in use (nil when tokenizer.json has none).
  public let normalizer: BertNormalizer?

  private let model: WordPieceModel
  private let rawTokens: AddedTokenMatcher
  private let normalizedTokens: AddedTokenMatcher
  private let prefixIDs: [Int32]
  private let suffixIDs: [Int32]
  /// The text of each id (for `decode`).
  private let tokenTexts: [String]
  private let continuingSubwordPrefix: String

  /// The number of distinct tokens in the vocabulary.
  public var vocabularySize: Int { model.count }

  /// Loads the tokenizer of a model directory: `tokenizer.json` when present, else `vocab.txt`
  /// with `tokenizer_config.json`; the length limit from `sentence_bert_config.json`, else the
  /// model's. Throws `ModelError` naming the file and the problem.
  public init(modelDirectory: String) throws {
    try self.init(config: TokenizerConfig.load(modelDirectory: modelDirectory))
  }

  /// A tokenizer over an in-memory vocabulary (the id of a token is its index), for tests and
  /// tools. The special tokens found in the vocabulary are matched in the raw text, as
  /// `transformers` registers them. Throws when a required token is missing.
  public init(
    vocabulary: [String], normalizer: BertNormalizer? = BertNormalizer(), maxLength: Int,
    unknownToken: String = "[UNK]", clsToken: String = "[CLS]", sepToken: String = "[SEP]",
    padToken: String = "[PAD]", specialTokens: [String] = ["[MASK]"],
    continuingSubwordPrefix: String = "##", maxInputCharsPerWord: Int = 100
  ) throws {
    let source = "vocabulary"
    guard vocabulary.count <= Int(Int32.max) else { throw ModelError(file: source, "has too many tokens") }
    var config = TokenizerConfig(
      vocabularyFile: source, vocabulary: vocabulary.enumerated().map { ($0.element, Int32($0.offset)) },
      postProcessorFile: source)
    config.normalizer = normalizer
    config.unknownToken = unknownToken
    config.continuingSubwordPrefix = continuingSubwordPrefix
    config.maxInputCharsPerWord = max(0, maxInputCharsPerWord)
    guard let cls = config.id(of: clsToken) else { throw ModelError(file: source, "has no \(TokenizerConfig.quoted(clsToken))") }
    guard let sep = config.id(of: sepToken) else { throw ModelError(file: source, "has no \(TokenizerConfig.quoted(sepToken))") }
    config.prefixIDs = [cls]
    config.suffixIDs = [sep]
    config.padID = config.id(of: padToken)
    for name in [padToken, unknownToken, clsToken, sepToken] + specialTokens {
      guard let id = config.id(of: name), !config.addedTokens.contains(where: { $0.id == id }) else { continue }
      config.addedTokens.append(AddedToken(content: Array(name.unicodeScalars), id: id))
    }
    guard maxLength >= 2 else { throw ModelError(file: source, "max length \(maxLength) leaves no room for [CLS] and [SEP]") }
    config.maxLength = maxLength
    try self.init(config: config)
  }

  init(config: TokenizerConfig) throws {
    guard let unknownID = config.id(of: config.unknownToken) else {
      throw ModelError(
        file: config.vocabularyFile, "the unknown token \(TokenizerConfig.quoted(config.unknownToken)) is not in the vocabulary")
    }
    guard let cls = config.prefixIDs.first, let sep = config.suffixIDs.last else {
      throw ModelError(file: config.postProcessorFile, "no [CLS] ... [SEP] special tokens")
    }
    model = WordPieceModel(
      vocabulary: config.vocabulary, continuingSubwordPrefix: config.continuingSubwordPrefix, unknownID: unknownID,
      maxInputCharsPerWord: config.maxInputCharsPerWord)
    normalizer = config.normalizer
    // Tokens matched after normalization are compared with their normalized content, as the
    // reference builds its second automaton.
    rawTokens = AddedTokenMatcher(config.addedTokens.filter { !$0.normalized })
    normalizedTokens = AddedTokenMatcher(
      config.addedTokens.filter(\.normalized).map { token in
        var token = token
        if let normalizer = config.normalizer {
          var content: [Unicode.Scalar] = []
          normalizer.normalize(token.content[...], into: &content)
          token.content = content
        }
        return token
      })
    prefixIDs = config.prefixIDs
    suffixIDs = config.suffixIDs
    var texts = [String](repeating: "", count: (config.vocabulary.map { Int($0.id) }.max() ?? -1) + 1)
    for (token, id) in config.vocabulary { texts[Int(id)] = token }
    tokenTexts = texts
    continuingSubwordPrefix = config.continuingSubwordPrefix
    maxLength = config.maxLength
    self.unknownID = unknownID
    clsID = cls
    sepID = sep
    padID = config.padID ?? 0
  }

  /// The ids of `text`: `[CLS]`, the pieces, `[SEP]`, at most `maxLength` in all (pieces past the
  /// limit are dropped; `[SEP]` is always last). Never fails: unknown text becomes `[UNK]`.
  public func encode(_ text: String) -> [Int32] {
    let scalars = Array(text.unicodeScalars)
    let budget = maxLength - prefixIDs.count - suffixIDs.count
    var state = EncodingState(budget: budget)
    for segment in rawTokens.segments(of: scalars, in: 0..<scalars.count) {
      guard !state.isFull else { break }
      switch segment {
      case .token(let id):
        state.ids.append(id)
      case .text(let range):
        if let normalizer {
          normalizer.normalize(scalars[range], into: &state.normalized)
        } else {
          state.normalized.removeAll(keepingCapacity: true)
          state.normalized.append(contentsOf: scalars[range])
        }
        let normalized = state.normalized
        for inner in normalizedTokens.segments(of: normalized, in: 0..<normalized.count) {
          guard !state.isFull else { break }
          switch inner {
          case .token(let id): state.ids.append(id)
          case .text(let range): appendWords(of: normalized[range], to: &state)
          }
        }
      }
    }
    if state.ids.count > budget { state.ids.removeLast(state.ids.count - budget) }
    return prefixIDs + state.ids + suffixIDs
  }

  /// The ids of every sentence of `dataset`, in order, as `Int`s (the form the BERT encoder
  /// takes).
  public func encode(_ dataset: SentenceDataset) -> [[Int]] {
    dataset.sentences.map { encode($0).map(Int.init) }
  }

  /// Working buffers of one `encode` call, reused across words.
  private struct EncodingState {
    let budget: Int
    var ids: [Int32] = []
    var normalized: [Unicode.Scalar] = []
    var word: [UInt8] = []
    var scalarEnds: [Int] = []

    init(budget: Int) { self.budget = budget }

    /// Pieces past the budget would be truncated anyway, so encoding stops there.
    var isFull: Bool { ids.count >= budget }
  }

  /// BertPreTokenizer then WordPiece: splits on whitespace (dropped) and around punctuation
  /// (each one a word), and appends each word's pieces.
  private func appendWords(of text: ArraySlice<Unicode.Scalar>, to state: inout EncodingState) {
    func flush(_ state: inout EncodingState) {
      guard !state.word.isEmpty else { return }
      model.appendPieces(of: state.word, scalarEnds: state.scalarEnds, to: &state.ids)
      state.word.removeAll(keepingCapacity: true)
      state.scalarEnds.removeAll(keepingCapacity: true)
    }
    for scalar in text {
      if BertCharacterClasses.isWhitespace(scalar) {
        flush(&state)
        if state.isFull { return }
        continue
      }
      let isPunctuation = BertCharacterClasses.isPunctuation(scalar)
      if isPunctuation {
        flush(&state)
        if state.isFull { return }
      }
      if scalar.value < 0x80 {
        state.word.append(UInt8(scalar.value))
      } else {
        UTF8.encode(scalar) { state.word.append($0) }
      }
      state.scalarEnds.append(state.word.count)
      if isPunctuation {
        flush(&state)
        if state.isFull { return }
      }
    }
    flush(&state)
  }
}

extension WordPieceTokenizer: TextTokenizer {
  /// [CLS].
  public var bos: Int? { Int(clsID) }
  /// [SEP].
  public var eos: Int? { Int(sepID) }

  /// `encode(_:)` as `Int`s; without `addSpecial`, the same ids less [CLS] and [SEP] (the
  /// length limit still leaves room for them).
  public func encode(_ text: String, addSpecial: Bool) -> [Int] {
    let ids = encode(text).map(Int.init)
    return addSpecial ? ids : Array(ids.dropFirst(prefixIDs.count).dropLast(suffixIDs.count))
  }

  /// The tokens joined by spaces, continuation pieces ("##ing") glued to the piece before, as
  /// the reference's WordPiece decoder does before its cleanup.
  public func decode(_ ids: [Int]) -> String {
    var text = ""
    for id in ids where tokenTexts.indices.contains(id) {
      let token = tokenTexts[id]
      if !text.isEmpty && !continuingSubwordPrefix.isEmpty && token.hasPrefix(continuingSubwordPrefix) {
        text += token.dropFirst(continuingSubwordPrefix.count)
      } else {
        text += text.isEmpty ? token : " " + token
      }
    }
    return text
  }
}
