import Foundation
@testable import PareFormats
import Testing

/// The reference ids written by scripts/reference_tokens.py with Hugging Face `tokenizers`.
private struct TokenFixture: Decodable {
  struct Entry: Decodable {
    var name: String?
    var text: String
    var ids: [Int32]
    var tokens: [String]
  }

  /// The hard cases under other BertNormalizer options (snake_case as in the JSON).
  struct Variant: Decodable {
    struct Options: Decodable {
      var clean_text: Bool
      var handle_chinese_chars: Bool
      var strip_accents: Bool?
      var lowercase: Bool
    }

    var name: String
    var options: Options
    var hard_cases: [Entry]
  }

  var max_length: Int
  var sentences: [Entry]
  var hard_cases: [Entry]
  var normalizer_variants: [Variant]

  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
  static let tokenizerDirectory = fixtures.appendingPathComponent("all-MiniLM-L6-v2-tokenizer").path
  static let sentencesFile = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("assets/data/sentences.txt").path

  static func load() throws -> TokenFixture {
    let data = try Data(contentsOf: fixtures.appendingPathComponent("token-ids.json"))
    return try JSONDecoder().decode(TokenFixture.self, from: data)
  }

  /// Every fixture entry, sentences then hard cases.
  var all: [Entry] { sentences + hard_cases }
}

/// Compares `tokenizer` with every fixture entry; reports each mismatch with the reference tokens.
private func expectMatchesFixture(
  _ tokenizer: WordPieceTokenizer, _ entries: [TokenFixture.Entry], sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(!entries.isEmpty, sourceLocation: sourceLocation)
  var mismatches = 0
  for entry in entries {
    let ids = tokenizer.encode(entry.text)
    if ids != entry.ids {
      mismatches += 1
      Issue.record(
        "\(entry.name ?? "sentence") \(entry.text.debugDescription.prefix(80)): got \(ids), expected \(entry.ids) (\(entry.tokens))",
        sourceLocation: sourceLocation)
      if mismatches >= 10 { return }
    }
  }
}

