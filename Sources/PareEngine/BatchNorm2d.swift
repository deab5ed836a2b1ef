import PareCore

/// Inference-time batch normalisation per channel (PyTorch `BatchNorm2d` in eval mode):
/// `y = (x - running_mean) / sqrt(running_var + eps) * weight + bias`.
public struct BatchNorm2d: Layer {
  /// Per-channel multiplier applied to x: weight / sqrt(var + eps).
  let scale: [Float]
  /// Per-channel offset: bias - mean * scale.
  let shift: [Float]

  public init(weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor, eps: Float) {
    let scale = (0..<weight.count).map { weight.scalars[$0] / (runningVar.scalars[$0] + eps).squareRoot() }
    self.scale = scale
    shift = (0..<weight.count).map { bias.scalars[$0] - runningMean.scalars[$0] * scale[$0] }
  }

  public func forward(_ input: consuming Tensor) -> Tensor {
    let channels = input.shape[1], plane = input.shape[2] * input.shape[3]
    var output = input
    output.scalars.withUnsafeMutableBufferPointer { y in
      for start in stride(from: 0, to: y.count, by: plane) {
        let c = (start / plane) % channels
        for i in start..<(start + plane) { y[i] = y[i] * scale[c] + shift[c] }
      }
    }
    return output
  }
}
