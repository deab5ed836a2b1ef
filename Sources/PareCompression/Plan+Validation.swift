import PareCore
import PareFormats

extension Plan {
  /// Checks every spec against the model's tensors, and (with `values`) that each planned tensor
  /// holds finite values only, which reads it once per process; the first problem throws, naming
  /// the tensor and the key (`file` is the plan's path, for the message). Without `values` the
  /// check reads headers only (the explorer's offer to restore a saved session, before the
  /// first screen).
  public func validate(against weights: WeightStore, file: String, values: Bool = true) throws(PlanError) {
    for name in tensors.keys.sorted() {
      guard let spec = tensors[name] else { continue }
      guard let entry = weights.entry(named: name) else {
        throw PlanError(file: file, "tensor '\(name)' is not in the model")
      }
      do {
        try spec.validate(shape: entry.shape, dtype: entry.dtype)
      } catch {
        throw PlanError(file: file, "tensor '\(name)': \(error.message)")
      }
      // NaN or infinite weights would poison their group's scale or codebook (or every factor
      // of an SVD): such a tensor is refused, never compressed (README "Non-finite weights").
      guard values else { continue }
      let nonFinite = NonFiniteCensus.shared.count(of: name, in: weights)
      guard nonFinite.total == 0 else { throw PlanError(file: file, nonFinite.refusal(tensor: name)) }
    }
  }
}

/// Why a spec does not fit a tensor.
public struct SpecError: Error, Equatable, CustomStringConvertible {
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension CompressionSpec {
  /// Checks the spec's values and that it makes sense for a tensor of `shape` and `dtype`.
  public func validate(shape: [Int], dtype: DType) throws(SpecError) {
    guard dtype.isFloatingPoint else { throw SpecError("dtype \(dtype.rawValue) holds no weights to compress") }
    guard dtype.isWritable else { throw SpecError("dtype \(dtype.rawValue) is read-only in Pare; its compressed values could not be exported") }
    let isVector = shape.count <= 1
    let (rows, columns) = (shape.first ?? 1, Tensor.elementCount(shape) / max(shape.first ?? 1, 1))
    if prune != nil && lowrank != nil {
      throw SpecError("prune together with lowrank is not supported; choose one")
    }
    if let prune {
      switch prune.method {
      case .magnitude:
        guard let s = prune.sparsity else { throw SpecError("prune.sparsity is required for magnitude pruning") }
        guard s >= 0 && s < 1 else { throw SpecError("prune.sparsity \(s) is outside [0, 1)") }
        guard prune.granularity != .group else { throw SpecError("prune.granularity must be tensor or channel") }
        if isVector && prune.granularity == .channel {
          throw SpecError("prune.granularity channel makes no sense on a 1-D tensor; use tensor")
        }
      case .nm:
        guard let n = prune.n, let m = prune.m else { throw SpecError("prune.n and prune.m are required for N:M pruning") }
        guard m >= 1 && n >= 1 else { throw SpecError("prune.n and prune.m must be at least 1") }
        guard n <= m else { throw SpecError("prune.n \(n) is greater than prune.m \(m)") }
        guard m <= 256 else { throw SpecError("prune.m \(m) is over 256 (blocks longer than that are not N:M sparsity)") }
        if isVector { throw SpecError("N:M pruning works along rows; a 1-D tensor has none") }
      }
    }
    if let lowrank {
      if isVector { throw SpecError("lowrank makes no sense on a 1-D tensor") }
      switch (lowrank.rank, lowrank.energy) {
      case let (rank?, nil):
        guard rank >= 1 && rank <= min(rows, columns) else {
          throw SpecError("lowrank.rank \(rank) is outside 1...\(min(rows, columns)) (min of \(rows) rows, \(columns) columns)")
        }
      case let (nil, energy?):
        guard energy > 0 && energy <= 1 else { throw SpecError("lowrank.energy \(energy) is outside (0, 1]") }
      default:
        throw SpecError("lowrank needs exactly one of rank and energy")
      }
    }
    if let quantize {
      if quantize.scheme == .ggml {
        try validateGGML(quantize, shape: shape)
        return
      }
      if quantize.type != nil || quantize.imatrix {
        throw SpecError("quantize.type and quantize.imatrix apply to the ggml scheme only")
      }
      switch quantize.scheme {
      case .int, .codebook:
        guard let bits = quantize.bits else { throw SpecError("quantize.bits is required for \(quantize.scheme.rawValue)") }
        guard (2...8).contains(bits) else { throw SpecError("quantize.bits \(bits) is outside 2...8") }
      case .ggml:
        break
      case .fp16, .bf16, .fp8E4M3, .fp8E5M2:
        if let bits = quantize.bits, bits != (quantize.scheme == .fp16 || quantize.scheme == .bf16 ? 16 : 8) {
          throw SpecError("quantize.bits \(bits) does not match \(quantize.scheme.rawValue)")
        }
      }
      if !quantize.symmetric && quantize.scheme != .int {
        throw SpecError("quantize.symmetric applies to the int scheme only")
      }
      if quantize.granularity == .group {
        guard let size = quantize.groupSize else { throw SpecError("quantize.group_size is required for group granularity") }
        guard size >= 1 else { throw SpecError("quantize.group_size \(size) is below 1") }
      } else if quantize.groupSize != nil {
        throw SpecError("quantize.group_size applies to group granularity only")
      }
      let hasGroups = quantize.scheme != .fp16 && quantize.scheme != .bf16
      if isVector && lowrank == nil && hasGroups && quantize.granularity != .tensor {
        throw SpecError("quantize.granularity \(quantize.granularity.rawValue) makes no sense on a 1-D tensor; use tensor")
      }
    }
  }

  /// A ggml type fixes everything but itself: it quantizes a matrix's rows (ggml's ne[0], the last
  /// axis) in whole blocks of 32 or 256 values, on the weights as they are.
  private func validateGGML(_ quantize: QuantizeSpec, shape: [Int]) throws(SpecError) {
    let known = GGMLQuantizer.types.map(\.name).joined(separator: ", ")
    guard let type = quantize.type else { throw SpecError("quantize.type is required for the ggml scheme (one of \(known))") }
    guard GGMLQuantizer.types.contains(type) else { throw SpecError("ggml type \(type.name) is not one Pare quantizes to (\(known))") }
    guard quantize.bits == nil, quantize.groupSize == nil, quantize.granularity == .channel, quantize.symmetric else {
      throw SpecError("quantize.bits, granularity, group_size and symmetric do not apply to the ggml scheme: \(type.name) fixes them")
    }
    guard prune == nil, lowrank == nil else {
      throw SpecError("the ggml scheme quantizes the weights as they are; prune and lowrank cannot come before it")
    }
    guard shape.count >= 2, let rowLength = shape.last else {
      throw SpecError("ggml types quantize matrices; a \(shape.count)-D tensor cannot take \(type.name)")
    }
    guard rowLength % type.blockSize == 0 else {
      throw SpecError("\(type.name) needs rows whose length is a multiple of \(type.blockSize); this tensor's rows hold \(rowLength) values")
    }
  }
}
