import PareCompression

/// An evaluator that restarts its forward pass at the first layer a plan changes, and can say
/// where each tensor sits, so that a sweep can order its plans to share the longest prefix.
///
/// Measuring single-tensor plans from the last layer's tensors backwards makes every measurement
/// restart at its own tensor's layer: the plan before it differs only there and later.
public protocol LayerOrderedEvaluator: PlanEvaluator {
  /// Position of the layer that reads `tensor` (larger is later), or nil when no layer does.
  func layerPosition(ofTensor tensor: String) -> Int?

  /// A second evaluator on the same network and data, for measuring beside this one (an
  /// evaluator is not re-entrant): the weights and data are shared, not decoded again, and its
  /// compressed tensors go to `compression`.
  func sibling(compression: CompressionCache) throws -> any LayerOrderedEvaluator
}

extension ClassifierEvaluator: LayerOrderedEvaluator {
  /// The index of the layer owning `tensor` in the sequential network.
  public func layerPosition(ofTensor tensor: String) -> Int? { network.layerIndex(ofTensor: tensor) }

  public func sibling(compression: CompressionCache) throws -> any LayerOrderedEvaluator {
    try ClassifierEvaluator(network: network, weights: weights, dataset: dataset, compression: compression)
  }
}
