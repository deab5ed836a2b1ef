/// The WordPiece model: splits one pre-tokenized word into vocabulary pieces, with the semantics of
/// Hugging Face `tokenizers`' `models::wordpiece` (and Google's original BERT).
///
/// Greedy longest match first: from the start of the word, take the longest prefix in the
/// vocabulary; every later piece is looked up with the continuing prefix (`##`) in front. A word
/// with more than `maxInputCharsPerWord` characters (Unicode scalars, after normalization), or
/// with a position where no piece matches, becomes the single unknown token.
struct WordPieceModel: Sendable {
  /// Every vocabulary entry, keyed by its UTF-8 bytes: the lookup for a word's first piece.
  private let pieces: [VocabularyKey: Int32]
  /// Entries that start with the continuing prefix, keyed by what follows it: the lookup for
  /// later pieces, so "##" + piece never has to be built.
  private let continuations: [VocabularyKey: Int32]
  /// The id of the unknown token.
  let unknownID: Int32
  /// Longer words become the unknown token.
  let maxInputCharsPerWord: Int

  /// `vocabulary` in file order; a token listed twice keeps its last id, as in the reference.
  /// Keys are bytes, not `String`s: Swift compares strings by canonical equivalence, the
  /// reference by bytes ("é" and "e\u{301}" are different tokens there).
  init(vocabulary: [(token: String, id: Int32)], continuingSubwordPrefix: String, unknownID: Int32,
       maxInputCharsPerWord: Int) {
    var pieces: [VocabularyKey: Int32] = [:]
    var continuations: [VocabularyKey: Int32] = [:]
    pieces.reserveCapacity(vocabulary.count)
    let prefix = Array(continuingSubwordPrefix.utf8)
    for (token, id) in vocabulary {
      let bytes = Array(token.utf8)
      pieces[VocabularyKey(bytes[...])] = id
      if bytes.starts(with: prefix) {
        continuations[VocabularyKey(bytes[prefix.count...])] = id
      }
    }
    self.pieces = pieces
    self.continuations = continuations
    self.unknownID = unknownID
    self.maxInputCharsPerWord = maxInputCharsPerWord
  }

  /// The id of `token` (exact bytes), or nil.
  func id(of token: String) -> Int32? { pieces[VocabularyKey(Array(token.utf8)[...])] }

  /// The number of distinct tokens.
  var count: Int { pieces.count }

  /// Appends the pieces of one word to `ids`. `word` holds the word's UTF-8 bytes and
  /// `scalarEnds` the byte offset just past each of its scalars, so pieces always end on a
  /// character boundary (the reference steps back one `char` at a time).
  func appendPieces(of word: [UInt8], scalarEnds: [Int], to ids: inout [Int32]) {
    guard !word.isEmpty else { return }
    if scalarEnds.count > maxInputCharsPerWord {
      ids.append(unknownID)
      return
    }
    let mark = ids.count
    var start = 0
    var firstScalar = 0  // index into scalarEnds of the first scalar not yet consumed
    while start < word.count {
      var last = scalarEnds.count - 1  // the candidate piece ends after scalar `last`
      var found: Int32?
      while last >= firstScalar {
        let key = VocabularyKey(word[start..<scalarEnds[last]])
        found = start == 0 ? pieces[key] : continuations[key]
        if found != nil { break }
        last -= 1
      }
      guard let id = found else {
        ids.removeSubrange(mark...)
        ids.append(unknownID)
        return
      }
      ids.append(id)
      start = scalarEnds[last]
      firstScalar = last + 1
    }
  }
}

/// UTF-8 bytes as a dictionary key, hashed in one call over the contiguous bytes.
struct VocabularyKey: Hashable, Sendable {
  let bytes: ArraySlice<UInt8>

  init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

  static func == (lhs: VocabularyKey, rhs: VocabularyKey) -> Bool {
    lhs.bytes.elementsEqual(rhs.bytes)
  }

  func hash(into hasher: inout Hasher) {
    bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
  }
}
