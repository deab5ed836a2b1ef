import PareCore

/// One step of a sequential network, mapping a batch [B, ...input sample] to [B, ...output sample].
///
/// Layers are immutable values; changing a weight (a compression plan) builds a new layer.
public protocol Layer: Sendable {
  /// The layer applied to every sample of `input`, whose first axis is the batch. Taking the
  /// input as `consuming` lets pointwise layers reuse its storage instead of copying it.
  func forward(_ input: consuming Tensor) -> Tensor
}

/// Layers that change nothing at inference time (`dropout`) or only the shape (`flatten`).
public struct Reshape: Layer {
  /// Per-sample shape of the output.
  public let sampleShape: [Int]

  public init(sampleShape: [Int]) { self.sampleShape = sampleShape }

  public func forward(_ input: consuming Tensor) -> Tensor {
    let batch = input.shape.first ?? 0
    // The element count is unchanged by construction (the config's shape walk checked it).
    guard let reshaped = try? input.reshaped([batch] + sampleShape) else { return input }
    return reshaped
  }
}
