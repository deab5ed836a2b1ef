import Foundation

func vocabulary(json path: String) throws -> GGUFVocabulary {
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
// Run from the repository root (scripts/bench_tokenizers.sh does).
let models = ".models/"
let text = try String(contentsOfFile: models + "text/wiki.utf8", encoding: .utf8)
for name in CommandLine.arguments.dropFirst() {
  var start = Date()
  let tokenizer = try vocabulary(json: models + name + ".vocab.json").tokenizer()
  print("load", Date().timeIntervalSince(start))
  for _ in 0..<2 {
    start = Date()
    let cpu = clock()
    let ids = try tokenizer.encode(text, addSpecial: false)
    print(name, ids.count, "wall", Date().timeIntervalSince(start), "cpu", Double(clock() - cpu) / Double(CLOCKS_PER_SEC))
  }
}
