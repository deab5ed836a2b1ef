import PareCore

/// A sequential classifier's pass: batches of samples, preprocessed, through every layer, one
/// row of logits per sample. Restart points are the weighted layers after the first (the input
/// of layer 0 is the preprocessed input itself).
extension SequentialNetwork: RestartableNetwork {
  public var firstLayer: Int { 0 }
  public var endLayer: Int { layers.count }

  /// Layers that own weights: where a compression plan can make a pass restart.
  public var weightedLayers: Set<Int> {
    Set(config.layers.indices.filter { !config.layers[$0].kind.tensorSuffixes.isEmpty })
  }

  public var restartPoints: Set<Int> { weightedLayers.filter { $0 > firstLayer } }

  /// A batch size that keeps the largest per-batch working set (activations, and the im2col
  /// matrix of a convolution) near 4 MB, and at most 256 samples: big enough for efficient GEMMs
  /// (M = 256 runs at about 95% of M = 1,024's speed), small enough for cache and for many input
  /// columns to be constant across the batch (`ConstantColumns`: 520 of MNIST's 784 pixels vary
  /// within 256 test images, 612 within 1,024).
  public var preferredBatchSize: Int {
    var perSample = activationShapes.map { $0.reduce(1, *) }.max() ?? 1
    for (index, layer) in layers.enumerated() {
      if let conv = layer as? Conv2d {
        let out = activationShapes[index + 1]
        perSample = max(perSample, conv.weight.count / conv.weight.shape[0] * out[1] * out[2])
      }
    }
    return min(256, max(16, (4 << 20) / (4 * max(perSample, 1))))
  }

  /// Raw samples [N, ...] of any dtype (e.g. a dataset's u8 images as stored) run as they are.
  public func check(_ samples: EncodedTensor) throws {}

  /// The sample count: a dataset's images are fixed for an evaluator's life.
  public func key(of samples: EncodedTensor) -> Int { samples.shape.first ?? 0 }

  public func batches(of samples: EncodedTensor, size: Int) -> [Range<Int>] {
    let count = samples.shape.first ?? 0
    return stride(from: 0, to: count, by: max(size, 1)).map { $0..<min(count, $0 + max(size, 1)) }
  }

  public func outputShape(for samples: EncodedTensor) -> [Int] { [samples.shape.first ?? 0, outputWidth] }

  public func enter(_ samples: EncodedTensor, batch: Range<Int>) throws -> Tensor { preprocess(samples, samples: batch) }

  public func layer(_ index: Int, _ x: consuming Tensor, batch: Range<Int>) -> Tensor { layers[index].forward(consume x) }

  public func write(_ x: Tensor, batch: Range<Int>, into output: UnsafeMutableBufferPointer<Float>) {
    let width = outputWidth
    x.scalars.withUnsafeBufferPointer { rows in
      _ = UnsafeMutableBufferPointer(rebasing: output[(batch.lowerBound * width)..<(batch.upperBound * width)])
        .update(fromContentsOf: rows)
    }
  }
}
