import Foundation
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
    gated.scalars.withUnsafeMutableBufferPointer { g in
      upped.scalars.withUnsafeBufferPointer { u in
        switch activation {
        case .silu:
          for i in g.indices { let v = g[i]; g[i] = v / (1 + expf(-v)) * u[i] }
        case .geluTanh:
          for i in g.indices {
            let v = g[i]
            g[i] = 0.5 * v * (1 + tanhf(0.7978845608028654 * (v + 0.044715 * v * v * v))) * u[i]
          }
        }
      }
    }
    return down.forward(gated)
  }
}
