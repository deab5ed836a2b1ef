import Foundation

/// Everything a WordPiece tokenizer needs, read from a model directory's tokenizer files.
///
/// Two layouts: `tokenizer.json` (Hugging Face `tokenizers`' serialization, the authority when
/// present) or the older `vocab.txt` + `tokenizer_config.json` (what `transformers`' BERT
/// tokenizer reads). The sequence limit comes from sentence-transformers' rules, not from
/// tokenizer.json's truncation block (see `maxLength(in:tokenizerConfig:)`).
struct TokenizerConfig: Sendable {
  /// The file that defined the vocabulary, for error messages.
  var vocabularyFile: String
  /// Tokens and ids in file order.
  var vocabulary: [(token: String, id: Int32)]
  /// Nil when tokenizer.json has `"normalizer": null`.
  var normalizer: BertNormalizer?
  var unknownToken = "[UNK]"
  var continuingSubwordPrefix = "##"
  var maxInputCharsPerWord = 100
  /// Tokens matched in the text before normalization and pre-tokenization.
  var addedTokens: [AddedToken] = []
  /// Ids put before and after the sequence ([CLS] and [SEP] for BERT).
  var prefixIDs: [Int32] = []
  var suffixIDs: [Int32] = []
  /// The file that defined the post-processing, for error messages.
  var postProcessorFile: String
  var padID: Int32?
  var maxLength = 0

