import PareCompression

extension Plan {
  /// The earliest layer, as `layer` numbers tensors, owning a tensor whose spec differs between
  /// this plan and `other`; nil when they compress the same tensors the same way. An evaluator
  /// restarts its forward pass there, reusing the activations cached before it.
  func firstChangedLayer(to other: Plan, layer: (String) -> Int?) -> Int? {
    let names = Set(tensors.keys).union(other.tensors.keys).filter { tensors[$0] != other.tensors[$0] }
    return names.compactMap(layer).min()
  }
}