@Suite struct WordPieceFixtureTests {
  @Test func fixtureCoversTheBundledSentencesFile() throws {
    let fixture = try TokenFixture.load()
    let lines = try String(contentsOfFile: TokenFixture.sentencesFile, encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    #expect(lines.count >= 500)
    #expect(fixture.sentences.map(\.text) == lines, "re-run scripts/reference_tokens.py after editing sentences.txt")
  }

  @Test func tokenizerJSONMatchesTheReference() throws {
    let fixture = try TokenFixture.load()
    let tokenizer = try WordPieceTokenizer(modelDirectory: TokenFixture.tokenizerDirectory)
    #expect(tokenizer.maxLength == fixture.max_length)
    #expect(tokenizer.maxLength == 256)  // sentence_bert_config.json, not tokenizer.json's 128
    #expect((tokenizer.clsID, tokenizer.sepID, tokenizer.padID, tokenizer.unknownID) == (101, 102, 0, 100))
    #expect(tokenizer.vocabularySize == 30522)
    expectMatchesFixture(tokenizer, fixture.all)
  }

  @Test func vocabTextAndTokenizerConfigMatchTheReference() throws {
    let fixture = try TokenFixture.load()
    try withTemporaryDirectory { dir in
      for name in ["vocab.txt", "tokenizer_config.json", "sentence_bert_config.json"] {
        try FileManager.default.copyItem(
          atPath: (TokenFixture.tokenizerDirectory as NSString).appendingPathComponent(name), toPath: dir.path(name))
      }
      let tokenizer = try WordPieceTokenizer(modelDirectory: dir.path)
      #expect(tokenizer.maxLength == 256)
      #expect((tokenizer.clsID, tokenizer.sepID, tokenizer.padID, tokenizer.unknownID) == (101, 102, 0, 100))
      #expect(tokenizer.normalizer == BertNormalizer(cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true))
      expectMatchesFixture(tokenizer, fixture.all)
    }
  }

  @Test func otherNormalizerSettingsMatchTheReference() throws {
    let fixture = try TokenFixture.load()
    #expect(fixture.normalizer_variants.count == 3)
    for variant in fixture.normalizer_variants {
      var config = try TokenizerConfig.load(modelDirectory: TokenFixture.tokenizerDirectory)
      let options = variant.options
      config.normalizer = BertNormalizer(
        cleanText: options.clean_text, handleChineseChars: options.handle_chinese_chars,
        stripAccents: options.strip_accents, lowercase: options.lowercase)
      expectMatchesFixture(try WordPieceTokenizer(config: config), variant.hard_cases)
    }
  }

  @Test func sentenceDatasetEncodesEveryLine() throws {
    let tokenizer = try WordPieceTokenizer(modelDirectory: TokenFixture.tokenizerDirectory)
    let dataset = try SentenceDataset(path: TokenFixture.sentencesFile)
    let encoded = tokenizer.encode(dataset)
    #expect(encoded.count == dataset.count)
    #expect(encoded.first == tokenizer.encode(dataset.sentences[0]).map(Int.init))
  }

  @Test func longestHardCasesAreCutToTheLimitWithSepLast() throws {
    let tokenizer = try WordPieceTokenizer(modelDirectory: TokenFixture.tokenizerDirectory)
    let ids = tokenizer.encode(String(repeating: "word ", count: 1000))
    #expect(ids.count == 256)
    #expect(ids.first == 101)
    #expect(ids.last == 102)
    #expect(ids.dropFirst().dropLast().allSatisfy { $0 == 2773 })  // "word"
  }
}

// MARK: - Hand-worked cases on a tiny vocabulary

private let tinyVocabulary = [
  "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",  // 0-4
  "un", "##aff", "##able", "aff", "able",  // 5-9
  "he", "hello", "##llo", "##l", "##o",  // 10-14
  "x", "##x", "a", "b", ",",  // 15-19
  "!", "##b", "cafe", "café", "e\u{301}",  // 20-24
]

private func tiny(maxLength: Int = 16, maxInputCharsPerWord: Int = 100, normalizer: BertNormalizer? = BertNormalizer()) throws
  -> WordPieceTokenizer
{
  try WordPieceTokenizer(
    vocabulary: tinyVocabulary, normalizer: normalizer, maxLength: maxLength, maxInputCharsPerWord: maxInputCharsPerWord)
}

@Suite struct WordPieceHandWorkedTests {
  @Test func greedyLongestMatchFirstWithContinuingPrefix() throws {
    let tokenizer = try tiny()
    #expect(tokenizer.encode("unaffable") == [2, 5, 6, 7, 3])  // un ##aff ##able
    #expect(tokenizer.encode("affable") == [2, 8, 7, 3])  // aff ##able: a word's first piece has no ##
    #expect(tokenizer.encode("hello") == [2, 11, 3])  // the whole word beats he ##llo
    #expect(tokenizer.encode("helo") == [2, 10, 13, 14, 3])  // he ##l ##o
    #expect(tokenizer.encode("hellol") == [2, 11, 13, 3])  // hello ##l
    #expect(tokenizer.encode("xxx") == [2, 15, 16, 16, 3])
  }

  @Test func aWordWithAnUncoveredPartIsOneUnknown() throws {
    let tokenizer = try tiny()
    #expect(tokenizer.encode("hellox") == [2, 11, 16, 3])  // hello ##x
    #expect(tokenizer.encode("hellozz") == [2, 1, 3])  // hello matches, ##z does not: the whole word is [UNK]
    #expect(tokenizer.encode("zz a") == [2, 1, 17, 3])
    #expect(tokenizer.encode("ba") == [2, 1, 3])  // b then ##a: not in the vocabulary
  }

  @Test func wordsLongerThanTheLimitAreUnknown() throws {
    let tokenizer = try tiny(maxInputCharsPerWord: 3)
    #expect(tokenizer.encode("xxx") == [2, 15, 16, 16, 3])
    #expect(tokenizer.encode("xxxx") == [2, 1, 3])
    #expect(tokenizer.encode("xxxx,x") == [2, 1, 19, 15, 3])  // punctuation splits first
  }

  @Test func punctuationAndWhitespaceSplitWords() throws {
    let tokenizer = try tiny()
    #expect(tokenizer.encode("a,b!") == [2, 17, 19, 18, 20, 3])
    #expect(tokenizer.encode("  a\t\nb  ") == [2, 17, 18, 3])
    #expect(tokenizer.encode("") == [2, 3])
    #expect(tokenizer.encode("\u{200B}\u{0}") == [2, 3])  // removed by cleaning
  }