  /// Reads the tokenizer files of `directory`. Errors name the file and what is wrong.
  static func load(modelDirectory directory: String) throws -> TokenizerConfig {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ModelError(file: directory, "not a directory (expected a model directory with tokenizer files)")
    }
    let files = TokenizerFiles(directory: directory)
    let tokenizerConfig = try files.jsonObject("tokenizer_config.json")
    var config: TokenizerConfig
    if let tokenizer = try files.jsonObject("tokenizer.json") {
      config = try fromTokenizerJSON(tokenizer, file: files.path("tokenizer.json"))
    } else if FileManager.default.fileExists(atPath: files.path("vocab.txt")) {
      config = try fromVocabularyText(files: files, tokenizerConfig: tokenizerConfig)
    } else {
      throw ModelError(file: directory, "no tokenizer.json or vocab.txt in this directory (a BERT model needs one)")
    }
    if config.padID == nil {
      let padToken = try tokenizerConfig.flatMap { try tokenName($0, "pad_token", file: files.path("tokenizer_config.json")) }
      config.padID = config.id(of: padToken ?? "[PAD]")
    }
    if config.padID == nil, let model = try files.jsonObject("config.json") {
      config.padID = try int32(model, "pad_token_id", file: files.path("config.json"))
    }
    config.maxLength = try maxLength(files: files, tokenizerConfig: tokenizerConfig)
    let specials = config.prefixIDs.count + config.suffixIDs.count
    guard config.maxLength >= specials else {
      throw ModelError(
        file: files.path("sentence_bert_config.json"),
        "max length \(config.maxLength) leaves no room for the \(specials) special tokens")
    }
    return config
  }

  /// The last id of `token` in the vocabulary (exact bytes), or nil.
  func id(of token: String) -> Int32? {
    let bytes = Array(token.utf8)
    return vocabulary.last { $0.token.utf8.elementsEqual(bytes) }?.id
  }

  // MARK: - tokenizer.json

  private static func fromTokenizerJSON(_ root: TokenizerJSON, file: String) throws -> TokenizerConfig {
    guard let model = root["model"], case .object = model else {
      throw ModelError(file: file, "has no \"model\" object")
    }
    if let type = try string(model, "type", file: file), type != "WordPiece" {
      throw ModelError(file: file, "model type \"\(type)\" is not supported (Pare implements WordPiece, for BERT)")
    }
    guard let vocab = model["vocab"], case .object(let entries) = vocab else {
      throw ModelError(file: file, "model.vocab is missing or not an object of token: id")
    }
    var vocabulary: [(token: String, id: Int32)] = []
    vocabulary.reserveCapacity(entries.count)
    for (token, value) in entries {
      guard case .number(_, let integer?) = value, let id = Int32(exactly: integer), id >= 0 else {
        throw ModelError(file: file, "model.vocab entry \(quoted(token)) has id \(describe(value)), expected an integer 0...\(Int32.max)")
      }
      vocabulary.append((token, id))
    }
    guard !vocabulary.isEmpty else { throw ModelError(file: file, "model.vocab is empty") }

    var config = TokenizerConfig(vocabularyFile: file, vocabulary: vocabulary, postProcessorFile: file)
    config.unknownToken = try string(model, "unk_token", file: file) ?? "[UNK]"
    config.continuingSubwordPrefix = try string(model, "continuing_subword_prefix", file: file) ?? "##"
    if let limit = try int(model, "max_input_chars_per_word", file: file) {
      guard limit >= 0 else { throw ModelError(file: file, "model.max_input_chars_per_word is negative") }
      config.maxInputCharsPerWord = limit
    }
    config.normalizer = try normalizer(root["normalizer"], file: file)
    try checkPreTokenizer(root["pre_tokenizer"], file: file)
    config.addedTokens = try addedTokens(root["added_tokens"], file: file)
    try config.readPostProcessor(root["post_processor"], file: file)
    if let padding = root["padding"], case .object = padding {
      config.padID = try int32(padding, "pad_id", file: file)
    }
    return config
  }

  private static func normalizer(_ value: TokenizerJSON?, file: String) throws -> BertNormalizer? {
    guard let value else { return nil }
    switch value {
    case .null: return nil
    case .object: break
    default: throw ModelError(file: file, "\"normalizer\" must be an object or null, not \(value.kind)")
    }
    let type = try string(value, "type", file: file) ?? "(none)"
    guard type == "BertNormalizer" else {
      throw ModelError(file: file, "normalizer type \(quoted(type)) is not supported (Pare implements BertNormalizer)")
    }
    let lowercase = try bool(value, "lowercase", file: file) ?? true
    return BertNormalizer(
      cleanText: try bool(value, "clean_text", file: file) ?? true,
      handleChineseChars: try bool(value, "handle_chinese_chars", file: file) ?? true,
      stripAccents: try bool(value, "strip_accents", file: file),
      lowercase: lowercase)
  }

  private static func checkPreTokenizer(_ value: TokenizerJSON?, file: String) throws {
    guard let value, case .object = value else {
      throw ModelError(file: file, "has no \"pre_tokenizer\" (Pare implements BertPreTokenizer)")
    }
    let type = try string(value, "type", file: file) ?? "(none)"
    guard type == "BertPreTokenizer" else {
      throw ModelError(file: file, "pre_tokenizer type \(quoted(type)) is not supported (Pare implements BertPreTokenizer)")
    }
  }

  private static func addedTokens(_ value: TokenizerJSON?, file: String) throws -> [AddedToken] {
    guard let value else { return [] }
    if case .null = value { return [] }
    guard case .array(let items) = value else { throw ModelError(file: file, "\"added_tokens\" must be an array") }
    return try items.enumerated().map { index, item in
      guard case .object = item, let content = try string(item, "content", file: file),
        let id = try int32(item, "id", file: file)
      else {
        throw ModelError(file: file, "added_tokens[\(index)] needs a string \"content\" and an integer \"id\"")
      }
      let special = try bool(item, "special", file: file) ?? false
      return AddedToken(
        content: Array(content.unicodeScalars), id: id,
        singleWord: try bool(item, "single_word", file: file) ?? false,
        leftStrip: try bool(item, "lstrip", file: file) ?? false,
        rightStrip: try bool(item, "rstrip", file: file) ?? false,
        normalized: try bool(item, "normalized", file: file) ?? !special)
    }
  }

  /// `BertProcessing` (cls, sep) or `TemplateProcessing` whose single-sequence template is
  /// special tokens around sequence A. At least one special token must come before and after
  /// the sequence: Pare's BERT path relies on [CLS] ... [SEP].
  private mutating func readPostProcessor(_ value: TokenizerJSON?, file: String) throws {
    guard let value, case .object = value else {
      throw ModelError(file: file, "has no \"post_processor\" (a BERT tokenizer adds [CLS] and [SEP])")
    }
    let type = try Self.string(value, "type", file: file) ?? "(none)"
    switch type {
    case "BertProcessing":
      prefixIDs = [try Self.tokenAndID(value["cls"], name: "post_processor.cls", file: file)]
      suffixIDs = [try Self.tokenAndID(value["sep"], name: "post_processor.sep", file: file)]
    case "TemplateProcessing":
      guard case .array(let items)? = value["single"] else {
        throw ModelError(file: file, "post_processor.single must be an array")
      }
      var sawSequence = false
      for item in items {
        if let special = item["SpecialToken"] {
          guard let name = try Self.string(special, "id", file: file) else {
            throw ModelError(file: file, "post_processor.single has a SpecialToken without an \"id\"")
          }
          guard case .array(let idValues)? = value["special_tokens"]?[name]?["ids"] else {
            throw ModelError(file: file, "post_processor.special_tokens has no ids for \(Self.quoted(name))")
          }
          let ids = try idValues.map { idValue in
            guard case .number(_, let integer?) = idValue, let id = Int32(exactly: integer), id >= 0 else {
              throw ModelError(file: file, "post_processor.special_tokens[\(Self.quoted(name))] has a non-integer id")
            }
            return id
          }
          if sawSequence { suffixIDs += ids } else { prefixIDs += ids }
        } else if let sequence = item["Sequence"] {
          guard try Self.string(sequence, "id", file: file) == "A", !sawSequence else {
            throw ModelError(file: file, "post_processor.single must hold sequence A exactly once")
          }
          sawSequence = true
        } else {
          throw ModelError(file: file, "post_processor.single has an item that is neither SpecialToken nor Sequence")
        }
      }
      guard sawSequence else { throw ModelError(file: file, "post_processor.single has no Sequence A") }
    default:
      throw ModelError(
        file: file, "post_processor type \(Self.quoted(type)) is not supported (Pare implements BertProcessing and TemplateProcessing)")
    }
    guard !prefixIDs.isEmpty, !suffixIDs.isEmpty else {
      throw ModelError(file: file, "post_processor must put a special token before and after the sequence ([CLS] ... [SEP])")
    }
  }

  /// A `["[CLS]", 101]` pair of BertProcessing.
  private static func tokenAndID(_ value: TokenizerJSON?, name: String, file: String) throws -> Int32 {
    guard case .array(let pair)? = value, pair.count == 2, case .string = pair[0],
      case .number(_, let integer?) = pair[1], let id = Int32(exactly: integer), id >= 0
    else {
      throw ModelError(file: file, "\(name) must be a [token, id] pair")
    }
    return id
  }

  // MARK: - vocab.txt + tokenizer_config.json

  private static func fromVocabularyText(files: TokenizerFiles, tokenizerConfig: TokenizerJSON?) throws -> TokenizerConfig {
    let file = files.path("vocab.txt")
    let vocabulary = try readVocabularyText(file)
    let configFile = files.path("tokenizer_config.json")
    var config = TokenizerConfig(vocabularyFile: file, vocabulary: vocabulary, postProcessorFile: configFile)
    let settings = tokenizerConfig ?? .object([])
    let lowercase = try bool(settings, "do_lower_case", file: configFile) ?? true
    config.normalizer = BertNormalizer(
      cleanText: true,
      handleChineseChars: try bool(settings, "tokenize_chinese_chars", file: configFile) ?? true,
      stripAccents: try bool(settings, "strip_accents", file: configFile),
      lowercase: lowercase)
    config.unknownToken = try tokenName(settings, "unk_token", file: configFile) ?? "[UNK]"
    let cls = try tokenName(settings, "cls_token", file: configFile) ?? "[CLS]"
    let sep = try tokenName(settings, "sep_token", file: configFile) ?? "[SEP]"
    guard let clsID = config.id(of: cls) else { throw ModelError(file: file, "the [CLS] token \(quoted(cls)) is not in the vocabulary") }
    guard let sepID = config.id(of: sep) else { throw ModelError(file: file, "the [SEP] token \(quoted(sep)) is not in the vocabulary") }
    config.prefixIDs = [clsID]
    config.suffixIDs = [sepID]

    // transformers registers the special tokens as added tokens matched in the raw text:
    // added_tokens_decoder when the config lists it, else the named special tokens.
    if case .object(let decoder)? = settings["added_tokens_decoder"] {
      config.addedTokens = try decoder.map { key, item in
        guard let id = Int32(key), id >= 0, let content = try string(item, "content", file: configFile) else {
          throw ModelError(file: configFile, "added_tokens_decoder entry \(quoted(key)) needs an integer key and a \"content\"")
        }
        let special = try bool(item, "special", file: configFile) ?? false
        return AddedToken(
          content: Array(content.unicodeScalars), id: id,
          singleWord: try bool(item, "single_word", file: configFile) ?? false,
          leftStrip: try bool(item, "lstrip", file: configFile) ?? false,
          rightStrip: try bool(item, "rstrip", file: configFile) ?? false,
          normalized: try bool(item, "normalized", file: configFile) ?? !special)
      }
    } else {
      var names: [String] = []
      for key in ["unk_token", "sep_token", "pad_token", "cls_token", "mask_token"] {
        names.append(try tokenName(settings, key, file: configFile) ?? "[\(key.dropLast(6).uppercased())]")
      }
      if case .array(let extra)? = settings["additional_special_tokens"] {
        for item in extra {
          if case .string(let name) = item { names.append(name) }
          if let name = try string(item, "content", file: configFile) { names.append(name) }
        }
      }
      for name in names {
        guard let id = config.id(of: name), !config.addedTokens.contains(where: { $0.id == id }) else { continue }
        config.addedTokens.append(AddedToken(content: Array(name.unicodeScalars), id: id))
      }
    }
    return config
  }

  /// vocab.txt as the reference reads it: one token per line, the id is the line number, each
  /// line trimmed of trailing whitespace, a repeated token keeps its last line.
  static func readVocabularyText(_ file: String) throws -> [(token: String, id: Int32)] {
    let bytes = try TokenizerFiles.read(file)
    var vocabulary: [(token: String, id: Int32)] = []
    var start = 0
    while start < bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      guard vocabulary.count < Int32.max else { throw ModelError(file: file, "has too many lines") }
      guard let line = String(validating: bytes[start..<end], as: UTF8.self) else {
        throw ModelError(file: file, "line \(vocabulary.count + 1) is not valid UTF-8")
      }
      var scalars = line.unicodeScalars[...]
      while let last = scalars.last, BertCharacterClasses.isWhitespace(last) { scalars.removeLast() }
      vocabulary.append((String(String.UnicodeScalarView(scalars)), Int32(vocabulary.count)))
      start = end + 1
    }
    guard !vocabulary.isEmpty else { throw ModelError(file: file, "is empty (expected one token per line)") }
    return vocabulary
  }

  // MARK: - Sequence limit

  /// sentence-transformers' rule: `max_seq_length` from sentence_bert_config.json when set,
  /// else the smaller of config.json's `max_position_embeddings` and tokenizer_config.json's
  /// `model_max_length`. tokenizer.json's truncation block is not consulted: all-MiniLM-L6-v2
  /// has 128 there but is used with 256.
  private static func maxLength(files: TokenizerFiles, tokenizerConfig: TokenizerJSON?) throws -> Int {
    let sentenceFile = files.path("sentence_bert_config.json")
    if let sentence = try files.jsonObject("sentence_bert_config.json"),
      let length = try int(sentence, "max_seq_length", file: sentenceFile)
    {
      guard length >= 1 else { throw ModelError(file: sentenceFile, "max_seq_length must be at least 1, not \(length)") }
      return length
    }
    var limits: [Int] = []
    if let model = try files.jsonObject("config.json"),
      let positions = try int(model, "max_position_embeddings", file: files.path("config.json"))
    {
      guard positions >= 1 else { throw ModelError(file: files.path("config.json"), "max_position_embeddings must be positive") }
      limits.append(positions)
    }
    if let settings = tokenizerConfig, let value = settings["model_max_length"] {
      switch value {
      case .null: break
      case .number(let double, _) where double >= 1:
        limits.append(double >= Double(Int32.max) ? Int(Int32.max) : Int(double))
      default:
        throw ModelError(file: files.path("tokenizer_config.json"), "model_max_length must be a positive number, not \(describe(value))")
      }
    }
    guard let limit = limits.min() else {
      throw ModelError(
        file: files.directory,
        "no sequence limit: expected max_seq_length in sentence_bert_config.json, max_position_embeddings in config.json or model_max_length in tokenizer_config.json")
    }
    return limit
  }

  // MARK: - Field access with one-line errors

  static func string(_ object: TokenizerJSON, _ key: String, file: String) throws -> String? {
    guard let value = object[key] else { return nil }
    switch value {
    case .null: return nil
    case .string(let string): return string
    default: throw ModelError(file: file, "\(quoted(key)) must be a string, not \(describe(value))")
    }
  }

  static func bool(_ object: TokenizerJSON, _ key: String, file: String) throws -> Bool? {
    guard let value = object[key] else { return nil }
    switch value {
    case .null: return nil
    case .bool(let bool): return bool
    default: throw ModelError(file: file, "\(quoted(key)) must be true, false or null, not \(describe(value))")
    }
  }

  static func int(_ object: TokenizerJSON, _ key: String, file: String) throws -> Int? {
    guard let value = object[key] else { return nil }
    switch value {
    case .null: return nil
    case .number(_, let integer?): return integer
    default: throw ModelError(file: file, "\(quoted(key)) must be an integer, not \(describe(value))")
    }
  }

  static func int32(_ object: TokenizerJSON, _ key: String, file: String) throws -> Int32? {
    guard let integer = try int(object, key, file: file) else { return nil }
    guard let id = Int32(exactly: integer), id >= 0 else {
      throw ModelError(file: file, "\(quoted(key)) must be a token id 0...\(Int32.max), not \(integer)")
    }
    return id
  }

  /// A special token as tokenizer_config.json writes it: a string, or an object with "content".
  static func tokenName(_ object: TokenizerJSON, _ key: String, file: String) throws -> String? {
    guard let value = object[key] else { return nil }
    switch value {
    case .null: return nil
    case .string(let name): return name
    case .object:
      if let name = try string(value, "content", file: file) { return name }
      fallthrough
    default: throw ModelError(file: file, "\(quoted(key)) must be a token string, not \(describe(value))")
    }
  }

  /// `text` in quotes for a one-line message: control characters escaped, long text cut.
  static func quoted(_ text: String) -> String {
    var shown = "\""
    for (index, scalar) in text.unicodeScalars.enumerated() {
      if index == 40 {
        shown += "…"
        break
      }
      if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\"" || scalar == "\\" {
        shown += scalar.escaped(asASCII: true)
      } else {
        shown.unicodeScalars.append(scalar)
      }
    }
    return shown + "\""
  }

  static func describe(_ value: TokenizerJSON) -> String {
    switch value {
    case .number(let double, _): "\(double)"
    case .string(let string): quoted(string)
    default: value.kind
    }
  }
}

/// The tokenizer files of one model directory.
struct TokenizerFiles {
  /// The model directory.
  let directory: String

  /// The path of `name` in the directory.
  func path(_ name: String) -> String { URL(fileURLWithPath: directory).appendingPathComponent(name).path }

  /// The file's bytes; errors when it cannot be read or is implausibly large.
  static func read(_ file: String) throws(ModelError) -> [UInt8] {
    do { return Array(try InputFile.contents(of: file)) } catch { throw ModelError(file: file, "cannot be read: \(error)") }
  }

  /// The parsed JSON object in `name`, or nil when the file does not exist.
  func jsonObject(_ name: String) throws -> TokenizerJSON? {
    let file = path(name)
    guard FileManager.default.fileExists(atPath: file) else { return nil }
    let value: TokenizerJSON
    do {
      value = try TokenizerJSON.parse(try Self.read(file))
    } catch let error as TokenizerJSONError {
      throw ModelError(file: file, error.description)
    }
    guard case .object = value else { throw ModelError(file: file, "must hold a JSON object, not \(value.kind)") }
    return value
  }
}
