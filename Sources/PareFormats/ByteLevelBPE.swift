/// The model half of a byte-level BPE tokenizer, shared by tokenizer.json and GGUF `gpt2`
/// vocabularies: tokens written in `ByteLevelAlphabet`, a word's bytes start as one symbol per
/// byte, and `BPEMerges` joins them.
struct ByteLevelBPE: Sendable {
  /// Token text (alphabet UTF-8 bytes) to id.
  let tokenIDs: TokenTable
  /// The id of each byte's single-character token, -1 where the vocabulary has none.
  let byteIDs: [Int32]
  let merges: BPEMerges
  /// A word that is itself a token is that token, merges or not (HF `ignore_merges`, llama.cpp's
  /// llama3-style vocabularies).
  let ignoreMerges: Bool
  /// Tried for a byte without a token before giving up: `<0xNN>` tokens (HF `byte_fallback`).
  let byteFallbackIDs: [Int32]?
  /// The unknown token, for a byte the vocabulary cannot spell (HF `unk_token`).
  let unknownID: Int32?

  /// `tokens[i]` is the text of id `ids[i]`; `merges` pairs of token texts, in rank order. A
  /// merge naming a text the vocabulary lacks is returned in `missingMerge` (the caller decides
  /// whether that is an error) and skipped.
  init(
    tokens: [(text: String, id: Int32)], merges: [(String, String)], ignoreMerges: Bool, byteFallback: Bool,
    unknownID: Int32?, missingMerge: (Int, String) throws -> Void
  ) rethrows {
    let tokenIDs = TokenTable(tokens.map { (Array($0.text.utf8), $0.id) })
    func id(_ text: String) -> Int32? { tokenIDs.id(Array(text.utf8)) }
    byteIDs = ByteLevelAlphabet.utf8.map { tokenIDs.id($0) ?? -1 }
    var table = BPEMerges()
    for (rank, (left, right)) in merges.enumerated() {
      guard let leftID = id(left) else { try missingMerge(rank, left); continue }
      guard let rightID = id(right) else { try missingMerge(rank, right); continue }
      guard let merged = id(left + right) else { try missingMerge(rank, left + right); continue }
      table.add(left: leftID, right: rightID, merged: merged, rank: Int32(rank))
    }
    if byteFallback {
      byteFallbackIDs = (0..<256).map { id(String(format: "<0x%02X>", $0)) ?? -1 }
    } else {
      byteFallbackIDs = nil
    }
    self.tokenIDs = tokenIDs
    self.merges = table
    self.ignoreMerges = ignoreMerges
    self.unknownID = unknownID
  }

  /// Per-call state: the ids of every word seen so far (text repeats words a lot) and the merge
  /// buffers.
  struct State {
    var cache: [VocabularyKey: [Int32]] = [:]
    var scratch = BPEMerges.Scratch()
    var symbols: [Int32] = []
  }

  /// Appends the ids of one pre-tokenized word (its raw UTF-8 bytes).
  func append(word: ArraySlice<UInt8>, to ids: inout [Int], state: inout State, source: String) throws(TokenizationError) {
    let key = VocabularyKey(word)
    if let cached = state.cache[key] {
      for id in cached { ids.append(Int(id)) }
      return
    }
    state.symbols.removeAll(keepingCapacity: true)
    if ignoreMerges, let id = tokenIDs.id(ByteLevelAlphabet.encode(word)) {
      state.symbols.append(id)
    } else {
      for byte in word {
        var id = byteIDs[Int(byte)]
        if id < 0, let fallback = byteFallbackIDs?[Int(byte)], fallback >= 0 { id = fallback }
        if id < 0, let unknownID { id = unknownID }
        guard id >= 0 else {
          throw TokenizationError(source: source, "no token for the byte 0x\(String(byte, radix: 16, uppercase: true)) (\"\(String(ByteLevelAlphabet.scalars[Int(byte)]))\")")
        }
        state.symbols.append(id)
      }
      merges.apply(&state.symbols, scratch: &state.scratch)
    }
    for id in state.symbols { ids.append(Int(id)) }
    state.cache[key] = state.symbols
  }
}
