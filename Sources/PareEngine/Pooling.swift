import PareCore

/// Max or average pooling over square windows without padding (PyTorch `MaxPool2d`/`AvgPool2d`).
public struct Pool2d: Layer {
  /// How a window is reduced.
  public enum Reduction: Sendable { case max, average }

  /// The reduction.
  public let reduction: Reduction
  /// Window side.
  public let kernel: Int
  /// Step between windows.
  public let stride: Int

  public init(_ reduction: Reduction, kernel: Int, stride: Int) {
    (self.reduction, self.kernel, self.stride) = (reduction, kernel, stride)
  }

  public func forward(_ input: consuming Tensor) -> Tensor {
    let (batch, channels, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
    let area = Float(kernel * kernel)
    return Tensor(shape: [batch, channels, oh, ow]) { out in
      input.scalars.withUnsafeBufferPointer { x in
        for plane in 0..<(batch * channels) {
          let src = plane * h * w, dst = plane * oh * ow
          for y in 0..<oh {
            for xo in 0..<ow {
              var acc: Float = reduction == .max ? -.infinity : 0
              for i in 0..<kernel {
                let rowStart = src + (y * stride + i) * w + xo * stride
                for j in 0..<kernel {
                  let v = x[rowStart + j]
                  acc = reduction == .max ? Swift.max(acc, v) : acc + v
                }
              }
              out[dst + y * ow + xo] = reduction == .max ? acc : acc / area
            }
          }
        }
      }
    }
  }
}