  @Test func truncationKeepsSepLast() throws {
    let tokenizer = try tiny(maxLength: 5)
    #expect(tokenizer.encode("a b a b a b") == [2, 17, 18, 17, 3])
    #expect(tokenizer.encode("unaffable unaffable") == [2, 5, 6, 7, 3])
    #expect(tokenizer.encode("a b") == [2, 17, 18, 3])
    let minimal = try tiny(maxLength: 2)
    #expect(minimal.encode("a b a") == [2, 3])
    #expect(throws: ModelError.self) { try tiny(maxLength: 1) }
  }

  @Test func specialTokensInTheRawTextAreMatchedExactly() throws {
    let tokenizer = try tiny()
    #expect(tokenizer.encode("a[MASK]b") == [2, 17, 4, 18, 3])
    #expect(tokenizer.encode("a [SEP] b") == [2, 17, 3, 18, 3])
    #expect(tokenizer.encode("[mask]") == [2, 1, 1, 1, 3])  // "[", "mask", "]" are unknown here
  }

  @Test func vocabularyKeysAreBytesNotCanonicalEquivalents() throws {
    // A cased tokenizer keeps accents, so "café" (U+00E9) and "cafe" + U+0301 stay different
    // strings; Swift's String equality would call them equal, the reference does not.
    let cased = try tiny(normalizer: BertNormalizer(lowercase: false))
    #expect(cased.encode("café") == [2, 23, 3])
    #expect(cased.encode("e\u{301}") == [2, 24, 3])
    #expect(cased.encode("cafe\u{301}") == [2, 1, 3])  // cafe then ##́: not in the vocabulary
    let uncased = try tiny()
    #expect(uncased.encode("cafe\u{301}") == [2, 22, 3])  // accent stripped
    #expect(uncased.encode("CAFÉ") == [2, 22, 3])
  }

  @Test func normalizerOptions() {
    #expect(BertNormalizer().normalize("Héllo\tWORLD\u{0}") == "hello world")
    #expect(BertNormalizer(lowercase: false).normalize("Héllo") == "Héllo")  // strip_accents follows lowercase
    #expect(BertNormalizer(stripAccents: false).normalize("Héllo") == "héllo")
    #expect(BertNormalizer(stripAccents: true, lowercase: false).normalize("Héllo") == "Hello")
    #expect(BertNormalizer().normalize("a東b") == "a 東 b")
    #expect(BertNormalizer(handleChineseChars: false).normalize("a東b") == "a東b")
    #expect(BertNormalizer(cleanText: false, lowercase: false).normalize("a\u{200B}\tb") == "a\u{200B}\tb")
    // Per-character lowercasing: no final sigma; İ keeps its dot when accents are kept.
    #expect(BertNormalizer().normalize("ΟΔΟΣ") == "οδοσ")
    #expect(BertNormalizer(stripAccents: false).normalize("İ") == "i\u{307}")
    #expect(BertNormalizer().normalize("İ") == "i")
    #expect(BertNormalizer().normalize("≠ ﬁ") == "= ﬁ")  // NFD, not NFKD
  }
}

// MARK: - Loading errors

@Suite struct WordPieceLoadingErrorTests {
  /// Loads a directory with `files` (name: contents) and returns the error it gives.
  private func loadError(_ files: [String: String]) throws -> ModelError? {
    try withTemporaryDirectory { dir in
      for (name, contents) in files { try dir.write(contents, to: name) }
      do {
        _ = try WordPieceTokenizer(modelDirectory: dir.path)
        return nil
      } catch let error as ModelError {
        return error
      }
    }
  }

  private let vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n"
  private let limit = #"{"max_seq_length": 128}"#

  @Test func missingFiles() throws {
    let missing = "/nonexistent/pare-model"
    #expect(throws: ModelError(file: missing, "not a directory (expected a model directory with tokenizer files)")) {
      try WordPieceTokenizer(modelDirectory: missing)
    }
    let empty = try #require(try loadError([:]))
    #expect(empty.message.contains("no tokenizer.json or vocab.txt"))
  }

  @Test func vocabTextProblems() throws {
    let emptyVocab = try #require(try loadError(["vocab.txt": "", "sentence_bert_config.json": limit]))
    #expect(emptyVocab.file.hasSuffix("vocab.txt") && emptyVocab.message.contains("empty"))

    let noUnknown = try #require(try loadError(["vocab.txt": "[CLS]\n[SEP]\nhello\n", "sentence_bert_config.json": limit]))
    #expect(noUnknown.file.hasSuffix("vocab.txt"))
    #expect(noUnknown.message.contains("unknown token \"[UNK]\" is not in the vocabulary"))

    let noCLS = try #require(try loadError(["vocab.txt": "[UNK]\n[SEP]\n", "sentence_bert_config.json": limit]))
    #expect(noCLS.message.contains("[CLS]"))

    let badUTF8 = try withTemporaryDirectory { dir -> ModelError? in
      try dir.write(Array("[UNK]\n[CLS]\n".utf8) + [0xFF, 0x0A], to: "vocab.txt")
      try dir.write(limit, to: "sentence_bert_config.json")
      do { _ = try WordPieceTokenizer(modelDirectory: dir.path) } catch let error as ModelError { return error }
      return nil
    }
    #expect(badUTF8?.message == "line 3 is not valid UTF-8")
  }

