import PareCore

/// The token states entering chosen encoder layers for every batch of a set of sentences, kept
/// from an earlier pass so that a later pass can restart at layer k instead of the embeddings.
///
/// It also keeps the token ids it was filled from, so that a pass over other sentences starts
/// over instead of reusing states that do not belong to them. Memory: hidden × 4 bytes per token
/// per restart point.
public struct BertActivationCache: Sendable {
  /// Tokens per batch; a cache is only valid for runs with the same budget and sentences.
  public let tokenBudget: Int
  /// Layers (1 = `encoder.layer.0`, …) whose inputs are kept.
  public let restartPoints: Set<Int>
  /// The sentences of the pass that filled the cache (with `tokenBudget`, they fix its batches).
  var sentences: [[Int]] = []
  /// Layer index -> the input of that layer, one tensor per batch.
  var inputs: [Int: [Tensor]] = [:]

  /// An empty cache for passes batched by `tokenBudget` that keeps the inputs of `restartPoints`.
  public init(tokenBudget: Int, restartPoints: Set<Int>) {
    self.tokenBudget = tokenBudget
    self.restartPoints = restartPoints
  }

  /// Whether a pass over `sentences` can start at `layer` from this cache.
  public func canRestart(at layer: Int, for sentences: [[Int]]) -> Bool {
    layer == 0 || (inputs[layer] != nil && self.sentences == sentences)
  }

  /// Bytes held by the token states.
  public var byteCount: Int { inputs.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count * 4 } } }
}

extension BertEncoder {
  /// The embeddings [sentences, hidden] of token-id sequences (each as the model's tokenizer
  /// gives it, [CLS] … [SEP]), in the caller's order, computed batch by batch, one batch per core
  /// at a time (`LinearAlgebra.concurrently`).
  ///
  /// Ids are checked first (`BertInputError`). With a `cache`, the pass starts at layer `start`
  /// from the cached inputs of that layer (when it holds them for these sentences, else at 0) and
  /// refreshes the cached inputs of later restart points, so the cache always describes this
  /// encoder. `isCancelled` is checked before each batch, never from two threads at once; when it
  /// says yes the pass throws `CancellationError` and the cache is left as it was.
  public func outputs(
    for sentences: [[Int]], from start: Int = 0, cache: inout BertActivationCache?,
    isCancelled: () -> Bool = { false }
  ) throws -> Tensor {
    try check(sentences)
    let batches = BertBatch.plan(lengths: sentences.map(\.count), tokenBudget: cache?.tokenBudget ?? preferredTokenBudget)
    let start = (cache?.canRestart(at: start, for: sentences) ?? false) ? start : 0
    let cachedInputs = start > 0 ? cache?.inputs[start] : nil
    let refreshed = (cache?.restartPoints ?? []).filter { $0 > start || start == 0 }
    let width = embeddingWidth
    var result = Tensor(zeros: [sentences.count, width])

    let kept = try result.scalars.withUnsafeMutableBufferPointer { out in
      // Each batch writes the rows of its own sentences.
      nonisolated(unsafe) let out = out
      return try BatchPass.run(batches: batches.count, isCancelled: isCancelled) { b in
        let batch = batches[b]
        var x = try cachedInputs?[b] ?? embeddings(sentences, batch: batch)
        var inputs: [Int: Tensor] = [:]
        for index in max(start, 1)..<(layers.count + 1) {
          if refreshed.contains(index) { inputs[index] = x }
          x = layers[index - 1](x, batch: batch)
        }
        let pooled = config.pooling.embeddings(of: x, batch: batch)
        for (row, index) in batch.indices.enumerated() {
          for j in 0..<width { out[index * width + j] = pooled.scalars[row * width + j] }
        }
        return inputs
      }
    }
    // Commit only after every batch ran: a cancelled pass above left `cache` untouched.
    if start == 0 { cache?.sentences = sentences }
    for layer in refreshed { cache?.inputs[layer] = kept.compactMap { $0[layer] } }
    return result
  }
}
