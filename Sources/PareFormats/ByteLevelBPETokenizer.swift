import Foundation

/// A byte-level BPE tokenizer read from Hugging Face `tokenizer.json` (GPT-2, Llama 3, Qwen2/3,
/// SmolLM2, Mistral's Tekken): the same ids `tokenizers` gives (checked in the tests).
///
/// The pipeline, as in the reference:
/// 1. added tokens whose `normalized` is false (the special ones) are matched in the raw text;
/// 2. the rest is normalized (NFC, or nothing), then the normalized added tokens are matched;
/// 3. each remaining piece is cut into words (`PreTokenizer`: Split, Digits, ByteLevel's regex;
///    ByteLevel's `add_prefix_space` puts a space before each piece that lacks one);
/// 4. each word's bytes start as one symbol per byte and merge by rank (`ByteLevelBPE`);
///    with `ignore_merges` a word that is itself a token stays whole;
/// 5. with `addSpecial`, the post-processor's tokens go around the ids (TemplateProcessing's
///    single template, RobertaProcessing/BertProcessing's cls and sep).
///
/// Anything else (WordPiece/Unigram models, Metaspace, other normalizers) is refused with the
/// file and the part named.
public struct ByteLevelBPETokenizer: TextTokenizer {
  public let vocabularySize: Int
  public let bos: Int?
  public let eos: Int?

  private let source: String
  private let model: ByteLevelBPE
  private let preTokenizer: PreTokenizer
  private let addPrefixSpace: Bool
  private let normalizesNFC: Bool
  private let rawTokens: AddedTokenMatcher
  private let normalizedTokens: AddedTokenMatcher
  private let prefixIDs: [Int]
  private let suffixIDs: [Int]
  /// The bytes each id decodes to (a dictionary: the file's ids may be sparse).
  private let pieces: [Int: [UInt8]]

  /// Reads `tokenizer.json` of `modelDirectory`, and the BOS/EOS names of its
  /// `tokenizer_config.json` when present. Throws `ModelError` naming the file and the part.
  public init(modelDirectory: String) throws {
    let files = TokenizerFiles(directory: modelDirectory)
    guard let root = try files.jsonObject("tokenizer.json") else {
      throw ModelError(file: files.path("tokenizer.json"), "does not exist (a byte-level BPE model needs it)")
    }
    try self.init(json: root, file: files.path("tokenizer.json"), tokenizerConfig: try files.jsonObject("tokenizer_config.json"))
  }

  /// Reads one `tokenizer.json` file.
  public init(file: String) throws {
    let value: TokenizerJSON
    do {
      value = try TokenizerJSON.parse(try TokenizerFiles.read(file))
    } catch let error as TokenizerJSONError {
      throw ModelError(file: file, error.description)
    }
    try self.init(json: value, file: file, tokenizerConfig: nil)
  }

  init(json root: TokenizerJSON, file: String, tokenizerConfig: TokenizerJSON?) throws {
    source = file
    guard let modelValue = root["model"], case .object = modelValue else { throw ModelError(file: file, "has no \"model\" object") }
    let type = try TokenizerConfig.string(modelValue, "type", file: file) ?? "BPE"
    guard type == "BPE" else {
      throw ModelError(file: file, "model type \"\(type)\" is not supported here (this reader is for byte-level BPE)")
    }
    for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
      if let value = try TokenizerConfig.string(modelValue, key, file: file), !value.isEmpty {
        throw ModelError(file: file, "model.\(key) \(TokenizerConfig.quoted(value)) is not supported")
      }
    }
    if case .number(let dropout, _)? = modelValue["dropout"], dropout != 0 {
      throw ModelError(file: file, "model.dropout \(dropout) is not supported (encoding would be random)")
    }
    guard case .object(let vocabEntries)? = modelValue["vocab"] else {
      throw ModelError(file: file, "model.vocab is missing or not an object of token: id")
    }
    var tokens: [(text: String, id: Int32)] = []
    tokens.reserveCapacity(vocabEntries.count)
    for (token, value) in vocabEntries {
      guard case .number(_, let integer?) = value, let id = Int32(exactly: integer), id >= 0 else {
        throw ModelError(file: file, "model.vocab[\(TokenizerConfig.quoted(token))] must be a token id, not \(TokenizerConfig.describe(value))")
      }
      tokens.append((token, id))
    }
    let merges = try Self.merges(modelValue["merges"], file: file)
    let unknownName = try TokenizerConfig.string(modelValue, "unk_token", file: file)
    let unknownID = unknownName.flatMap { name in tokens.last { $0.text.utf8.elementsEqual(name.utf8) }?.id }
    model = try ByteLevelBPE(
      tokens: tokens, merges: merges, ignoreMerges: try TokenizerConfig.bool(modelValue, "ignore_merges", file: file) ?? false,
      byteFallback: try TokenizerConfig.bool(modelValue, "byte_fallback", file: file) ?? false, unknownID: unknownID
    ) { rank, text in
      throw ModelError(file: file, "model.merges[\(rank)] uses \(TokenizerConfig.quoted(text)), which is not in model.vocab")
    }

