/// The `"sequential"` architecture of DESIGN.md §3: a chain of layers with PyTorch semantics.
public struct SequentialConfig: Sendable, Equatable, Decodable {
  /// What the model predicts; only `"classification"` is evaluated today.
  public var task: String
  /// Shape of one input sample, e.g. [1, 28, 28] (C, H, W) or [784].
  public var inputShape: [Int]
  /// Raw input values are multiplied by this first (1/255 for 8-bit images).
  public var inputScale: Float
  /// Per-channel mean subtracted after scaling (one value, or one per channel).
  public var inputMean: [Float]
  /// Per-channel standard deviation divided by after the mean.
  public var inputStd: [Float]
  /// Class names, index = class id.
  public var labels: [String]
  /// The layers, applied in order.
  public var layers: [LayerSpec]

  enum CodingKeys: String, CodingKey {
    case task, layers, labels
    case inputShape = "input_shape", inputScale = "input_scale", inputMean = "input_mean", inputStd = "input_std"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    task = try c.decodeIfPresent(String.self, forKey: .task) ?? "classification"
    inputShape = try c.decodeIntegers(forKey: .inputShape)
    inputScale = try c.decodeIfPresent(Float.self, forKey: .inputScale) ?? 1
    inputMean = try c.decodeIfPresent([Float].self, forKey: .inputMean) ?? [0]
    inputStd = try c.decodeIfPresent([Float].self, forKey: .inputStd) ?? [1]
    labels = try c.decodeIfPresent([String].self, forKey: .labels) ?? []
    layers = try c.decode([LayerSpec].self, forKey: .layers)
  }
}

/// One layer of a sequential model as written in config.json.
public struct LayerSpec: Sendable, Equatable, Decodable {
  /// The operation.
  public var kind: LayerKind
  /// Prefix of the layer's tensors (`NAME.weight`, `NAME.bias`, ...), for layers with weights.
  public var name: String?
  /// Convolution and pooling stride (default 1 for conv2d, the kernel size for pools).
  public var stride: Int?
  /// Zero padding on each side for conv2d (default 0).
  public var padding: Int?
  /// Pooling window size.
  public var kernel: Int?
  /// Batch-norm epsilon (default 1e-5).
  public var eps: Float?

  enum CodingKeys: String, CodingKey { case type, name, stride, padding, kernel, eps }

  public init(kind: LayerKind, name: String? = nil, stride: Int? = nil, padding: Int? = nil, kernel: Int? = nil, eps: Float? = nil) {
    (self.kind, self.name, self.stride, self.padding, self.kernel, self.eps) = (kind, name, stride, padding, kernel, eps)
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let type = try c.decode(String.self, forKey: .type)
    guard let kind = LayerKind(rawValue: type) else {
      throw DecodingError.dataCorruptedError(
        forKey: .type, in: c,
        debugDescription: "unknown layer type '\(type)' (known: \(LayerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    self.kind = kind
    name = try c.decodeIfPresent(String.self, forKey: .name)
    stride = try c.decodeIntegerIfPresent(forKey: .stride)
    padding = try c.decodeIntegerIfPresent(forKey: .padding)
    kernel = try c.decodeIntegerIfPresent(forKey: .kernel)
    eps = try c.decodeIfPresent(Float.self, forKey: .eps)
  }
}

/// The layer types of the sequential architecture.
public enum LayerKind: String, Sendable, CaseIterable {
  case linear, conv2d, maxpool2d, avgpool2d, batchnorm2d
  case relu, gelu, tanh, sigmoid, softmax, dropout, flatten

  /// The tensor-name suffixes the layer reads (`NAME.suffix`).
  public var tensorSuffixes: [String] {
    switch self {
    case .linear, .conv2d: ["weight", "bias"]
    case .batchnorm2d: ["weight", "bias", "running_mean", "running_var"]
    default: []
    }
  }
}
