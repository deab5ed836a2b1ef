import PareCore

/// A network whose forward pass can restart at a layer from the inputs an `ActivationCache` kept
/// of an earlier pass (DESIGN.md §2): what every model family's network is, so that one cache,
/// one pass and one evaluator serve them all.
///
/// A pass cuts its input into batches, turns each batch into the input of `firstLayer` (`enter`),
/// runs the layers from there to the end (`layer`), and writes the batch's rows of the output
/// (`write`). Layer indices are the network's own restart positions: a plan changing a tensor of
/// layer k (`layerIndex(ofTensor:)`) makes the next pass restart at k.
public protocol RestartableNetwork: Sendable {
  /// What a pass runs on (a dataset's raw images, token ids).
  associatedtype Input: Sendable
  /// One batch of the input.
  associatedtype Batch: Sendable
  /// What tells two inputs apart, so a cache filled from one is never used for another.
  associatedtype InputKey: Hashable & Sendable

  /// The first layer `enter` feeds.
  var firstLayer: Int { get }
  /// One past the last layer.
  var endLayer: Int { get }
  /// Layers whose inputs a cache keeps: where a changed tensor can make a pass restart from the
  /// cache (at any other layer a pass starts from the input).
  var restartPoints: Set<Int> { get }
  /// The batch size when a pass gets no cache, in the network's unit (samples, tokens).
  var preferredBatchSize: Int { get }
  /// The layer that reads tensor `name`, or nil when no layer does.
  func layerIndex(ofTensor name: String) -> Int?
  /// The same network with the named tensors replaced; only the layers owning them are rebuilt,
  /// `original` supplying their other tensors.
  func replacingTensors(_ replacements: [String: TensorReplacement], original: (String) throws -> Tensor?) throws -> Self

  /// Throws the first reason the network cannot run on `input`, before any work is done.
  func check(_ input: Input) throws
  /// The identity of `input` for a cache.
  func key(of input: Input) -> InputKey
  /// `input` cut into batches of at most `size` (a larger single item is a batch of its own).
  func batches(of input: Input, size: Int) -> [Batch]
  /// The output's shape for `input`.
  func outputShape(for input: Input) -> [Int]
  /// The input of `firstLayer` for one batch.
  func enter(_ input: Input, batch: Batch) throws -> Tensor
  /// Layer `index` on a batch's activations.
  func layer(_ index: Int, _ x: consuming Tensor, batch: Batch) -> Tensor
  /// Writes the rows of the output that `batch`'s final activations `x` give.
  func write(_ x: Tensor, batch: Batch, into output: UnsafeMutableBufferPointer<Float>)
}

extension RestartableNetwork {
  /// The activation cache of this network's passes.
  public typealias Cache = ActivationCache<InputKey>

  /// The network's outputs for `input`, computed batch by batch, one batch per core at a time
  /// (`BatchPass`).
  ///
  /// With a `cache` (for this input, batched as it says), the pass starts at layer `start` from
  /// the cached inputs of that layer when the cache holds them (else at the input) and refreshes
  /// the cached inputs of the restart points after it, so the cache describes this network.
  /// `isCancelled` is checked before each batch, never from two threads at once; when it says
  /// yes the pass throws `CancellationError` and the cache is left as it was.
  public func outputs(
    for input: Input, from start: Int = 0, cache: inout Cache?,
    isCancelled: () -> Bool = { false }
  ) throws -> Tensor {
    try check(input)
    let key = key(of: input)
    let batches = batches(of: input, size: cache?.batchSize ?? preferredBatchSize)
    let cachedInputs = restartPoints.contains(start) ? cache?.inputs(at: start, for: key) : nil
    // From the input, every restart point is refreshed; from layer `start`, those after it.
    let refreshed = (cache?.restartPoints ?? []).filter { cachedInputs == nil || $0 > start }
    let start = cachedInputs == nil ? firstLayer : start
    let shape = outputShape(for: input)
    var result = Tensor(zeros: shape)

    let kept = try result.scalars.withUnsafeMutableBufferPointer { out in
      // Each batch writes its own rows.
      nonisolated(unsafe) let out = out
      return try BatchPass.run(batches: batches.count, isCancelled: isCancelled) { b in
        let batch = batches[b]
        var x = try cachedInputs?[b] ?? enter(input, batch: batch)
        var inputs: [Int: Tensor] = [:]
        for index in start..<endLayer {
          if refreshed.contains(index) { inputs[index] = x }
          x = layer(index, consume x, batch: batch)
        }
        write(x, batch: batch, into: out)
        return inputs
      }
    }
    // Commit only after every batch ran: a cancelled pass above left `cache` untouched.
    cache?.commit(kept, layers: refreshed, for: key)
    return result
  }
}