  @Test func malformedJSONFiles() throws {
    let truncated = try #require(try loadError(["tokenizer.json": #"{"model": {"type": "WordPiece", "vocab": {"#, "sentence_bert_config.json": limit]))
    #expect(truncated.file.hasSuffix("tokenizer.json"))
    #expect(truncated.message.hasPrefix("malformed JSON at byte"))

    let config = try #require(try loadError(["vocab.txt": vocab, "tokenizer_config.json": "{\"do_lower_case\": tru}", "sentence_bert_config.json": limit]))
    #expect(config.file.hasSuffix("tokenizer_config.json") && config.message.hasPrefix("malformed JSON"))

    let wrongType = try #require(try loadError(["vocab.txt": vocab, "tokenizer_config.json": #"{"do_lower_case": "yes"}"#, "sentence_bert_config.json": limit]))
    #expect(wrongType.message == #""do_lower_case" must be true, false or null, not "yes""#)

    let notObject = try #require(try loadError(["vocab.txt": vocab, "sentence_bert_config.json": "[128]"]))
    #expect(notObject.file.hasSuffix("sentence_bert_config.json") && notObject.message.contains("must hold a JSON object"))
  }

  /// A minimal tokenizer.json around `parts` (normalizer, pre_tokenizer, model, post_processor).
  private func tokenizerJSON(
    normalizer: String = #"{"type": "BertNormalizer", "lowercase": true}"#,
    preTokenizer: String = #"{"type": "BertPreTokenizer"}"#,
    model: String = #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "hi": 3}}"#,
    postProcessor: String = #"{"type": "BertProcessing", "cls": ["[CLS]", 1], "sep": ["[SEP]", 2]}"#
  ) -> String {
    #"{"normalizer": \#(normalizer), "pre_tokenizer": \#(preTokenizer), "model": \#(model), "post_processor": \#(postProcessor)}"#
  }

