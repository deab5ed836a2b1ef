/// Splits text at the tokens llama.cpp matches before tokenizing (`tokenizer_st_partition`):
/// with special-token parsing off, as Pare tokenizes, those are the user-defined tokens (token
/// type 4: Gemma's runs of spaces and newlines, HTML tags); control tokens typed in the text
/// stay text.
///
/// llama.cpp takes the tokens longest first (equal lengths here in id order) and cuts every
/// fragment still text at each non-overlapping occurrence, left to right. That is the same as
/// this: find every occurrence of every token in one scan (a byte trie), then take the tokens in
/// that order and accept an occurrence when none of its bytes is taken, by this token's earlier
/// occurrence or by a longer token.
struct GGUFSpecialTokens: Sendable {
  private struct Node: Sendable {
    var children: [UInt8: Int32] = [:]
    /// The index into `tokens` of the token ending here.
    var token: Int32 = -1
  }

  /// (text bytes, id), longest first.
  private let tokens: [(bytes: [UInt8], id: Int32)]
  private let nodes: [Node]

  var isEmpty: Bool { tokens.isEmpty }

  init(_ candidates: [(bytes: [UInt8], id: Int32)]) {
    let sorted = candidates.filter { !$0.bytes.isEmpty }.sorted {
      $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id
    }
    var nodes = [Node()]
    for (index, token) in sorted.enumerated() {
      var node = 0
      for byte in token.bytes {
        if let child = nodes[node].children[byte] {
          node = Int(child)
        } else {
          nodes.append(Node())
          nodes[node].children[byte] = Int32(nodes.count - 1)
          node = nodes.count - 1
        }
      }
      if nodes[node].token < 0 { nodes[node].token = Int32(index) }
    }
    tokens = sorted
    self.nodes = nodes
  }

  /// A piece of text: a matched token, or a byte range to tokenize.
  enum Fragment: Equatable {
    case token(Int32)
    case text(Range<Int>)
  }

  func fragments(of bytes: [UInt8]) -> [Fragment] {
    guard !tokens.isEmpty else { return bytes.isEmpty ? [] : [.text(0..<bytes.count)] }
    // Every occurrence, by token.
    var occurrences: [Int32: [Int]] = [:]
    for start in bytes.indices {
      var node = 0
      var position = start
      while position < bytes.count, let child = nodes[node].children[bytes[position]] {
        node = Int(child)
        position += 1
        let token = nodes[node].token
        if token >= 0 { occurrences[token, default: []].append(start) }
      }
    }
    guard !occurrences.isEmpty else { return bytes.isEmpty ? [] : [.text(0..<bytes.count)] }
    var taken = [Bool](repeating: false, count: bytes.count)
    var accepted: [(start: Int, end: Int, id: Int32)] = []
    for index in occurrences.keys.sorted() {
      let length = tokens[Int(index)].bytes.count
      var searchFrom = 0
      for start in occurrences[index] ?? [] where start >= searchFrom {
        guard !taken[start..<(start + length)].contains(true) else { continue }
        for position in start..<(start + length) { taken[position] = true }
        accepted.append((start, start + length, tokens[Int(index)].id))
        searchFrom = start + length
      }
    }
    accepted.sort { $0.start < $1.start }
    var result: [Fragment] = []
    var position = 0
    for match in accepted {
      if match.start > position { result.append(.text(position..<match.start)) }
      result.append(.token(match.id))
      position = match.end
    }
    if position < bytes.count { result.append(.text(position..<bytes.count)) }
    return result
  }
}
