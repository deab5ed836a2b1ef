/// The tokenizer of a GGUF vocabulary, giving llama.cpp's ids (`llama_tokenize` with special-token
/// parsing off; checked against llama.cpp in the tests).
///
/// - `gpt2`: byte-level BPE. The text is cut at user-defined tokens (`GGUFSpecialTokens`), each
///   piece into words by the regexes llama.cpp uses for the vocabulary's `pre`
///   (`GGUFPreTokenizers`), and each word merged by `tokenizer.ggml.merges` rank
///   (`ByteLevelBPE`).
/// - `llama`: SentencePiece BPE (`SentencePieceBPE`): pieces cut at user-defined tokens, a space
///   put before a piece that starts the text or follows a token when `add_space_prefix`, spaces
///   written "▁", merged by score, byte fallback to `<0xNN>`.
///
/// With `addSpecial`, BOS and EOS as `add_bos_token`/`add_eos_token` say, defaulting as
/// llama.cpp does: BOS for `llama` and for llama3-style `pre`s, EOS never.
public struct GGUFTokenizer: TextTokenizer {
  private enum Model: Sendable {
    case bytePairs(ByteLevelBPE, PreTokenizer)
    case sentencePiece(SentencePieceBPE)
  }

  public let vocabularySize: Int
  public let bos: Int?
  public let eos: Int?
  /// Whether `encode(_:addSpecial: true)` starts with BOS and ends with EOS.
  public let addsBOS: Bool
  public let addsEOS: Bool

  private let source: String
  private let model: Model
  private let specialTokens: GGUFSpecialTokens
  private let addSpacePrefix: Bool
  /// The bytes each id decodes to.
  private let pieces: [[UInt8]]

