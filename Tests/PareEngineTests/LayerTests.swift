import Foundation
import Testing
@testable import PareCore
@testable import PareEngine

struct LayerTests {
  @Test(arguments: [(1, 3, 2), (5, 7, 4), (33, 20, 11)])
  func linearMatchesNaiveLoops(batch: Int, inFeatures: Int, outFeatures: Int) {
    let x = randomTensor([batch, inFeatures], seed: 11)
    let w = randomTensor([outFeatures, inFeatures], seed: 12), b = randomTensor([outFeatures], seed: 13)
    for bias in [b, nil] {
      #expect(isClose(Linear(weight: w, bias: bias).forward(x), naiveLinear(x, weight: w, bias: bias)))
    }
  }

  /// Direct convolution by definition, for comparison with im2col + sgemm.
  func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride: Int, padding: Int) -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1
    var y = Tensor(zeros: [n, o, oh, ow])
    for img in 0..<n {
      for oc in 0..<o {
        for i in 0..<oh {
          for j in 0..<ow {
            var s = b.scalars[oc]
            for ic in 0..<c {
              for p in 0..<kh {
                for q in 0..<kw {
                  let yy = i * stride - padding + p, xx = j * stride - padding + q
                  guard yy >= 0, yy < h, xx >= 0, xx < wd else { continue }
                  s += x.scalars[((img * c + ic) * h + yy) * wd + xx] * w.scalars[((oc * c + ic) * kh + p) * kw + q]
                }
              }
            }
            y.scalars[((img * o + oc) * oh + i) * ow + j] = s
          }
        }
      }
    }
    return y
  }

  @Test(arguments: [(1, 0), (1, 2), (2, 1), (3, 0)])
  func conv2dMatchesDirectConvolution(stride: Int, padding: Int) {
    let x = randomTensor([3, 2, 9, 8], seed: 21)
    let w = randomTensor([4, 2, 3, 3], seed: 22), b = randomTensor([4], seed: 23)
    let y = Conv2d(weight: w, bias: b, stride: stride, padding: padding).forward(x)
    #expect(isClose(y, naiveConv(x, w, b, stride: stride, padding: padding)))
  }

  /// A 4x4 plane 1...16, 2x2 windows with stride 2: max [6, 8, 14, 16], mean [3.5, 5.5, 11.5, 13.5].
  @Test func poolsByHand() throws {
    let x = try Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map(Float.init))
    #expect(Pool2d(.max, kernel: 2, stride: 2).forward(x).scalars == [6, 8, 14, 16])
    #expect(Pool2d(.average, kernel: 2, stride: 2).forward(x).scalars == [3.5, 5.5, 11.5, 13.5])
    // Overlapping windows (kernel 3, stride 1): maxima of the four 3x3 windows.
    #expect(Pool2d(.max, kernel: 3, stride: 1).forward(x).scalars == [11, 12, 15, 16])
  }

  /// Channel 0: mean 1, var 3 (+ eps 1 = 4), weight 2, bias 0.5: y = (x - 1) / 2 * 2 + 0.5.
  /// Channel 1: mean 0, var 0 (+ 1), weight 1, bias -1: y = x - 1.
  @Test func batchNormByHand() throws {
    let bn = BatchNorm2d(
      weight: try Tensor(shape: [2], scalars: [2, 1]), bias: try Tensor(shape: [2], scalars: [0.5, -1]),
      runningMean: try Tensor(shape: [2], scalars: [1, 0]), runningVar: try Tensor(shape: [2], scalars: [3, 0]), eps: 1)
    let x = try Tensor(shape: [1, 2, 1, 2], scalars: [3, 5, 3, 5])
    #expect(bn.forward(x).scalars == [2.5, 4.5, 2, 4])
  }

  @Test func activationsByHand() throws {
    let x = try Tensor(shape: [1, 3], scalars: [-1, 0, 1])
    #expect(Activation(.relu).forward(x).scalars == [0, 0, 1])
    // GELU(x) = x Φ(x): Φ(1) = 0.8413447, Φ(-1) = 0.1586553.
    let gelu = Activation(.gelu).forward(x).scalars
    #expect(abs(gelu[0] + 0.1586553) < 1e-6 && gelu[1] == 0 && abs(gelu[2] - 0.8413447) < 1e-6)
    #expect(abs(Activation(.sigmoid).forward(x).scalars[2] - 0.7310586) < 1e-6)
    #expect(abs(Activation(.tanh).forward(x).scalars[0] + 0.7615942) < 1e-6)
  }

  /// softmax([0, ln 2, ln 5]) = [1/8, 2/8, 5/8].
  @Test func softmaxByHand() throws {
    let x = try Tensor(shape: [1, 3], scalars: [0, Float(log(2.0)), Float(log(5.0))])
    let y = Softmax().forward(x).scalars
    for (got, want) in zip(y, [Float(0.125), 0.25, 0.625]) { #expect(abs(got - want) < 1e-6) }
  }
}
