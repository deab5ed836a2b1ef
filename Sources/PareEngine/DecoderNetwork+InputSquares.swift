import PareCore

extension DecoderNetwork {
  /// The squared input activations of every linear weight the forward multiplies (attention q,
  /// k, v and output, feed-forward gate, up and down, and the head), summed over every token of
  /// `windows`, by the weight's tensor name: what llama.cpp's `llama-imatrix` collects (its
  /// `in_sum2` and `counts`), taken from this network's own Float32 pass.
  ///
  /// q, k and v read the same normed states, as do gate and up, so each pair shares one sum.
  /// The head's input is the final-normed states the pass writes (`TokenScoreLayout.states`); a
  /// tied head is recorded under the embedding's name. The pass runs without an activation
  /// cache: the statistics are the uncompressed network's, computed once per model and text.
  public func inputSquares(of windows: [[Int32]], isCancelled: () -> Bool = { false }) throws -> [String: InputSquares] {
    let c = config, hidden = c.hiddenSize
    var recorded: [(names: [String], squares: InputSquaresAccumulator)] = []
    func observe(_ layer: any Layer, columns: Int, names: [String]) -> any Layer {
      let squares = InputSquaresAccumulator(columns: columns)
      recorded.append((names, squares))
      return ObservedLayer(inner: layer, squares: squares)
    }
    let observedBlocks = blocks.enumerated().map { layer, block in
      let a = block.attention, m = block.mlp, name = { c.names.weight($0, layer: layer) }
      let attention = CausalAttention(
        query: observe(a.query, columns: hidden, names: [name(.query), name(.key), name(.value)]), key: a.key, value: a.value,
        output: observe(a.output, columns: c.queryWidth, names: [name(.output)]), queryNorm: a.queryNorm, keyNorm: a.keyNorm,
        rotary: a.rotary, heads: a.heads, kvHeads: a.kvHeads, headDim: a.headDim, scale: a.scale, window: a.window)
      let mlp = GatedMLP(gate: observe(m.gate, columns: hidden, names: [name(.gate), name(.up)]), up: m.up,
                         down: observe(m.down, columns: c.intermediateSize, names: [name(.down)]), activation: m.activation)
      return DecoderBlock(attentionNorm: block.attentionNorm, attention: attention, postAttentionNorm: block.postAttentionNorm,
                          feedForwardNorm: block.feedForwardNorm, mlp: mlp, postFeedForwardNorm: block.postFeedForwardNorm)
    }
    let observed = DecoderNetwork(config: c, embedding: embedding, blocks: observedBlocks, finalNorm: finalNorm, head: head,
                                  referenceHead: referenceHead, headIsReference: headIsReference)
    var cache: Cache? = nil
    let rows = try observed.outputs(for: DecoderInput(windows: windows), cache: &cache, isCancelled: isCancelled)
    let layout = layout, positions = rows.count / layout.width
    var head = InputSquares(sums: [Double](repeating: 0, count: hidden), tokens: positions)
    rows.scalars.withUnsafeBufferPointer { rows in
      for p in 0..<positions {
        let state = p * layout.width + layout.states.lowerBound
        for j in 0..<hidden {
          let v = Double(rows[state + j])
          head.sums[j] += v * v
        }
      }
    }
    var result = [c.tiedHead ? c.names.embedding : c.names.head: head]
    for (names, squares) in recorded {
      let value = squares.value
      for name in names { result[name] = value }
    }
    return result
  }
}
