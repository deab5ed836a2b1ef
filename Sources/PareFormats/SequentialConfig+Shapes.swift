extension SequentialConfig {
  /// The most values one sample may hold entering or leaving any layer (4 GB of Float32): no
  /// such model could be evaluated, and bounding every declared extent by it keeps the sizes
  /// computed from them (padding added, shapes flattened) from overflowing.
  public static let maximumSampleValues = 1 << 30

  /// Whether a sample of `shape` stays within `maximumSampleValues`.
  static func isWithinLimit(_ shape: [Int]) -> Bool {
    var count = 1
    for extent in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: extent)
      guard !overflow, product <= maximumSampleValues else { return false }
      count = product
    }
    return true
  }

  /// The per-sample shape entering each layer, plus the model's output shape last, checking
  /// every layer's tensors against `weights`.
  ///
  /// A missing tensor, a wrong shape, or a layer whose input does not fit (e.g. a linear layer
  /// after a 3-D activation without `flatten`) throws an error naming the layer, the tensor, the
  /// expected and the actual shape. `file` is the config's path, for messages.
  public func activationShapes(weights: WeightStore, file: String) throws(ModelError) -> [[Int]] {
    guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
      throw ModelError(file: file, "input_shape \(inputShape) must be non-empty positive extents")
    }
    guard Self.isWithinLimit(inputShape) else {
      throw ModelError(file: file, "input_shape \(inputShape) holds more than \(Self.maximumSampleValues) values per sample")
    }
    let channels = inputShape.count == 3 ? inputShape[0] : 1
    for (key, values) in [("input_mean", inputMean), ("input_std", inputStd)] where values.count != 1 && values.count != channels {
      throw ModelError(file: file, "\(key) has \(values.count) values; give one, or one per input channel (\(channels))")
    }
    if inputStd.contains(where: { $0 == 0 }) { throw ModelError(file: file, "input_std must not contain 0") }

    var shapes = [inputShape]
    var shape = inputShape
    for (index, layer) in layers.enumerated() {
      let label = "layer \(index) (\(layer.kind.rawValue)\(layer.name.map { " '\($0)'" } ?? ""))"
      func fail(_ message: String) -> ModelError { ModelError(file: file, "\(label): \(message)") }
      func tensorShape(_ suffix: String, required: Bool = true) throws(ModelError) -> [Int]? {
        guard let name = layer.name else { throw fail("needs a \"name\" for its tensors") }
        guard let entry = weights.entry(named: "\(name).\(suffix)") else {
          if required { throw fail("tensor '\(name).\(suffix)' is missing from the weights") }
          return nil
        }
        guard entry.dtype.isFloatingPoint else { throw fail("tensor '\(name).\(suffix)' has dtype \(entry.dtype.rawValue), expected a floating type") }
        return entry.shape
      }
      func expect(_ suffix: String, _ expected: [Int], required: Bool = true) throws(ModelError) {
        guard let actual = try tensorShape(suffix, required: required) else { return }
        guard actual == expected else {
          throw fail("tensor '\(layer.name ?? "").\(suffix)' has shape \(actual), expected \(expected)")
        }
      }
      func spatial() throws(ModelError) -> (c: Int, h: Int, w: Int) {
        guard shape.count == 3 else { throw fail("needs a [C, H, W] input, got \(shape)") }
        return (shape[0], shape[1], shape[2])
      }

      switch layer.kind {
      case .linear:
        guard shape.count == 1 else { throw fail("needs a flat input, got \(shape); add a flatten layer before it") }
        let weight = try tensorShape("weight") ?? []
        guard weight.count == 2, weight[1] == shape[0] else {
          throw fail("tensor '\(layer.name ?? "").weight' has shape \(weight), expected [out, \(shape[0])]")
        }
        try expect("bias", [weight[0]], required: false)
        shape = [weight[0]]
      case .conv2d:
        let (c, h, w) = try spatial()
        let weight = try tensorShape("weight") ?? []
        guard weight.count == 4, weight[1] == c else {
          throw fail("tensor '\(layer.name ?? "").weight' has shape \(weight), expected [out, \(c), kh, kw]")
        }
        try expect("bias", [weight[0]], required: false)
        let stride = layer.stride ?? 1, padding = layer.padding ?? 0
        guard stride > 0, padding >= 0, padding <= Self.maximumSampleValues else {
          throw fail("stride must be positive and padding between 0 and \(Self.maximumSampleValues)")
        }
        let oh = (h + 2 * padding - weight[2]) / stride + 1, ow = (w + 2 * padding - weight[3]) / stride + 1
        guard h + 2 * padding >= weight[2], w + 2 * padding >= weight[3], oh > 0, ow > 0 else {
          throw fail("kernel \(weight[2])x\(weight[3]) does not fit the \(h)x\(w) input with padding \(padding)")
        }
        shape = [weight[0], oh, ow]
      case .maxpool2d, .avgpool2d:
        let (c, h, w) = try spatial()
        guard let kernel = layer.kernel, kernel > 0 else { throw fail("needs a positive \"kernel\"") }
        let stride = layer.stride ?? kernel
        guard stride > 0, kernel <= h, kernel <= w else { throw fail("kernel \(kernel) / stride \(stride) do not fit the \(h)x\(w) input") }
        shape = [c, (h - kernel) / stride + 1, (w - kernel) / stride + 1]
      case .batchnorm2d:
        let (c, _, _) = try spatial()
        for suffix in layer.kind.tensorSuffixes { try expect(suffix, [c]) }
      case .flatten:
        shape = [shape.reduce(1, *)]
      case .relu, .gelu, .tanh, .sigmoid, .softmax, .dropout:
        break
      }
      guard Self.isWithinLimit(shape) else { throw fail("its output \(shape) holds more than \(Self.maximumSampleValues) values per sample") }
      shapes.append(shape)
    }
    if task == "classification" {
      guard shape.count == 1 else { throw ModelError(file: file, "a classifier must end in a flat [classes] output, got \(shape)") }
      if !labels.isEmpty && labels.count != shape[0] {
        throw ModelError(file: file, "labels has \(labels.count) names but the model outputs \(shape[0]) classes")
      }
    }
    return shapes
  }
}
