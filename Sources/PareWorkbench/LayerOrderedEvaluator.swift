import PareCompression

/// An evaluator that restarts its forward pass at the first layer a plan changes, and can say
/// where each tensor sits, so that a sweep can order its plans to share the longest prefix.
///
/// Measuring single-tensor plans from the last layer's tensors backwards makes every measurement
/// restart at its own tensor's layer: the plan before it differs only there and later.
public protocol LayerOrderedEvaluator: PlanEvaluator {
  /// Position of the layer that reads `tensor` (larger is later), or nil when no layer does.
  func layerPosition(ofTensor tensor: String) -> Int?

  /// A second evaluator on the same network, data and baseline, for measuring beside this one
  /// (an evaluator is not re-entrant): the weights, the data and the uncompressed model's
  /// activations are shared, not computed again, and its compressed tensors go to `compression`.
  func sibling(compression: CompressionCache) -> any LayerOrderedEvaluator
}