  init(_ vocabulary: GGUFVocabulary) throws {
    let file = vocabulary.source
    source = file
    let count = vocabulary.tokens.count
    guard count > 0 else { throw ModelError(file: file, "tokenizer.ggml.tokens is empty") }
    if let scores = vocabulary.scores, scores.count != count {
      throw ModelError(file: file, "tokenizer.ggml.scores has \(scores.count) entries for \(count) tokens")
    }
    if let types = vocabulary.tokenTypes, types.count != count {
      throw ModelError(file: file, "tokenizer.ggml.token_type has \(types.count) entries for \(count) tokens")
    }
    /// The file's id, checked; else llama.cpp's default when the vocabulary has it.
    func checkedID(_ id: Int?, _ key: String, default fallback: Int) throws -> Int? {
      guard let id else { return (0..<count).contains(fallback) ? fallback : nil }
      guard (0..<count).contains(id) else {
        throw ModelError(file: file, "tokenizer.ggml.\(key) \(id) is outside the \(count) tokens")
      }
      return id
    }
    var userDefined: [(bytes: [UInt8], id: Int32)] = []
    for (id, token) in vocabulary.tokens.enumerated()
    where vocabulary.type(of: id) == .userDefined && !Self.controlLookingTexts.contains(token) {
      userDefined.append((Array(token.utf8), Int32(id)))
    }
    specialTokens = GGUFSpecialTokens(userDefined)
    vocabularySize = count

    switch vocabulary.model {
    case "gpt2":
      let pre = vocabulary.pre ?? "default"
      guard let preTokenizer = GGUFPreTokenizers.byName[pre] else {
        throw ModelError(
          file: file,
          "tokenizer.ggml.pre \(TokenizerConfig.quoted(pre)) is not supported (Pare implements \(GGUFPreTokenizers.byName.keys.sorted().joined(separator: ", ")))")
      }
      let merges = try vocabulary.merges.enumerated().map { rank, merge in
        // llama.cpp splits at the first space after the first byte.
        let bytes = Array(merge.utf8)
        guard bytes.count > 2, let space = bytes[1...].firstIndex(of: 0x20) else {
          throw ModelError(file: file, "tokenizer.ggml.merges[\(rank)] \(TokenizerConfig.quoted(merge)) is not \"left right\"")
        }
        return (String(decoding: bytes[..<space], as: UTF8.self), String(decoding: bytes[(space + 1)...], as: UTF8.self))
      }
      // llama.cpp looks merges up by text, so one naming a missing token never applies.
      let bpe = ByteLevelBPE(
        tokens: vocabulary.tokens.enumerated().map { ($0.element, Int32($0.offset)) }, merges: merges,
        ignoreMerges: preTokenizer.ignoreMerges, byteFallback: false, unknownID: nil, missingMerge: { _, _ in })
      model = .bytePairs(bpe, try preTokenizer.make())
      bos = try checkedID(vocabulary.bos, "bos_token_id", default: 11)
      eos = try checkedID(vocabulary.eos, "eos_token_id", default: 11)
      addsBOS = vocabulary.addBOS ?? preTokenizer.addsBOS
      addSpacePrefix = false
      pieces = vocabulary.tokens.enumerated().map { id, token in
        switch vocabulary.type(of: id) {
        case .control, .userDefined, .unknown: return Array(token.utf8)
        default:
          var bytes: [UInt8] = []
          ByteLevelAlphabet.decode(token, into: &bytes)
          return bytes
        }
      }
    case "llama":
      model = .sentencePiece(SentencePieceBPE(tokens: vocabulary.tokens, scores: vocabulary.scores ?? Array(repeating: 0, count: count)))
      bos = try checkedID(vocabulary.bos, "bos_token_id", default: 1)
      eos = try checkedID(vocabulary.eos, "eos_token_id", default: 2)
      addsBOS = vocabulary.addBOS ?? true
      addSpacePrefix = vocabulary.addSpacePrefix ?? true
      pieces = vocabulary.tokens.enumerated().map { id, token in
        let bytes = Array(token.utf8)
        if vocabulary.type(of: id) == .byte, bytes.count == 6, bytes.starts(with: Array("<0x".utf8)),
          let byte = UInt8(String(decoding: bytes[3..<5], as: UTF8.self), radix: 16)
        {
          return [byte]
        }
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
          if index + 2 < bytes.count && bytes[index] == 0xE2 && bytes[index + 1] == 0x96 && bytes[index + 2] == 0x81 {
            result.append(0x20)
            index += 3
          } else {
            result.append(bytes[index])
            index += 1
          }
        }
        return result
      }
    default:
      throw ModelError(
        file: file, "tokenizer.ggml.model \(TokenizerConfig.quoted(vocabulary.model)) is not supported (Pare implements gpt2 and llama)")
    }
    addsEOS = vocabulary.addEOS ?? false
    if addsBOS && bos == nil { throw ModelError(file: file, "tokenizer.ggml.add_bos_token is set but there is no BOS token") }
    if addsEOS && eos == nil { throw ModelError(file: file, "tokenizer.ggml.add_eos_token is set but there is no EOS token") }
  }

  /// Texts llama.cpp makes control tokens whatever their type says (end-of-generation and
  /// fill-in-the-middle markers, llama_vocab::impl::load): Gemma-3's user-defined "</s>" is one,
  /// so it stays text. (llama.cpp marks the EOT and FIM ones only when the GGUF names no such id,
  /// and then only the first it meets; all of them here.)
  static let controlLookingTexts: Set<String> = [
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
    "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>",
    "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>",
    "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>",
    "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>",
    "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]", "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>",
    "<reponame>", "<|file_sep|>",
  ]

  public func encode(_ text: String, addSpecial: Bool) throws -> [Int] {
    let bytes = Array(text.utf8)
    var ids: [Int] = []
    if addSpecial && addsBOS, let bos { ids.append(bos) }
    let fragments = specialTokens.fragments(of: bytes)
    switch model {
    case .bytePairs(let bpe, let preTokenizer):
      var state = ByteLevelBPE.State()
      for fragment in fragments {
        switch fragment {
        case .token(let id):
          ids.append(Int(id))
        case .text(let range):
          let piece = Array(bytes[range])
          for word in preTokenizer.wordRanges(of: String(decoding: piece, as: UTF8.self)) {
            try bpe.append(word: piece[word], to: &ids, state: &state, source: source)
          }
        }
      }
    case .sentencePiece(let spm):
      var previousIsSpecial = true
      var escaped: [UInt8] = []
      for fragment in fragments {
        switch fragment {
        case .token(let id):
          ids.append(Int(id))
          previousIsSpecial = true
        case .text(let range):
          escaped.removeAll(keepingCapacity: true)
          if addSpacePrefix && previousIsSpecial { escaped += [0xE2, 0x96, 0x81] }
          for byte in bytes[range] {
            if byte == 0x20 { escaped += [0xE2, 0x96, 0x81] } else { escaped.append(byte) }
          }
          try spm.append(text: escaped, to: &ids, source: source)
          previousIsSpecial = false
        }
      }
    }
    if addSpecial && addsEOS, let eos { ids.append(eos) }
    return ids
  }

  public func decode(_ ids: [Int]) -> String {
    var bytes: [UInt8] = []
    for id in ids where pieces.indices.contains(id) { bytes += pieces[id] }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// The pre-tokenizer regexes llama.cpp uses for each `tokenizer.ggml.pre` of a gpt2 vocabulary
/// (src/llama-vocab.cpp, `llm_tokenizer_bpe`), and the flags that come with them.
enum GGUFPreTokenizers {
  struct Entry: Sendable {
    let patterns: [String]
    /// A word that is a token stays whole (llama.cpp's `ignore_merges`).
    let ignoreMerges: Bool
    /// llama.cpp's `add_bos` before the GGUF key overrides it.
    let addsBOS: Bool

    func make() throws -> PreTokenizer {
      PreTokenizer(splits: try patterns.map { try PreTokenizer.split($0) })
    }
  }

  static let gpt2 = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"#
  static let llama3 =
    #"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
  static let qwen2 =
    #"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

  static let byName: [String: Entry] = {
    var table: [String: Entry] = [:]
    let defaultEntry = Entry(
      patterns: [#"[\p{P}\$\+<=>\^~\|]+"#, gpt2, #"\p{N}+"#, "[0-9][0-9][0-9]"], ignoreMerges: false, addsBOS: false)
    table["default"] = defaultEntry
    for name in ["llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral"] {
      table[name] = Entry(patterns: [llama3], ignoreMerges: true, addsBOS: true)
    }
    for name in ["dbrx", "smaug-bpe"] { table[name] = Entry(patterns: [llama3], ignoreMerges: false, addsBOS: false) }
    for name in ["gpt-2", "phi-2", "mpt", "olmo", "jais", "trillion"] {
      table[name] = Entry(patterns: [gpt2], ignoreMerges: false, addsBOS: false)
    }
    for name in ["smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b"] {
      table[name] = Entry(patterns: [#"\p{N}"#, gpt2], ignoreMerges: false, addsBOS: false)
    }
    for name in ["qwen2", "deepseek-r1-qwen", "megrez", "stablelm2"] {
      table[name] = Entry(patterns: [qwen2], ignoreMerges: false, addsBOS: false)
    }
    return table
  }()
}
