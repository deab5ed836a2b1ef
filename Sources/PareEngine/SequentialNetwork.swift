import PareCore
import PareFormats

/// A runnable `"sequential"` model: its layers built from the weights, in config order.
///
/// The forward pass reads like the config: preprocess, then each layer in turn. Layers with
/// weights can be rebuilt from other tensors (`replacingTensors`) to evaluate a compression plan.
public struct SequentialNetwork: Sendable {
  /// The decoded config.json.
  public let config: SequentialConfig
  /// Input shape of each layer per sample, then the output shape (from the config's shape walk).
  public let activationShapes: [[Int]]
  /// The layers, index i built from `config.layers[i]`.
  public let layers: [any Layer]

  /// Builds every layer, reading its tensors through `tensor` (the model's weights, or a
  /// compressed overlay of them).
  public init(config: SequentialConfig, activationShapes: [[Int]], tensor: (String) throws -> Tensor?) throws {
    self.config = config
    self.activationShapes = activationShapes
    layers = try config.layers.enumerated().map { index, spec in
      try Self.layer(spec, outputShape: activationShapes[index + 1], tensor: tensor)
    }
  }

  /// The same network with the named tensors replaced (e.g. by their compressed values); only
  /// the layers owning them are rebuilt. `original` supplies the layer's other tensors.
  public func replacingTensors(_ replacements: [String: TensorReplacement], original: (String) throws -> Tensor?) throws -> SequentialNetwork {
    var layers = self.layers
    for (index, spec) in config.layers.enumerated() {
      guard let name = spec.name, spec.kind.tensorSuffixes.contains(where: { replacements["\(name).\($0)"] != nil }) else { continue }
      if spec.kind == .linear, case let .factored(a, b, _)? = replacements["\(name).weight"] {
        let bias = try replacements["\(name).bias"]?.dense ?? original("\(name).bias")
        layers[index] = FactoredLinear(a: a, b: b, bias: bias)
        continue
      }
      layers[index] = try Self.layer(spec, outputShape: activationShapes[index + 1]) { tensorName in
        try replacements[tensorName]?.dense ?? original(tensorName)
      }
    }
    return SequentialNetwork(config: config, activationShapes: activationShapes, layers: layers)
  }

  private init(config: SequentialConfig, activationShapes: [[Int]], layers: [any Layer]) {
    (self.config, self.activationShapes, self.layers) = (config, activationShapes, layers)
  }

  /// Index of the layer that reads tensor `name`, or nil when no layer does.
  public func layerIndex(ofTensor name: String) -> Int? {
    config.layers.firstIndex { spec in
      spec.kind.tensorSuffixes.contains { suffix in spec.name.map { "\($0).\(suffix)" } == name }
    }
  }

  /// Number of classes (the output width).
  public var outputWidth: Int { activationShapes.last?.reduce(1, *) ?? 0 }

  /// Raw inputs [N, ...] (all of them, or the samples in `range`) to the model's input:
  /// `(raw * input_scale - mean[c]) / std[c]`. Each channel plane is decoded from its stored
  /// dtype and scaled while it is still in cache, so the raw batch is never copied as Float32.
  public func preprocess(_ raw: EncodedTensor, samples range: Range<Int>? = nil) -> Tensor {
    let range = range ?? 0..<(raw.shape.first ?? 0)
    let sampleSize = config.inputShape.reduce(1, *)
    let channels = config.inputShape.count == 3 ? config.inputShape[0] : 1
    let perChannel = sampleSize / channels
    let scale = config.inputScale
    let means = config.inputMean, stds = config.inputStd
    let first = range.lowerBound * sampleSize
    return Tensor(unsafeUninitializedShape: [range.count] + config.inputShape, initializingWith: { out in
      for start in stride(from: 0, to: out.count, by: perChannel) {
        let plane = UnsafeMutableBufferPointer(rebasing: out[start..<(start + perChannel)])
        raw.decode(elements: (first + start)..<(first + start + perChannel), into: plane)
        let c = (start / perChannel) % channels
        let mean = means.count == 1 ? means[0] : means[c], std = stds.count == 1 ? stds[0] : stds[c]
        for i in plane.indices { plane[i] = (plane[i] * scale - mean) / std }
      }
    })
  }

  /// Runs layers `from..<through` on `input` (a batch entering layer `from`).
  public func forward(_ input: Tensor, from start: Int = 0, through end: Int? = nil) -> Tensor {
    var x = input
    for layer in layers[start..<(end ?? layers.count)] { x = layer.forward(consume x) }
    return x
  }

  private static func layer(_ spec: LayerSpec, outputShape: [Int], tensor: (String) throws -> Tensor?) throws -> any Layer {
    func load(_ suffix: String) throws -> Tensor? { try spec.name.flatMap { try tensor("\($0).\(suffix)") } }
    func require(_ suffix: String) throws -> Tensor {
      guard let t = try load(suffix) else {
        throw ModelError(file: "config.json", "tensor '\(spec.name ?? "?").\(suffix)' is missing")
      }
      return t
    }
    switch spec.kind {
    case .linear: return Linear(weight: try require("weight"), bias: try load("bias"))
    case .conv2d:
      return Conv2d(weight: try require("weight"), bias: try load("bias"), stride: spec.stride ?? 1, padding: spec.padding ?? 0)
    case .maxpool2d: return Pool2d(.max, kernel: spec.kernel ?? 1, stride: spec.stride ?? spec.kernel ?? 1)
    case .avgpool2d: return Pool2d(.average, kernel: spec.kernel ?? 1, stride: spec.stride ?? spec.kernel ?? 1)
    case .batchnorm2d:
      return BatchNorm2d(weight: try require("weight"), bias: try require("bias"), runningMean: try require("running_mean"),
                         runningVar: try require("running_var"), eps: spec.eps ?? 1e-5)
    case .relu: return Activation(.relu)
    case .gelu: return Activation(.gelu)
    case .tanh: return Activation(.tanh)
    case .sigmoid: return Activation(.sigmoid)
    case .softmax: return Softmax()
    case .flatten, .dropout: return Reshape(sampleShape: outputShape)
    }
  }
}

/// A tensor's new value for `SequentialNetwork.replacingTensors`.
public enum TensorReplacement: Sendable {
  /// A dense tensor in the original shape.
  case dense(Tensor)
  /// A low-rank factorization W ≈ A B of a linear weight, with the dense product for layers that
  /// cannot run factored (and for when factoring is not cheaper).
  case factored(a: Tensor, b: Tensor, product: Tensor)

  /// The dense value.
  public var dense: Tensor {
    switch self {
    case let .dense(t): t
    case let .factored(_, _, product): product
    }
  }
}
