import PareCore

/// A sentence encoder's pass: sentences in length order packed into batches of whole
/// sentences (`BertBatch`), the embeddings (layer 0), every encoder layer (1 is
/// `encoder.layer.0`), then pooling, one embedding per sentence in the caller's order.
extension BertEncoder: RestartableNetwork {
  public var firstLayer: Int { 1 }
  public var endLayer: Int { layers.count + 1 }

  /// Every encoder layer.
  public var restartPoints: Set<Int> { Set(layers.indices.map { $0 + 1 }) }

  /// Tokens per batch when the caller gives no cache: the largest activation of a batch (the
  /// feed-forward expansion, or Q, K and V together) near 4 MB, big enough for efficient GEMMs.
  public var preferredBatchSize: Int {
    let perToken = max(config.intermediateSize, 3 * config.hiddenSize)
    return min(8192, max(64, (4 << 20) / (4 * perToken)))
  }

  public func key(of sentences: [[Int]]) -> [[Int]] { sentences }

  public func batches(of sentences: [[Int]], size: Int) -> [BertBatch] {
    BertBatch.plan(lengths: sentences.map(\.count), tokenBudget: size)
  }

  public func outputShape(for sentences: [[Int]]) -> [Int] { [sentences.count, embeddingWidth] }

  public func enter(_ sentences: [[Int]], batch: BertBatch) throws -> Tensor { try embeddings(sentences, batch: batch) }

  public func layer(_ index: Int, _ x: consuming Tensor, batch: BertBatch) -> Tensor { layers[index - 1](x, batch: batch) }

  /// Pools the batch's token states and writes each sentence's embedding to its own row.
  public func write(_ x: Tensor, batch: BertBatch, into output: UnsafeMutableBufferPointer<Float>) {
    let width = embeddingWidth
    let pooled = config.pooling.embeddings(of: x, batch: batch)
    for (row, index) in batch.indices.enumerated() {
      for j in 0..<width { output[index * width + j] = pooled.scalars[row * width + j] }
    }
  }
}
