import PareCore

/// A decoder's pass: batches of whole windows, the embedding (layer 0), every block (1 is
/// block 0), the final norm, then the head in `write`, which keeps one `TokenScoreLayout` row
/// per position instead of the logits.
extension DecoderNetwork: RestartableNetwork {
  public var firstLayer: Int { 1 }
  public var endLayer: Int { finalLayer + 1 }

  /// Every block and the final norm: a change to the last block reruns that block and the head.
  public var restartPoints: Set<Int> { Set(1...finalLayer) }

  /// Tokens per batch when the caller gives no cache: windows are packed up to 512 tokens (one
  /// window of 512), enough rows for efficient GEMMs with one batch per core.
  public var preferredBatchSize: Int { 512 }

  /// What each position writes.
  public var layout: TokenScoreLayout { TokenScoreLayout(hiddenSize: config.hiddenSize) }

  public func check(_ input: DecoderInput) throws {
    guard let first = input.windows.first else { throw DecoderInputError.noWindows }
    guard !first.isEmpty else { throw DecoderInputError.emptyWindow }
    for (w, window) in input.windows.enumerated() {
      guard window.count == first.count else { throw DecoderInputError.unequalWindows(index: w, length: window.count, expected: first.count) }
      if let p = window.firstIndex(where: { !(0..<Int32(config.vocabSize)).contains($0) }) {
        throw DecoderInputError.unknownToken(window: w, position: p, id: window[p], vocabSize: config.vocabSize)
      }
    }
    if let reference = input.reference, reference.count != input.positions * config.hiddenSize {
      throw DecoderInputError.referenceCount(count: reference.count, expected: input.positions * config.hiddenSize,
                                             hiddenSize: config.hiddenSize)
    }
    if let directions = input.referenceDirections, directions.count != input.positions * (config.hiddenSize + 1) {
      throw DecoderInputError.referenceCount(count: directions.count, expected: input.positions * (config.hiddenSize + 1),
                                             hiddenSize: config.hiddenSize + 1)
    }
  }

  /// The windows alone: hidden states do not depend on the reference.
  public func key(of input: DecoderInput) -> [[Int32]] { input.windows }

  public func batches(of input: DecoderInput, size: Int) -> [DecoderBatch] {
    let length = input.windowLength, perBatch = max(1, size / max(length, 1)), k = config.hiddenSize
    return stride(from: 0, to: input.windows.count, by: perBatch).map { first in
      let windows = first..<min(first + perBatch, input.windows.count)
      return DecoderBatch(
        windows: windows, length: length, tokens: windows.flatMap { input.windows[$0] },
        reference: input.reference?[(windows.lowerBound * length * k)..<(windows.upperBound * length * k)],
        referenceDirections: input.referenceDirections?[
          (windows.lowerBound * length * (k + 1))..<(windows.upperBound * length * (k + 1))],
        measuresDirections: input.measuresDirections)
    }
  }

  public func outputShape(for input: DecoderInput) -> [Int] { [input.positions, layout.width] }

  /// The batch's embedding rows, scaled (√hidden for Gemma).
  public func enter(_ input: DecoderInput, batch: DecoderBatch) throws -> Tensor { embed(batch.tokens) }

  /// Block `index − 1`, or the final norm for the last layer.
  public func layer(_ index: Int, _ x: consuming Tensor, batch: DecoderBatch) -> Tensor {
    index == finalLayer ? finalNorm.forward(x) : blocks[index - 1](x, windowLength: batch.length)
  }

  /// The score rows of the batch's positions, from the head's logits computed a chunk of
  /// positions at a time.
  public func write(_ x: Tensor, batch: DecoderBatch, into output: UnsafeMutableBufferPointer<Float>) {
    scoreRows(x, tokens: batch.tokens, windowLength: batch.length, reference: batch.reference,
              referenceDirections: batch.referenceDirections, measuresDirections: batch.measuresDirections,
              into: output, at: batch.firstPosition)
  }
}
