import PareCore

/// One step of a sequential network, mapping a batch [B, ...input sample] to [B, ...output sample].
///
/// Layers are immutable values; changing a weight (a compression plan) builds a new layer.
public protocol Layer: Sendable {
  /// The layer applied to every sample of `input`, whose first axis is the batch.
  func forward(_ input: Tensor) -> Tensor
}

/// Layers that change nothing at inference time (`dropout`) or only the shape (`flatten`).
public struct Reshape: Layer {
  /// Per-sample shape of the output.
  public let sampleShape: [Int]

  public init(sampleShape: [Int]) { self.sampleShape = sampleShape }

  public func forward(_ input: Tensor) -> Tensor {
    let batch = input.shape.first ?? 0
    // The element count is unchanged by construction (the config's shape walk checked it).
    return (try? input.reshaped([batch] + sampleShape)) ?? input
  }
}
