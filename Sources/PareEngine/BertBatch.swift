/// Sentences run through the encoder together: their tokens back to back, one row each, so that
/// every projection is one GEMM over all of them and no row is padding.
///
/// Attention stays within each sentence (`SelfAttention`): the lengths are the batch's
/// attention mask, and a sentence's embedding does not depend on what it is batched with.
public struct BertBatch: Sendable, Equatable {
  /// Positions of the batch's sentences in the caller's list.
  public let indices: [Int]
  /// Token count of each sentence.
  public let lengths: [Int]
  /// Row of each sentence's first token.
  public let offsets: [Int]
  /// Rows in all: the sum of `lengths`.
  public let tokenCount: Int

  /// The batch of the sentences at `indices`, with these token counts.
  public init(indices: [Int], lengths: [Int]) {
    self.indices = indices
    self.lengths = lengths
    var offsets: [Int] = [], total = 0
    for length in lengths {
      offsets.append(total)
      total += length
    }
    self.offsets = offsets
    tokenCount = total
  }

  /// Sentences of the given token counts, in order, cut into batches of at most `tokenBudget`
  /// tokens; a sentence longer than the budget is a batch of its own.
  public static func plan(lengths: [Int], tokenBudget: Int) -> [BertBatch] {
    var batches: [BertBatch] = []
    var start = 0, tokens = 0
    for (index, length) in lengths.enumerated() {
      if index > start && tokens + length > tokenBudget {
        batches.append(BertBatch(indices: Array(start..<index), lengths: Array(lengths[start..<index])))
        (start, tokens) = (index, 0)
      }
      tokens += length
    }
    if start < lengths.count {
      batches.append(BertBatch(indices: Array(start..<lengths.count), lengths: Array(lengths[start...])))
    }
    return batches
  }
}
