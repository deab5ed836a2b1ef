import PareCompression
import PareCore
import PareFormats
import PareWorkbench
import Synchronization

/// Computes a tensor's detail (statistics, percentiles, histogram, SVD spectrum, and the
/// compressed part) off the UI thread: on a real model a large tensor's sort and SVD take seconds
/// (all-MiniLM-L6-v2's 30522 x 384 word embeddings), and moving the selection or editing must
/// never wait for them.
///
/// Only the most recently requested detail is worth computing (`LatestWinsQueue`), so scrolling
/// through many rows runs at most one stale computation. The original part of each tensor is
/// computed once and kept: an edit only adds the compressed part.
final class DetailLoader: Sendable {
  private let weights: WeightStore
  private let jobs = LatestWinsQueue<(name: String, detail: TensorDetail)>(label: "pare.detail")
  private let originals = Mutex<[String: TensorDetail]>([:])

  /// A loader reading tensors from `weights`.
  init(weights: WeightStore) { self.weights = weights }

  /// Starts computing `name`'s detail with `compressed` (nil: untouched), superseding the last
  /// request.
  func request(_ name: String, compressed: CompressedTensor?) {
    jobs.submit { [self] job in
      guard let original = originalDetail(of: name) else { return }
      let weights = weights
      job.post((name, original.compressed(by: compressed) { try? weights.tensor(named: name) }))
    }
  }

  /// The detail finished since the last call, if the latest request's is.
  func takeFinished() -> [(name: String, detail: TensorDetail)] { jobs.take() }

  /// Whether nothing is being computed or waiting to be taken.
  var isIdle: Bool { jobs.isIdle }

  private func originalDetail(of name: String) -> TensorDetail? {
    if let known = originals.withLock({ $0[name] }) { return known }
    guard let detail = Self.originalDetail(of: name, in: weights) else { return nil }
    originals.withLock { $0[name] = detail }
    return detail
  }

  /// The detail of `name`'s original values, or nil when the tensor cannot be read.
  static func originalDetail(of name: String, in weights: WeightStore) -> TensorDetail? {
    guard let tensor = try? weights.tensor(named: name) else { return nil }
    // Counted here, in the background, so that `b` on the selected tensor finds plan validation's
    // count ready instead of scanning it on the UI thread.
    _ = NonFiniteCensus.shared.count(of: name, in: weights)
    let spectrum = tensor.rank >= 2 && tensor.count > 0 ? try? LinearAlgebra.spectrum(of: tensor) : nil
    return TensorDetail(original: tensor, singularValues: spectrum)
  }
}
