import Foundation
@testable import PareFormats
import Testing

/// llama.cpp's ids (llama-cpp-python, `vocab_only`, special-token parsing off) for tiny GGUF
/// vocabularies and, when .models holds them, the real SmolLM2 and Gemma-3 vocabularies.
@Suite struct GGUFTokenizerTests {
  static let expectedFile = TokenizerFixtures.path("gguf-expected.json")
  static let hasExpected = FileManager.default.fileExists(atPath: expectedFile)

  /// (key in gguf-expected.json, vocabulary JSON, `pre` to use).
  static let variants: [(String, String, String?)] = [
    ("gpt2-smollm", "gguf-gpt2-vocab.json", "smollm"),
    ("gpt2-llama-bpe", "gguf-gpt2-vocab.json", "llama-bpe"),
    ("gpt2-qwen2", "gguf-gpt2-vocab.json", "qwen2"),
    ("gpt2-gpt-2", "gguf-gpt2-vocab.json", "gpt-2"),
    ("gpt2-default", "gguf-gpt2-vocab.json", "default"),
    ("spm", "gguf-spm-vocab.json", nil),
  ]

  @Test(.enabled(if: hasExpected), arguments: variants)
  func idsEqualLlamaCpp(variant: (String, String, String?)) throws {
    var vocabulary = try TokenizerFixtures.vocabulary(json: TokenizerFixtures.path(variant.1))
    if let pre = variant.2 { vocabulary.pre = pre }
    let tokenizer = try vocabulary.tokenizer()
    let cases = try TokenizerFixtures.hardCases()
    let expected = try TokenizerFixtures.expected("gguf-expected.json", variant.0)
    #expect(cases.count == expected.count)
    for (hard, reference) in zip(cases, expected) {
      #expect(try tokenizer.encode(hard.text, addSpecial: false) == reference.ids, "\(variant.0): \(hard.name)")
      #expect(try tokenizer.encode(hard.text, addSpecial: true) == reference.ids_with_special, "\(variant.0): \(hard.name)")
    }
  }

  @Test func unknownPreAndModelAreNamed() throws {
    let base = GGUFVocabulary(source: "m.gguf", model: "gpt2", pre: "klingon", tokens: ["a", "b"], merges: ["a b"])
    #expect {
      try base.tokenizer()
    } throws: { error in
      "\(error)".hasPrefix("m.gguf: tokenizer.ggml.pre \"klingon\" is not supported") && "\(error)".contains("smollm")
    }
    var other = base
    other.model = "t5"
    #expect(throws: ModelError(file: "m.gguf", "tokenizer.ggml.model \"t5\" is not supported (Pare implements gpt2 and llama)")) {
      try other.tokenizer()
    }
    var short = base
    short.model = "llama"
    short.scores = [0]
    #expect(throws: ModelError(file: "m.gguf", "tokenizer.ggml.scores has 1 entries for 2 tokens")) { try short.tokenizer() }
    var badBOS = base
    badBOS.pre = "gpt-2"
    badBOS.bos = 99
    #expect(throws: ModelError(file: "m.gguf", "tokenizer.ggml.bos_token_id 99 is outside the 2 tokens")) { try badBOS.tokenizer() }
  }

  /// The byte-level path with a hand-made vocabulary: merges by rank, user-defined tokens cut
  /// out of the text, BOS from `add_bos_token`.
  @Test func smallByteLevelVocabulary() throws {
    let vocabulary = GGUFVocabulary(
      source: "tiny.gguf", model: "gpt2", pre: "gpt-2", tokens: ["h", "e", "l", "o", "Ġ", "he", "ll", "hell", "hello", "<x>", "Ġhe", "<|s|>"],
      tokenTypes: [1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 1, 3], merges: ["h e", "l l", "he ll", "hell o", "Ġ he"], bos: 11, addBOS: true)
    let tokenizer = try vocabulary.tokenizer()
    // "hello" merges h+e (rank 0), l+l (1), he+ll (2), hell+o (3); " he" is Ġ+he.
    #expect(try tokenizer.encode("hello<x> he", addSpecial: true) == [11, 8, 9, 10])
    #expect(try tokenizer.encode("hello", addSpecial: false) == [8])
    #expect(tokenizer.decode([11, 8, 9, 10]) == "<|s|>hello<x> he")
    #expect {
      try tokenizer.encode("z", addSpecial: false)
    } throws: { error in
      "\(error)".hasPrefix("tiny.gguf: no token for the byte 0x7A")
    }
  }

  // MARK: - The real models

  static let models = TokenizerFixtures.repositoryRoot.appendingPathComponent(".models")
  static let realExpected = TokenizerFixtures.path("real-gguf-expected.json")
  static let smolGGUF = models.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf").path
  static let gemmaGGUF = models.appendingPathComponent("gemma-3-270m-q4_k_m.gguf").path
  static let wiki = models.appendingPathComponent("text/wiki.utf8").path
  static func present(_ paths: String...) -> Bool { paths.allSatisfy { FileManager.default.fileExists(atPath: $0) } }

  @Test(.enabled(if: present(smolGGUF, realExpected)))
  func smolLM2IdsEqualLlamaCpp() throws {
    try checkReal(gguf: Self.smolGGUF, key: "smollm2")
  }

  @Test(.enabled(if: present(gemmaGGUF, realExpected)))
  func gemma3IdsEqualLlamaCpp() throws {
    try checkReal(gguf: Self.gemmaGGUF, key: "gemma3")
  }

  private func checkReal(gguf: String, key: String) throws {
    let tokenizer = try GGUFVocabulary(gguf: GGUFFile(path: gguf)).tokenizer()
    var texts = try TokenizerFixtures.hardCases().map(\.text)
    let wiki = try String(contentsOfFile: Self.wiki, encoding: .utf8)
    texts.append(String(wiki.unicodeScalars.prefix(2000)))
    let expected = try TokenizerFixtures.expected("real-gguf-expected.json", key)
    #expect(texts.count == expected.count)
    for (text, reference) in zip(texts, expected) {
      #expect(try tokenizer.encode(text, addSpecial: false) == reference.ids, "\(key): \(reference.name)")
      #expect(try tokenizer.encode(text, addSpecial: true) == reference.ids_with_special, "\(key): \(reference.name)")
    }
  }

  /// A tenth of wiki.utf8 through both vocabularies decodes back to itself (a debug build is
  /// slow; scripts/bench_tokenizers.sh times the whole file optimized). The time goes to stdout.
  @Test(.enabled(if: present(smolGGUF, gemmaGGUF, wiki)))
  func wikiRoundTrip() throws {
    let text = String(try String(contentsOfFile: Self.wiki, encoding: .utf8).prefix(200_000))
    for gguf in [Self.smolGGUF, Self.gemmaGGUF] {
      let tokenizer = try GGUFVocabulary(gguf: GGUFFile(path: gguf)).tokenizer()
      let start = Date()
      let ids = try tokenizer.encode(text, addSpecial: false)
      let seconds = Date().timeIntervalSince(start)
      print("tokenized \(text.utf8.count) bytes into \(ids.count) tokens in \(String(format: "%.3f", seconds)) s with \(URL(fileURLWithPath: gguf).lastPathComponent)")
      #expect(ids.count > text.utf8.count / 8 && ids.count < text.utf8.count / 2)
      #expect(tokenizer.decode(ids) == text)
    }
  }
}
