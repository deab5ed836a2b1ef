import Dispatch
import PareCore
import PareFormats
import Synchronization

/// Computes tensors' original details (statistics, percentiles, histogram, SVD spectrum) off the
/// UI thread: on a real model a large tensor's sort and SVD take seconds (all-MiniLM-L6-v2's
/// 30522 x 384 word embeddings), and moving the selection must never wait for them.
///
/// Only the most recently requested tensor is worth computing: a request made while another is
/// queued replaces it, so scrolling through many rows runs at most one stale computation.
final class DetailLoader: Sendable {
  private struct State {
    var wanted: String?
    var finished: [(name: String, detail: TensorDetail)] = []
  }

  private let weights: WeightStore
  private let queue = DispatchQueue(label: "pare.detail-loader", qos: .userInitiated)
  private let state = Mutex(State())

  /// A loader reading tensors from `weights`.
  init(weights: WeightStore) { self.weights = weights }

  /// Starts computing `name`'s detail unless a later request supersedes it first.
  func request(_ name: String) {
    state.withLock { $0.wanted = name }
    queue.async { [self] in
      guard state.withLock({ $0.wanted == name }) else { return }
      let detail = Self.originalDetail(of: name, in: weights)
      state.withLock { state in
        if let detail { state.finished.append((name, detail)) }
        if state.wanted == name { state.wanted = nil }
      }
    }
  }

  /// The details finished since the last call.
  func takeFinished() -> [(name: String, detail: TensorDetail)] {
    state.withLock { state in
      defer { state.finished.removeAll() }
      return state.finished
    }
  }

  /// The detail of `name`'s original values, or nil when the tensor cannot be read.
  static func originalDetail(of name: String, in weights: WeightStore) -> TensorDetail? {
    guard let tensor = try? weights.tensor(named: name) else { return nil }
    let spectrum = tensor.rank >= 2 && tensor.count > 0 ? try? LinearAlgebra.singularValues(of: tensor) : nil
    return TensorDetail(original: tensor, singularValues: spectrum)
  }
}
