/// SentencePiece's BPE as llama.cpp runs it for a GGUF `llama` vocabulary (Llama 2, Gemma):
/// the text (spaces already written as "▁") starts as one symbol per UTF-8 character, and the
/// adjacent pair whose joined text is a token with the highest score merges first (the leftmost
/// of equal scores), until no adjacent pair is a token. A character that is no token becomes its
/// bytes' `<0xNN>` tokens (byte fallback).
///
/// The pairs wait in a heap; a popped pair is stale when either side has merged since (their
/// lengths no longer add up to its length), as in llama.cpp's `llm_tokenizer_spm_session`.
struct SentencePieceBPE: Sendable {
  /// Token text (UTF-8) to id.
  let tokenIDs: TokenTable
  let scores: [Float]
  /// The token of each byte: `<0xNN>`, else the one-byte token; -1 when neither exists.
  let byteIDs: [Int32]

  init(tokens: [String], scores: [Float]) {
    let tokenIDs = TokenTable(tokens.enumerated().map { (Array($0.element.utf8), Int32($0.offset)) })
    byteIDs = (0..<256).map { byte in
      let hex = String(byte, radix: 16, uppercase: true)
      let name = "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
      return tokenIDs.id(Array(name.utf8)) ?? tokenIDs.id([UInt8(byte)]) ?? -1
    }
    self.tokenIDs = tokenIDs
    self.scores = scores
  }

  /// A candidate merge, ordered so that `MinHeap` pops the highest score first, then the
  /// leftmost.
  private struct Bigram: Comparable {
    var score: Float
    var left: Int32
    var right: Int32
    var size: Int32

    static func < (a: Bigram, b: Bigram) -> Bool { a.score > b.score || (a.score == b.score && a.left < b.left) }
    static func == (a: Bigram, b: Bigram) -> Bool { a.score == b.score && a.left == b.left }
  }

  /// Appends the ids of `text` (UTF-8 with "▁" for spaces).
  func append(text: [UInt8], to ids: inout [Int], source: String) throws(TokenizationError) {
    guard !text.isEmpty else { return }
    var start: [Int32] = []
    var length: [Int32] = []
    var offset = 0
    while offset < text.count {
      let lead = text[offset]
      let width = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 1
      let n = min(width, text.count - offset)
      start.append(Int32(offset))
      length.append(Int32(n))
      offset += n
    }
    let count = start.count
    var previous = (0..<count).map { Int32($0 - 1) }
    var next = (0..<count).map { $0 + 1 < count ? Int32($0 + 1) : -1 }
    var heap = MinHeap<Bigram>()
    text.withUnsafeBufferPointer { text in
      func tryAdd(_ left: Int32, _ right: Int32) {
        guard left >= 0, right >= 0 else { return }
        let from = Int(start[Int(left)])
        let size = Int(length[Int(left)] + length[Int(right)])
        guard let id = tokenIDs.id(UnsafeBufferPointer(rebasing: text[from..<(from + size)])), Int(id) < scores.count else { return }
        heap.push(Bigram(score: scores[Int(id)], left: left, right: right, size: Int32(size)))
      }
      for index in 1..<max(count, 1) { tryAdd(Int32(index - 1), Int32(index)) }
      while let bigram = heap.pop() {
        let left = Int(bigram.left)
        let right = Int(bigram.right)
        guard length[left] > 0, length[right] > 0, length[left] + length[right] == bigram.size else { continue }
        length[left] += length[right]
        length[right] = 0
        next[left] = next[right]
        if next[right] >= 0 { previous[Int(next[right])] = Int32(left) }
        tryAdd(previous[left], Int32(left))
        tryAdd(Int32(left), next[left])
      }
    }
    var index: Int32 = 0
    while index >= 0 {
      let from = Int(start[Int(index)])
      let range = from..<(from + Int(length[Int(index)]))
      if let id = tokenIDs.id(text[range]) {
        ids.append(Int(id))
      } else {
        for byte in text[range] {
          let id = byteIDs[Int(byte)]
          guard id >= 0 else {
            throw TokenizationError(source: source, "no <0x\(String(byte, radix: 16, uppercase: true))> byte token for a character outside the vocabulary")
          }
          ids.append(Int(id))
        }
      }
      index = next[Int(index)]
    }
  }
}
