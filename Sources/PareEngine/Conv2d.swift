import PareCore

/// 2-D convolution (PyTorch `nn.Conv2d`, NCHW, square stride and zero padding) as im2col + sgemm.
///
/// The whole batch is unfolded into one column matrix [C·kh·kw, B·OH·OW], so a batch costs a
/// single GEMM with the [out, C·kh·kw] weight.
public struct Conv2d: Layer {
  /// Weight [out, in, kh, kw].
  public let weight: Tensor
  /// Bias [out], or nil.
  public let bias: Tensor?
  /// Step between windows.
  public let stride: Int
  /// Zeros added on each side of H and W.
  public let padding: Int

  public init(weight: Tensor, bias: Tensor?, stride: Int, padding: Int) {
    (self.weight, self.bias, self.stride, self.padding) = (weight, bias, stride, padding)
  }

  /// Output spatial size for an input of `h` x `w`.
  public func outputSize(h: Int, w: Int) -> (h: Int, w: Int) {
    ((h + 2 * padding - weight.shape[2]) / stride + 1, (w + 2 * padding - weight.shape[3]) / stride + 1)
  }

  public func forward(_ input: consuming Tensor) -> Tensor {
    let (batch, channels, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (outChannels, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
    let (oh, ow) = outputSize(h: h, w: w)
    let positions = oh * ow, columns = batch * positions, depth = channels * kh * kw

    // im2col: row (c, i, j) holds, for every image and output position, the input pixel under
    // kernel tap (i, j) of channel c, or 0 in the padding.
    var unfolded = [Float](repeating: 0, count: depth * columns)
    input.scalars.withUnsafeBufferPointer { x in
      unfolded.withUnsafeMutableBufferPointer { col in
        for c in 0..<channels {
          for i in 0..<kh {
            for j in 0..<kw {
              let row = ((c * kh + i) * kw + j) * columns
              for b in 0..<batch {
                let image = (b * channels + c) * h * w
                for y in 0..<oh {
                  let sy = y * stride - padding + i
                  guard sy >= 0 && sy < h else { continue }
                  let dst = row + b * positions + y * ow, src = image + sy * w
                  for xo in 0..<ow {
                    let sx = xo * stride - padding + j
                    if sx >= 0 && sx < w { col[dst + xo] = x[src + sx] }
                  }
                }
              }
            }
          }
        }
      }
    }

    var product = [Float](repeating: 0, count: outChannels * columns)
    weight.scalars.withUnsafeBufferPointer { wt in
      unfolded.withUnsafeBufferPointer { col in
        product.withUnsafeMutableBufferPointer { out in
          guard let wt = wt.baseAddress, let col = col.baseAddress, let out = out.baseAddress else { return }
          LinearAlgebra.gemm(m: outChannels, n: columns, k: depth, a: wt, b: col, c: out)
        }
      }
    }

    // [out, B, OH·OW] -> [B, out, OH, OW], adding the bias on the way.
    return Tensor(shape: [batch, outChannels, oh, ow]) { out in
      for b in 0..<batch {
        for o in 0..<outChannels {
          let add = bias?.scalars[o] ?? 0
          let src = o * columns + b * positions, dst = (b * outChannels + o) * positions
          for p in 0..<positions { out[dst + p] = product[src + p] + add }
        }
      }
    }
  }
}