    let nfc = try Self.normalizer(root["normalizer"], file: file)
    normalizesNFC = nfc
    let pre = try Self.preTokenizer(root["pre_tokenizer"], file: file)
    preTokenizer = PreTokenizer(splits: pre.splits)
    addPrefixSpace = pre.addPrefixSpace

    let added = try Self.addedTokens(root["added_tokens"], file: file)
    rawTokens = AddedTokenMatcher(added.filter { !$0.normalized })
    normalizedTokens = AddedTokenMatcher(
      added.filter(\.normalized).map { token in
        var token = token
        if nfc {
          token.content = Array(String(String.UnicodeScalarView(token.content)).precomposedStringWithCanonicalMapping.unicodeScalars)
        }
        return token
      })

    var prefix: [Int] = []
    var suffix: [Int] = []
    try Self.postProcessor(root["post_processor"], file: file, prefix: &prefix, suffix: &suffix)
    prefixIDs = prefix
    suffixIDs = suffix

    var maxID = -1
    for token in tokens { maxID = max(maxID, Int(token.id)) }
    for token in added { maxID = max(maxID, Int(token.id)) }
    var pieces: [Int: [UInt8]] = [:]
    for (text, id) in tokens {
      var bytes: [UInt8] = []
      ByteLevelAlphabet.decode(text, into: &bytes)
      pieces[Int(id)] = bytes
    }
    for token in added { pieces[Int(token.id)] = Array(String(String.UnicodeScalarView(token.content)).utf8) }
    self.pieces = pieces
    vocabularySize = maxID + 1

