import PareCore
import PareFormats

/// The gated feed-forward block of Llama (SwiGLU) and Gemma (GeGLU, tanh GELU):
/// `down(act(gate(x)) · up(x))`, each projection one sgemm over all the batch's tokens.
public struct GatedMLP: Sendable {
  /// [hidden] -> [intermediate], through the activation.
  public let gate: any Layer
  /// [hidden] -> [intermediate].
  public let up: any Layer
  /// [intermediate] -> [hidden].
  public let down: any Layer
  public let activation: DecoderConfig.Activation

  public init(gate: any Layer, up: any Layer, down: any Layer, activation: DecoderConfig.Activation) {
    (self.gate, self.up, self.down, self.activation) = (gate, up, down, activation)
  }

  /// The block on normalized token states `x` [tokens, hidden].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var gated = gate.forward(x)
    let upped = up.forward(x)
    let count = gated.count, gelu = activation == .geluTanh
    gated.scalars.withUnsafeMutableBufferPointer { g in
      upped.scalars.withUnsafeBufferPointer { u in
        guard let g = g.baseAddress, let u = u.baseAddress else { return }
        // silu(v) = v / (1 + e^−v); tanh-GELU(v) = v (1 + tanh z) / 2 = v / (1 + e^−2z),
        // z = √(2/π) (v + 0.044715 v³).
        for (o, lanes) in Vectors8(count) {
          let v = UnsafePointer(g).vector8(at: o, lanes: lanes, padding: 0)
          let z = gelu ? v * (v * v * -0.071_354_816_3 - 1.595_769_121_6) : -v
          g.store(v / (1 + exp8(z)) * u.vector8(at: o, lanes: lanes, padding: 0), at: o, lanes: lanes)
        }
      }
    }
    return down.forward(gated)
  }
}
