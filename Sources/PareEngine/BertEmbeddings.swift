import PareCore

/// The encoder's input: each token's word embedding plus the embedding of its position in the
/// sentence and of token type 0 (one-segment input), then LayerNorm.
public struct BertEmbeddings: Sendable {
  /// Word embeddings, [vocabulary, hidden]: read from the weights file unless replaced.
  public let words: EmbeddingTable
  /// Position embeddings, [max positions, hidden].
  public let positions: Tensor
  /// Token-type embeddings, [types, hidden]; sentence encoders use row 0.
  public let tokenTypes: Tensor
  /// The LayerNorm applied to the sum.
  public let norm: LayerNorm

  /// The embeddings from their tables (all [rows, hidden]) and LayerNorm.
  public init(words: EmbeddingTable, positions: Tensor, tokenTypes: Tensor, norm: LayerNorm) {
    (self.words, self.positions, self.tokenTypes, self.norm) = (words, positions, tokenTypes, norm)
  }

  /// The embedded tokens of `batch`'s sentences, [batch.tokenCount, hidden]. Every id must be a
  /// row of `words` and every sentence fit `positions` (`BertEncoder` checks before running).
  public func callAsFunction(_ sentences: [[Int]], batch: BertBatch) throws -> Tensor {
    let width = words.shape[1]
    var sum = try words.rows(batch.indices.flatMap { sentences[$0] })
    sum.scalars.withUnsafeMutableBufferPointer { out in
      positions.scalars.withUnsafeBufferPointer { position in
        tokenTypes.scalars.withUnsafeBufferPointer { type in
          var row = 0
          for index in batch.indices {
            for p in sentences[index].indices {
              for j in 0..<width { out[row * width + j] += position[p * width + j] + type[j] }
              row += 1
            }
          }
        }
      }
    }
    return norm.forward(sum)
  }
}
