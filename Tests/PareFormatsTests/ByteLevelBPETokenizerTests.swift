import Foundation
@testable import PareFormats
import Synchronization
import Testing

/// Expected ids written by scripts/make_tokenizer_fixtures.py: Hugging Face `tokenizers` for the
/// tokenizer.json files, llama.cpp for the GGUF vocabularies.
struct TokenizerFixtures {
  struct Case: Decodable {
    var name: String
    var ids: [Int]
    var ids_with_special: [Int]
  }

  struct HardCase: Decodable {
    var name: String
    var text: String
  }

  struct SplitCase: Decodable {
    var text: String
    var pattern: String
    var behavior: String
    var invert: Bool
    var words: [String]
  }

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/tokenizers")
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  static func hardCases() throws -> [HardCase] {
    try JSONDecoder().decode([HardCase].self, from: Data(contentsOf: directory.appendingPathComponent("hard-cases.json")))
  }

  static func expected(_ file: String, _ key: String) throws -> [Case] {
    let data = try Data(contentsOf: directory.appendingPathComponent(file))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let entry = try JSONSerialization.data(withJSONObject: object?[key] ?? [])
    return try JSONDecoder().decode([Case].self, from: entry)
  }

  /// A GGUF vocabulary from the JSON the script dumps (until the GGUF reader lands).
  static func vocabulary(json path: String) throws -> GGUFVocabulary {
    let root = try TokenizerJSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    func strings(_ key: String) -> [String]? {
      guard case .array(let items)? = root[key] else { return nil }
      return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }
    func numbers(_ key: String) -> [Double]? {
      guard case .array(let items)? = root[key] else { return nil }
      return items.compactMap { if case .number(let value, _) = $0 { value } else { nil } }
    }
    func int(_ key: String) -> Int? { if case .number(_, let value?)? = root[key] { value } else { nil } }
    func bool(_ key: String) -> Bool? { if case .bool(let value)? = root[key] { value } else { nil } }
    func string(_ key: String) -> String? { if case .string(let value)? = root[key] { value } else { nil } }
    return GGUFVocabulary(
      source: path, model: string("model") ?? "", pre: string("pre"), tokens: strings("tokens") ?? [],
      scores: numbers("scores")?.map { Float($0) }, tokenTypes: numbers("token_types")?.map { Int32($0) },
      merges: strings("merges") ?? [], bos: int("bos"), eos: int("eos"), unknown: int("unk"), padding: int("pad"),
      addBOS: bool("add_bos"), addEOS: bool("add_eos"), addSpacePrefix: bool("add_space_prefix"))
  }
}

@Suite struct ByteLevelBPETokenizerTests {
  @Test(arguments: [("llama3-style", "bpe-llama3-style.json"), ("smollm-style", "bpe-smollm-style.json")])
  func idsEqualHuggingFaceTokenizers(variant: String, file: String) throws {
    let tokenizer = try ByteLevelBPETokenizer(file: TokenizerFixtures.path(file))
    let cases = try TokenizerFixtures.hardCases()
    let expected = try TokenizerFixtures.expected("bpe-expected.json", variant)
    #expect(cases.count == expected.count && cases.count > 20)
    for (hard, reference) in zip(cases, expected) {
      #expect(try tokenizer.encode(hard.text, addSpecial: false) == reference.ids, "\(variant): \(hard.name)")
      #expect(try tokenizer.encode(hard.text, addSpecial: true) == reference.ids_with_special, "\(variant): \(hard.name)")
    }
  }

  @Test func decodeGivesTheTextBack() throws {
    let tokenizer = try ByteLevelBPETokenizer(file: TokenizerFixtures.path("bpe-llama3-style.json"))
    #expect(tokenizer.bos == 0)
    #expect(tokenizer.vocabularySize == 660)
    for hard in try TokenizerFixtures.hardCases() {
      let ids = try tokenizer.encode(hard.text, addSpecial: false)
      #expect(tokenizer.decode(ids).unicodeScalars.elementsEqual(hard.text.unicodeScalars), "\(hard.name)")
    }
  }

  /// One tokenizer shared by threads (its regexes included) gives each the same ids.
  @Test func concurrentEncodingGivesTheSameIds() throws {
    let tokenizer = try ByteLevelBPETokenizer(file: TokenizerFixtures.path("bpe-smollm-style.json"))
    let text = try TokenizerFixtures.hardCases().map(\.text).joined(separator: "\n")
    let expected = try tokenizer.encode(text, addSpecial: true)
    let results = Mutex<[[Int]]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let ids = (try? tokenizer.encode(text, addSpecial: true)) ?? []
      results.withLock { $0.append(ids) }
    }
    #expect(results.withLock { $0.count == 8 && $0.allSatisfy { $0 == expected } })
  }

  @Test func splitBehaviorsEqualHuggingFaceTokenizers() throws {
    let data = try Data(contentsOf: TokenizerFixtures.directory.appendingPathComponent("bpe-expected.json"))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let cases = try JSONDecoder().decode(
      [TokenizerFixtures.SplitCase].self, from: JSONSerialization.data(withJSONObject: object?["splits"] ?? []))
    #expect(cases.count == 30)
    let names = [
      "isolated": "Isolated", "removed": "Removed", "merged_with_previous": "MergedWithPrevious",
      "merged_with_next": "MergedWithNext", "contiguous": "Contiguous",
    ]
    for split in cases {
      let behavior = try #require(PreTokenizer.Behavior(rawValue: names[split.behavior] ?? ""))
      let pre = PreTokenizer(splits: [try PreTokenizer.split(split.pattern, behavior: behavior, invert: split.invert)])
      #expect(pre.words(of: split.text) == split.words, "\(split.text) \(split.behavior) invert \(split.invert)")
    }
  }

  @Test func unsupportedPartsAreNamed() throws {
    let text = try String(contentsOfFile: TokenizerFixtures.path("bpe-llama3-style.json"), encoding: .utf8)
    try withTemporaryDirectory { directory in
    let replacements = [
      ("\"type\":\"BPE\"", "\"type\":\"Unigram\"", "model type \"Unigram\" is not supported"),
      ("{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":false}",
       "{\"type\":\"Metaspace\"}", "type \"Metaspace\" is not supported"),
      ("\"normalizer\":null", "\"normalizer\":{\"type\":\"Lowercase\"}", "normalizer \"Lowercase\" is not supported"),
      ("[\"t\",\"h\"]", "[\"t\",\"nope\"]", "model.merges[0] uses \"nope\""),
    ]
    for (from, to, message) in replacements {
      #expect(text.contains(from), "fixture no longer holds \(from)")
      let file = try directory.write(Array(text.replacingOccurrences(of: from, with: to).utf8), to: "tokenizer.json")
      #expect {
        try ByteLevelBPETokenizer(file: file)
      } throws: { error in
        "\(error)".hasPrefix(file + ": ") && "\(error)".contains(message)
      }
    }
    }
  }
}