  @Test func tokenizerJSONVariants() throws {
    try withTemporaryDirectory { dir in
      try dir.write(tokenizerJSON(), to: "tokenizer.json")
      try dir.write(limit, to: "sentence_bert_config.json")
      let tokenizer = try WordPieceTokenizer(modelDirectory: dir.path)
      #expect(tokenizer.encode("HI hi") == [1, 3, 3, 2])
      #expect(tokenizer.maxLength == 128)
    }
    let unsupportedNormalizer = try #require(
      try loadError(["tokenizer.json": tokenizerJSON(normalizer: #"{"type": "Lowercase"}"#), "sentence_bert_config.json": limit]))
    #expect(unsupportedNormalizer.message == #"normalizer type "Lowercase" is not supported (Pare implements BertNormalizer)"#)

    let unsupportedModel = try #require(
      try loadError(["tokenizer.json": tokenizerJSON(model: #"{"type": "BPE", "vocab": {}}"#), "sentence_bert_config.json": limit]))
    #expect(unsupportedModel.message.contains(#"model type "BPE" is not supported"#))

    let badID = try #require(
      try loadError([
        "tokenizer.json": tokenizerJSON(model: #"{"type": "WordPiece", "vocab": {"[UNK]": "zero"}}"#), "sentence_bert_config.json": limit,
      ]))
    #expect(badID.message.contains(#"model.vocab entry "[UNK]" has id "zero""#))

    let noPreTokenizer = try #require(
      try loadError(["tokenizer.json": tokenizerJSON(preTokenizer: "null"), "sentence_bert_config.json": limit]))
    #expect(noPreTokenizer.message.contains("pre_tokenizer"))

    let noPost = try #require(try loadError(["tokenizer.json": tokenizerJSON(postProcessor: "null"), "sentence_bert_config.json": limit]))
    #expect(noPost.message.contains("post_processor"))
  }

  @Test func canonicallyEquivalentVocabularyKeysStayDistinct() throws {
    try withTemporaryDirectory { dir in
      let model = #"{"type": "WordPiece", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "\u00e9": 3, "e\u0301": 4}}"#
      try dir.write(
        tokenizerJSON(normalizer: #"{"type": "BertNormalizer", "lowercase": false}"#, model: model), to: "tokenizer.json")
      try dir.write(limit, to: "sentence_bert_config.json")
      let tokenizer = try WordPieceTokenizer(modelDirectory: dir.path)
      #expect(tokenizer.vocabularySize == 5)
      #expect(tokenizer.encode("\u{e9}") == [1, 3, 2])
      #expect(tokenizer.encode("e\u{301}") == [1, 4, 2])
    }
  }

  @Test func sequenceLimit() throws {
    let zero = try #require(try loadError(["vocab.txt": vocab, "sentence_bert_config.json": #"{"max_seq_length": 0}"#]))
    #expect(zero.message == "max_seq_length must be at least 1, not 0")
    let text = try #require(try loadError(["vocab.txt": vocab, "sentence_bert_config.json": #"{"max_seq_length": "256"}"#]))
    #expect(text.message == #""max_seq_length" must be an integer, not "256""#)
    let none = try #require(try loadError(["vocab.txt": vocab]))
    #expect(none.message.hasPrefix("no sequence limit"))
    let tooShort = try #require(try loadError(["vocab.txt": vocab, "sentence_bert_config.json": #"{"max_seq_length": 1}"#]))
    #expect(tooShort.message.contains("no room for the 2 special tokens"))

    // Without sentence_bert_config.json: the smaller of the model's and the tokenizer's limits.
    try withTemporaryDirectory { dir in
      try dir.write(vocab, to: "vocab.txt")
      try dir.write(#"{"max_position_embeddings": 384}"#, to: "config.json")
      try dir.write(#"{"model_max_length": 1000000000000000019884624838656}"#, to: "tokenizer_config.json")
      #expect(try WordPieceTokenizer(modelDirectory: dir.path).maxLength == 384)
      try dir.write(#"{"model_max_length": 64}"#, to: "tokenizer_config.json")
      #expect(try WordPieceTokenizer(modelDirectory: dir.path).maxLength == 64)
      try dir.write(#"{"max_seq_length": null}"#, to: "sentence_bert_config.json")
      #expect(try WordPieceTokenizer(modelDirectory: dir.path).maxLength == 64)
    }
  }
}

// MARK: - The JSON reader

@Suite struct TokenizerJSONTests {
  private func parse(_ text: String) throws(TokenizerJSONError) -> TokenizerJSON { try TokenizerJSON.parse(Array(text.utf8)) }

  @Test func valuesAndEscapes() throws {
    let value = try parse(#" {"a": [1, -2.5e3, true, false, null], "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "a": 7} "#)
    guard case .number(7, integer: 7)? = value["a"] else { Issue.record("the last duplicate wins"); return }
    #expect(value["s"].map { if case .string(let s) = $0 { s } else { "" } } == "x\"\\/\u{8}\u{c}\n\r\té😀")
    guard case .object(let members) = value else { Issue.record("not an object"); return }
    #expect(members.count == 3)
  }

  @Test func malformedInputsAreErrorsNotCrashes() {
    for text in [
      "", "{", "[1,]", #"{"a" 1}"#, #"{"a": 01}"#, #""\ud800""#, #""\udc00""#, #""\x""#, "\"a\u{1}\"", "[1] 2", "tru",
      #""\u12"#, "-", "1.", "1e", String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
    ] {
      #expect(throws: TokenizerJSONError.self, "\(text.prefix(20))") { try parse(text) }
    }
    #expect(throws: TokenizerJSONError.self) { try TokenizerJSON.parse([0x22, 0xC3, 0x22]) }  // invalid UTF-8
  }

  @Test func conformsToTextTokenizer() throws {
    let tokenizer: any TextTokenizer = try WordPieceTokenizer(
      vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "play", "##ing", "fast", "!"], maxLength: 16)
    #expect(try tokenizer.encode("Playing fast!", addSpecial: true) == [2, 5, 6, 7, 8, 3])
    #expect(try tokenizer.encode("Playing fast!", addSpecial: false) == [5, 6, 7, 8])
    #expect(tokenizer.decode([5, 6, 7, 8]) == "playing fast !")
    #expect(tokenizer.bos == 2 && tokenizer.eos == 3 && tokenizer.vocabularySize == 9)
  }
}
