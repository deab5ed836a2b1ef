import PareCore

/// The inputs of chosen layers for every batch of a dataset, kept from an earlier forward pass so
/// that a later pass can restart at layer k instead of layer 0.
///
/// Only layers with weights are restart points (a compression plan changes nothing else), which
/// keeps the memory to a few activations per sample.
public struct ActivationCache: Sendable {
  /// Samples per batch; a cache is only valid for runs with the same batching.
  public let batchSize: Int
  /// Layer index -> the input of that layer, one tensor per batch.
  var inputs: [Int: [Tensor]] = [:]
  /// Layers whose inputs are kept.
  public let restartPoints: Set<Int>

  public init(batchSize: Int, restartPoints: Set<Int>) {
    self.batchSize = batchSize
    self.restartPoints = restartPoints
  }

  /// Whether every batch's input of `layer` is cached.
  public func canRestart(at layer: Int, batches: Int) -> Bool {
    layer == 0 || inputs[layer]?.count == batches
  }

  /// Bytes held.
  public var byteCount: Int { inputs.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count * 4 } } }
}

extension SequentialNetwork {
  /// Layers that own weights: where a compression plan can make a pass restart.
  public var weightedLayers: Set<Int> {
    Set(config.layers.indices.filter { !config.layers[$0].kind.tensorSuffixes.isEmpty })
  }

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

  /// The network's outputs for `samples` raw inputs [N, ...] (any dtype, e.g. a dataset's u8
  /// images as stored), computed batch by batch, one batch per core at a time
  /// (`LinearAlgebra.concurrently`).
  ///
  /// With a `cache`, the pass starts at layer `start` from the cached inputs of that layer (every
  /// batch must be cached there) and refreshes the cached inputs of later restart points, so the
  /// cache always describes this network. `isCancelled` is checked before each batch, never from
  /// two threads at once; when it says yes the pass throws Swift's `CancellationError` and the
  /// cache keeps only whole, consistent layers.
  public func outputs(
    for samples: EncodedTensor, from start: Int = 0, cache: inout ActivationCache?,
    isCancelled: () -> Bool = { false }
  ) throws -> Tensor {
    let count = samples.shape.first ?? 0
    let batchSize = cache?.batchSize ?? preferredBatchSize
    let batches = (count + batchSize - 1) / batchSize
    let start = (cache?.canRestart(at: start, batches: batches) ?? false) ? start : 0
    let cachedInputs = start > 0 ? cache?.inputs[start] : nil
    let refreshed = (cache?.restartPoints ?? []).filter { $0 > start || start == 0 }
    let width = outputWidth
    var result = Tensor(zeros: [count, width])

    let kept = try result.scalars.withUnsafeMutableBufferPointer { out in
      // Each batch writes its own rows.
      nonisolated(unsafe) let out = out
      return try BatchPass.run(batches: batches, isCancelled: isCancelled) { b in
        let lower = b * batchSize, upper = min(count, lower + batchSize)
        var x = cachedInputs?[b] ?? preprocess(samples, samples: lower..<upper)
        var inputs: [Int: Tensor] = [:]
        for index in start..<layers.count {
          if refreshed.contains(index) { inputs[index] = x }
          x = layers[index].forward(consume x)
        }
        x.scalars.withUnsafeBufferPointer { rows in
          _ = UnsafeMutableBufferPointer(rebasing: out[(lower * width)..<(upper * width)]).update(fromContentsOf: rows)
        }
        return inputs
      }
    }
    // Commit only complete layers: a cancelled pass above left `cache` untouched.
    for layer in refreshed { cache?.inputs[layer] = kept.compactMap { $0[layer] } }
    return result
  }
}
