import PareCore
import Synchronization

/// What llama.cpp's `llama-imatrix` collects for one linear weight: over every token the weight
/// multiplied, the sum of each input column's square (`in_sum2`), and the number of tokens
/// (`counts`). Their quotient, the mean squared activation per input column, is the importance
/// ggml's quantizers weigh each column's error by.
public struct InputSquares: Sendable, Equatable {
  /// Σ x_j² over the tokens, one per input column, summed in Double.
  public var sums: [Double]
  /// Tokens summed.
  public var tokens: Int

  public init(sums: [Double], tokens: Int) { (self.sums, self.tokens) = (sums, tokens) }

  /// in_sum2 / counts per column, as llama-quantize divides them (Float32); all ones when no
  /// token was seen, as llama.cpp does for a zero count.
  public var meanSquares: [Float] {
    guard tokens > 0 else { return [Float](repeating: 1, count: sums.count) }
    let count = Float(tokens)
    return sums.map { Float($0) / count }
  }
}

/// Squared input columns summed from several threads (one batch per core): each batch sums its
/// own rows, then adds them under the lock.
final class InputSquaresAccumulator: Sendable {
  private let state: Mutex<InputSquares>

  init(columns: Int) { state = Mutex(InputSquares(sums: [Double](repeating: 0, count: columns), tokens: 0)) }

  /// Adds the rows of `x` [rows, columns] (rows `x.count / columns` when columns is the last dimension).
  func add(_ x: Tensor) {
    let columns = state.withLock { $0.sums.count }
    guard columns > 0 else { return }
    let rows = x.count / columns
    var local = [Double](repeating: 0, count: columns)
    x.scalars.withUnsafeBufferPointer { x in
      local.withUnsafeMutableBufferPointer { local in
        for r in 0..<rows {
          let row = r * columns
          for j in 0..<columns {
            let v = Double(x[row + j])
            local[j] += v * v
          }
        }
      }
    }
    state.withLock { state in
      for j in 0..<columns { state.sums[j] += local[j] }
      state.tokens += rows
    }
  }

  var value: InputSquares { state.withLock { $0 } }
}

/// A layer that records its input's squared columns, then runs `inner`.
struct ObservedLayer: Layer {
  let inner: any Layer
  let squares: InputSquaresAccumulator

  func forward(_ input: consuming Tensor) -> Tensor {
    squares.add(input)
    return inner.forward(input)
  }
}