    func namedID(_ key: String) throws -> Int? {
      guard let config = tokenizerConfig, let name = try TokenizerConfig.tokenName(config, key, file: file) else { return nil }
      if let token = added.last(where: { $0.content.elementsEqual(name.unicodeScalars) }) { return Int(token.id) }
      return tokens.last { $0.text.utf8.elementsEqual(name.utf8) }.map { Int($0.id) }
    }
    bos = try namedID("bos_token") ?? prefix.first
    eos = try namedID("eos_token") ?? suffix.last
  }

  public func encode(_ text: String, addSpecial: Bool) throws -> [Int] {
    var ids: [Int] = addSpecial ? prefixIDs : []
    var state = ByteLevelBPE.State()
    let scalars = Array(text.unicodeScalars)
    for segment in rawTokens.segments(of: scalars, in: 0..<scalars.count) {
      switch segment {
      case .token(let id):
        ids.append(Int(id))
      case .text(let range):
        var piece = String(String.UnicodeScalarView(scalars[range]))
        if normalizesNFC { piece = piece.precomposedStringWithCanonicalMapping }
        if normalizedTokens.isEmpty {
          try appendWords(of: piece, to: &ids, state: &state)
          continue
        }
        let normalized = Array(piece.unicodeScalars)
        for inner in normalizedTokens.segments(of: normalized, in: 0..<normalized.count) {
          switch inner {
          case .token(let id): ids.append(Int(id))
          case .text(let range): try appendWords(of: String(String.UnicodeScalarView(normalized[range])), to: &ids, state: &state)
          }
        }
      }
    }
    if addSpecial { ids += suffixIDs }
    return ids
  }

  private func appendWords(of piece: String, to ids: inout [Int], state: inout ByteLevelBPE.State) throws {
    let text = addPrefixSpace && !piece.hasPrefix(" ") ? " " + piece : piece
    let bytes = Array(text.utf8)
    for word in preTokenizer.wordRanges(of: text) {
      try model.append(word: bytes[word], to: &ids, state: &state, source: source)
    }
  }

  public func decode(_ ids: [Int]) -> String {
    var bytes: [UInt8] = []
    for id in ids {
      if let piece = pieces[id] { bytes += piece }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: - tokenizer.json parts

  /// `model.merges`: "a b" strings (split at the space) or ["a", "b"] pairs.
  private static func merges(_ value: TokenizerJSON?, file: String) throws -> [(String, String)] {
    guard let value else { return [] }
    guard case .array(let items) = value else { throw ModelError(file: file, "model.merges must be an array") }
    return try items.enumerated().map { index, item in
      switch item {
      case .string(let text):
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
          throw ModelError(file: file, "model.merges[\(index)] \(TokenizerConfig.quoted(text)) is not two tokens separated by one space")
        }
        return (String(parts[0]), String(parts[1]))
      case .array(let pair) where pair.count == 2:
        if case .string(let left) = pair[0], case .string(let right) = pair[1] { return (left, right) }
        throw ModelError(file: file, "model.merges[\(index)] must hold two strings")
      default:
        throw ModelError(file: file, "model.merges[\(index)] must be \"a b\" or [\"a\", \"b\"], not \(TokenizerConfig.describe(item))")
      }
    }
  }

  /// Whether the normalizer is NFC (true) or absent (false); anything else is refused.
  private static func normalizer(_ value: TokenizerJSON?, file: String) throws -> Bool {
    guard let value else { return false }
    if case .null = value { return false }
    let type = try TokenizerConfig.string(value, "type", file: file) ?? "(none)"
    switch type {
    case "NFC": return true
    case "Sequence":
      guard case .array(let items)? = value["normalizers"] else {
        throw ModelError(file: file, "normalizer.normalizers must be an array")
      }
      var nfc = false
      for item in items {
        if try normalizer(item, file: file) { nfc = true }
      }
      return nfc
    default:
      throw ModelError(file: file, "normalizer \(TokenizerConfig.quoted(type)) is not supported (Pare implements NFC or none)")
    }
  }

  /// The splits of `pre_tokenizer`, and whether ByteLevel adds a prefix space. ByteLevel must be
  /// there: this tokenizer's words are bytes.
  private static func preTokenizer(_ value: TokenizerJSON?, file: String) throws -> (splits: [PreTokenizer.Split], addPrefixSpace: Bool) {
    var splits: [PreTokenizer.Split] = []
    var addPrefixSpace = false
    var sawByteLevel = false
    func read(_ value: TokenizerJSON, path: String) throws {
      let type = try TokenizerConfig.string(value, "type", file: file) ?? "(none)"
      func regex(_ pattern: String, _ behavior: PreTokenizer.Behavior = .isolated, invert: Bool = false) throws {
        do {
          splits.append(try PreTokenizer.split(pattern, behavior: behavior, invert: invert))
        } catch {
          throw ModelError(file: file, "\(path) regex \(TokenizerConfig.quoted(pattern)) is not valid for ICU: \(error)")
        }
      }
      switch type {
      case "Sequence":
        guard case .array(let items)? = value["pretokenizers"] else { throw ModelError(file: file, "\(path).pretokenizers must be an array") }
        for (index, item) in items.enumerated() { try read(item, path: "\(path).pretokenizers[\(index)]") }
      case "ByteLevel":
        if try TokenizerConfig.bool(value, "add_prefix_space", file: file) ?? true {
          guard splits.isEmpty else {
            throw ModelError(file: file, "\(path): ByteLevel with add_prefix_space after another pre-tokenizer is not supported")
          }
          addPrefixSpace = true
        }
        if try TokenizerConfig.bool(value, "use_regex", file: file) ?? true { try regex(PreTokenizer.gpt2Pattern) }
        sawByteLevel = true
      case "Split":
        let pattern: String
        if let text = try value["pattern"].flatMap({ try TokenizerConfig.string($0, "Regex", file: file) }) {
          pattern = text
        } else if let text = try value["pattern"].flatMap({ try TokenizerConfig.string($0, "String", file: file) }) {
          pattern = NSRegularExpression.escapedPattern(for: text)
        } else {
          throw ModelError(file: file, "\(path).pattern must be {\"Regex\": ...} or {\"String\": ...}")
        }
        let behaviorName = try TokenizerConfig.string(value, "behavior", file: file) ?? "Isolated"
        guard let behavior = PreTokenizer.Behavior(rawValue: behaviorName) else {
          throw ModelError(file: file, "\(path).behavior \(TokenizerConfig.quoted(behaviorName)) is not a split behavior")
        }
        try regex(pattern, behavior, invert: try TokenizerConfig.bool(value, "invert", file: file) ?? false)
      case "Digits":
        try regex(try TokenizerConfig.bool(value, "individual_digits", file: file) ?? false ? #"\p{N}"# : #"\p{N}+"#)
      default:
        throw ModelError(
          file: file, "\(path) type \(TokenizerConfig.quoted(type)) is not supported (Pare implements ByteLevel, Split, Digits, Sequence)")
      }
    }
    guard let value, case .object = value else {
      throw ModelError(file: file, "has no \"pre_tokenizer\" (a byte-level BPE needs ByteLevel)")
    }
    try read(value, path: "pre_tokenizer")
    guard sawByteLevel else {
      throw ModelError(file: file, "pre_tokenizer has no ByteLevel step (only byte-level BPE is supported, not Metaspace/SentencePiece)")
    }
    return (splits, addPrefixSpace)
  }

  private static func addedTokens(_ value: TokenizerJSON?, file: String) throws -> [AddedToken] {
    guard let value else { return [] }
    if case .null = value { return [] }
    guard case .array(let items) = value else { throw ModelError(file: file, "\"added_tokens\" must be an array") }
    return try items.enumerated().map { index, item in
      guard case .object = item, let content = try TokenizerConfig.string(item, "content", file: file),
        let id = try TokenizerConfig.int32(item, "id", file: file)
      else {
        throw ModelError(file: file, "added_tokens[\(index)] needs a string \"content\" and an integer \"id\"")
      }
      let special = try TokenizerConfig.bool(item, "special", file: file) ?? false
      return AddedToken(
        content: Array(content.unicodeScalars), id: id,
        singleWord: try TokenizerConfig.bool(item, "single_word", file: file) ?? false,
        leftStrip: try TokenizerConfig.bool(item, "lstrip", file: file) ?? false,
        rightStrip: try TokenizerConfig.bool(item, "rstrip", file: file) ?? false,
        normalized: try TokenizerConfig.bool(item, "normalized", file: file) ?? !special)
    }
  }

  /// The ids `post_processor` puts before and after a single sequence.
  private static func postProcessor(_ value: TokenizerJSON?, file: String, prefix: inout [Int], suffix: inout [Int]) throws {
    guard let value else { return }
    if case .null = value { return }
    let type = try TokenizerConfig.string(value, "type", file: file) ?? "(none)"
    func pair(_ key: String) throws -> Int {
      guard case .array(let items)? = value[key], items.count == 2, case .number(_, let id?) = items[1], id >= 0 else {
        throw ModelError(file: file, "post_processor.\(key) must be [token, id]")
      }
      return id
    }
    switch type {
    case "ByteLevel":
      return
    case "Sequence":
      guard case .array(let items)? = value["processors"] else { throw ModelError(file: file, "post_processor.processors must be an array") }
      for item in items { try postProcessor(item, file: file, prefix: &prefix, suffix: &suffix) }
    case "RobertaProcessing", "BertProcessing":
      prefix.append(try pair("cls"))
      suffix.insert(try pair("sep"), at: 0)
    case "TemplateProcessing":
      guard case .array(let items)? = value["single"] else { throw ModelError(file: file, "post_processor.single must be an array") }
      var sawSequence = false
      for item in items {
        if let special = item["SpecialToken"] {
          guard let name = try TokenizerConfig.string(special, "id", file: file),
            case .array(let idValues)? = value["special_tokens"]?[name]?["ids"]
          else {
            throw ModelError(file: file, "post_processor.single names a special token that special_tokens has no ids for")
          }
          let ids = try idValues.map { idValue in
            guard case .number(_, let id?) = idValue, id >= 0 else {
              throw ModelError(file: file, "post_processor.special_tokens[\(TokenizerConfig.quoted(name))] has a non-integer id")
            }
            return id
          }
          if sawSequence { suffix += ids } else { prefix += ids }
        } else if item["Sequence"] != nil {
          sawSequence = true
        } else {
          throw ModelError(file: file, "post_processor.single has an item that is neither SpecialToken nor Sequence")
        }
      }
    default:
      throw ModelError(
        file: file,
        "post_processor type \(TokenizerConfig.quoted(type)) is not supported (Pare implements TemplateProcessing, ByteLevel, RobertaProcessing, Sequence)")
    }
  }
}
