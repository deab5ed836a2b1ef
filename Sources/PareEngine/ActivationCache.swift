import PareCore

/// The inputs of a network's restart points for every batch of one input, kept from earlier
/// passes so that a later pass can restart at layer k instead of the input.
///
/// It holds two layers of activations:
/// - the *reference*: the inputs the uncompressed network gives, filled by its first pass and
///   never changed after, so copies of the cache (a second evaluator beside the first) share
///   them instead of computing and holding them again;
/// - the *overlay*: the inputs of the last network run, for the layers where they differ from
///   the reference (those after `divergence`, the first layer that network changed).
///
/// Only restart points are kept, which keeps the memory to a few activations per sample (or per
/// token, hidden × 4 bytes per restart point).
public struct ActivationCache<InputKey: Hashable & Sendable>: Sendable {
  /// Items per batch in the network's unit (samples, tokens): a cache is valid only for passes
  /// batched the same way.
  public let batchSize: Int
  /// Layers whose inputs are kept.
  public let restartPoints: Set<Int>
  /// The first layer whose tensors differ from the uncompressed network's in the network the
  /// next pass runs (nil: none differ). Its inputs and those before it are the reference's; the
  /// later ones go to the overlay. An evaluator sets it before each pass; a cache used without
  /// one (0) keeps everything in the overlay.
  public var divergence: Int? = 0
  /// The input the cache was filled from.
  private var key: InputKey?
  /// Layer -> its input, one tensor per batch, of the uncompressed network.
  private var reference: [Int: [Tensor]] = [:]
  /// Layer -> its input, one tensor per batch, of the last network run, where it differs.
  private var overlay: [Int: [Tensor]] = [:]

  /// An empty cache for passes batched by `batchSize` that keeps the inputs of `restartPoints`.
  public init(batchSize: Int, restartPoints: Set<Int>) {
    self.batchSize = batchSize
    self.restartPoints = restartPoints
  }

  /// The cached inputs of `layer` for the input `key`, one per batch, or nil when not held.
  func inputs(at layer: Int, for key: InputKey) -> [Tensor]? {
    guard key == self.key else { return nil }
    return overlay[layer] ?? reference[layer]
  }

  /// Keeps what a finished pass over the input `key` computed: per batch, the inputs of
  /// `layers`. Inputs of layers up to `divergence` equal the reference's: kept there when it
  /// lacks them, and dropped from the overlay.
  mutating func commit(_ batches: [[Int: Tensor]], layers: Set<Int>, for key: InputKey) {
    if key != self.key {
      (reference, overlay) = ([:], [:])
      self.key = key
    }
    for layer in layers {
      let inputs = batches.compactMap { $0[layer] }
      // nil: the network changes nothing, so every input is the reference's.
      if divergence.map({ layer <= $0 }) ?? true {
        overlay[layer] = nil
        if reference[layer] == nil { reference[layer] = inputs }
      } else {
        overlay[layer] = inputs
      }
    }
  }

  /// Bytes held by the inputs (shared reference tensors counted once per cache).
  public var byteCount: Int {
    (Array(reference.values) + Array(overlay.values)).reduce(0) { $0 + $1.reduce(0) { $0 + $1.count * 4 } }
  }

  /// Bytes held by the overlay alone: what this cache adds to a copy it shares the reference with.
  public var overlayByteCount: Int { overlay.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count * 4 } } }
}
