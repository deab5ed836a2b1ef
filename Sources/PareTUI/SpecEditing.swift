import PareCompression

/// The explorer's one-key edits of a tensor's spec, as pure functions (DESIGN.md §7).
///
/// Each returns the new spec (nil: uncompressed) and, when the edit had to give something up
/// (pruning and low rank exclude each other), a note for the status line. Specs they build are
/// valid for the tensor's shape: 1-D tensors get tensor granularity and no low rank or N:M.
public enum SpecEditing {
  /// The result of an edit.
  public struct Outcome: Equatable, Sendable {
    public var spec: CompressionSpec?
    public var note: String?
  }

  /// Group sizes `g` cycles through after tensor and channel.
  static let groupSizes = [128, 64, 32]

  /// Sparsity steps of p/P: 10% steps, with 2:4 (structured 50%) just before 50%.
  static let sparsitySteps: [PruneSpec?] = [nil] + [0.1, 0.2, 0.3, 0.4].map { PruneSpec.magnitude($0) }
    + [PruneSpec.nm(2, 4)] + [0.5, 0.6, 0.7, 0.8, 0.9].map { PruneSpec.magnitude($0) }

  /// `b`: an uncompressed tensor starts at int8 symmetric per channel; int and codebook lose a
  /// bit (down to 2); fp16/bf16 become fp8, fp8 becomes int7.
  public static func bitsDown(_ spec: CompressionSpec?, shape: [Int]) -> Outcome {
    var s = spec ?? CompressionSpec()
    guard var q = s.quantize else {
      s.quantize = QuantizeSpec(scheme: .int, bits: 8, granularity: defaultGranularity(shape))
      return Outcome(spec: s)
    }
    switch q.scheme {
    case .ggml:
      return ggmlStep(s, shape: shape, up: false)
    case .int, .codebook:
      guard let bits = q.bits, bits > 2 else { return Outcome(spec: s, note: "already at 2 bits") }
      q.bits = bits - 1
    case .fp16, .bf16:
      q = QuantizeSpec(scheme: .fp8E4M3, granularity: q.granularity, groupSize: q.groupSize)
    case .fp8E4M3, .fp8E5M2:
      q = QuantizeSpec(scheme: .int, bits: 7, granularity: q.granularity, groupSize: q.groupSize)
    }
    s.quantize = q
    return Outcome(spec: s)
  }

  /// `B`: int and codebook gain a bit; above 8 (and above fp16/bf16) quantization is removed;
  /// fp8 becomes fp16.
  public static func bitsUp(_ spec: CompressionSpec?, shape: [Int]) -> Outcome {
    guard var s = spec, var q = s.quantize else { return Outcome(spec: spec, note: "not quantized") }
    switch q.scheme {
    case .ggml:
      return ggmlStep(s, shape: shape, up: true)
    case .int, .codebook:
      let bits = (q.bits ?? 8) + 1
      if bits > 8 { s.quantize = nil; return Outcome(spec: normalized(s)) }
      q.bits = bits
    case .fp8E4M3, .fp8E5M2:
      q = QuantizeSpec(scheme: .fp16)
    case .fp16, .bf16:
      s.quantize = nil
      return Outcome(spec: normalized(s))
    }
    s.quantize = q
    return Outcome(spec: s)
  }

  /// `f`: int symmetric → int asymmetric → codebook → fp8 → fp16 → bf16 → ggml (q4_k, or the
  /// nearest type whose block fits the rows; skipped when none does) → none → int symmetric.
  public static func cycleFormat(_ spec: CompressionSpec?, shape: [Int]) -> Outcome {
    var s = spec ?? CompressionSpec()
    let granularity = s.quantize?.granularity ?? defaultGranularity(shape)
    let groupSize = s.quantize?.groupSize
    let bits = s.quantize?.bits
    switch s.quantize {
    case nil:
      s.quantize = QuantizeSpec(scheme: .int, bits: 8, granularity: granularity, groupSize: groupSize)
    case let q? where q.scheme == .int && q.symmetric:
      s.quantize = QuantizeSpec(scheme: .int, bits: bits, granularity: granularity, groupSize: groupSize, symmetric: false)
    case let q? where q.scheme == .int:
      s.quantize = QuantizeSpec(scheme: .codebook, bits: min(bits ?? 4, 8), granularity: granularity, groupSize: groupSize)
    case let q? where q.scheme == .codebook:
      s.quantize = QuantizeSpec(scheme: .fp8E4M3, granularity: granularity, groupSize: groupSize)
    case let q? where q.scheme == .fp8E4M3 || q.scheme == .fp8E5M2:
      s.quantize = QuantizeSpec(scheme: .fp16)
    case let q? where q.scheme == .fp16:
      s.quantize = QuantizeSpec(scheme: .bf16)
    case let q? where q.scheme == .bf16:
      return intoGGML(s, shape: shape)
    default:
      s.quantize = nil
    }
    return Outcome(spec: normalized(s))
  }

  /// `g`: tensor → channel → group 128 → 64 → 32 → tensor. A 1-D tensor stays per tensor.
  public static func cycleGranularity(_ spec: CompressionSpec?, shape: [Int]) -> Outcome {
    guard var s = spec, var q = s.quantize else { return Outcome(spec: spec, note: "not quantized: press b or f first") }
    if q.scheme == .fp16 || q.scheme == .bf16 { return Outcome(spec: spec, note: "\(q.scheme.rawValue) has no scales") }
    if q.scheme == .ggml { return Outcome(spec: spec, note: "\(q.type?.name ?? "ggml") fixes its blocks; press f for other formats") }
    if shape.count <= 1 { return Outcome(spec: spec, note: "a 1-D tensor is quantized per tensor") }
    switch (q.granularity, q.groupSize) {
    case (.tensor, _): (q.granularity, q.groupSize) = (.channel, nil)
    case (.channel, _): (q.granularity, q.groupSize) = (.group, groupSizes[0])
    case let (.group, size?):
      if let i = groupSizes.firstIndex(of: size), i + 1 < groupSizes.count {
        q.groupSize = groupSizes[i + 1]
      } else {
        (q.granularity, q.groupSize) = (.tensor, nil)
      }
    case (.group, nil): (q.granularity, q.groupSize) = (.tensor, nil)
    }
    s.quantize = q
    return Outcome(spec: s)
  }

  /// `r`: start at the largest power of two below full rank, then halve (down to 1), so the
  /// usual ranks (256, 128, 64, ...) are a few presses away. Replaces pruning.
  public static func rankDown(_ spec: CompressionSpec?, shape: [Int]) -> Outcome {
    guard let full = fullRank(shape), full > 1 else { return Outcome(spec: spec, note: "no rank to lower") }
    if let refusal = ggmlRefusal(spec, step: "low rank") { return refusal }
    var s = spec ?? CompressionSpec()
    let note = s.prune != nil ? "pruning removed: it does not combine with low rank" : nil
    s.prune = nil
    if let current = s.lowrank?.rank {
      guard current > 1 else { return Outcome(spec: s, note: "already at rank 1") }
      s.lowrank = LowRankSpec(rank: current / 2)
    } else {
      s.lowrank = LowRankSpec(rank: 1 << (Int.bitWidth - 1 - (full - 1).leadingZeroBitCount))
    }
    return Outcome(spec: s, note: note)
  }

  /// `R`: double the rank; at full rank the factorization is removed.
  public static func rankUp(_ spec: CompressionSpec?, shape: [Int]) -> Outcome {
    guard var s = spec, let rank = s.lowrank?.rank, let full = fullRank(shape) else {
      return Outcome(spec: spec, note: "not factorized: press r first")
    }
    s.lowrank = rank * 2 >= full ? nil : LowRankSpec(rank: rank * 2)
    return Outcome(spec: normalized(s))
  }

  /// `p` / `P`: one step down or up the sparsity ladder. Replaces low rank.
  public static func sparsity(_ spec: CompressionSpec?, shape: [Int], up: Bool) -> Outcome {
    if let refusal = ggmlRefusal(spec, step: "pruning") { return refusal }
    var s = spec ?? CompressionSpec()
    let steps = shape.count <= 1 ? sparsitySteps.filter { $0?.method != .nm } : sparsitySteps
    let index = steps.firstIndex { $0 == s.prune } ?? nearestStep(s.prune, in: steps)
    let next = up ? min(index + 1, steps.count - 1) : max(index - 1, 0)
    if next == index { return Outcome(spec: spec, note: up ? "already at the highest sparsity" : "not pruned") }
    let note = s.lowrank != nil ? "low rank removed: it does not combine with pruning" : nil
    s.lowrank = nil
    s.prune = steps[next]
    return Outcome(spec: normalized(s), note: note)
  }

  /// The spec adapted to another tensor for "apply to all": granularity per tensor on 1-D
  /// tensors, no low rank or N:M there, the rank capped at the tensor's full rank.
  public static func adapted(_ spec: CompressionSpec, toShape shape: [Int]) -> CompressionSpec? {
    if let q = spec.quantize, q.scheme == .ggml { return ggmlAdapted(q, toShape: shape) }
    var s = spec
    if shape.count <= 1 {
      s.lowrank = nil
      if s.prune?.method == .nm { s.prune = nil }
      if s.prune?.granularity == .channel { s.prune?.granularity = .tensor }
      if var q = s.quantize, q.scheme != .fp16, q.scheme != .bf16 {
        (q.granularity, q.groupSize) = (.tensor, nil)
        s.quantize = q
      }
    } else if let rank = s.lowrank?.rank, let full = fullRank(shape) {
      s.lowrank = rank >= full ? nil : LowRankSpec(rank: rank)
    }
    return normalized(s)
  }

  private static func defaultGranularity(_ shape: [Int]) -> Granularity { shape.count <= 1 ? .tensor : .channel }

  private static func fullRank(_ shape: [Int]) -> Int? {
    guard shape.count >= 2, let rows = shape.first else { return nil }
    return min(rows, shape.dropFirst().reduce(1, *))
  }

  /// The ladder step closest in sparsity to a prune spec that is not on the ladder (e.g. 85%
  /// from a loaded plan).
  private static func nearestStep(_ prune: PruneSpec?, in steps: [PruneSpec?]) -> Int {
    func sparsity(_ p: PruneSpec?) -> Double {
      guard let p else { return 0 }
      return p.method == .nm ? 1 - Double(p.n ?? 0) / Double(max(p.m ?? 1, 1)) : p.sparsity ?? 0
    }
    let target = sparsity(prune)
    return steps.indices.min { abs(sparsity(steps[$0]) - target) < abs(sparsity(steps[$1]) - target) } ?? 0
  }

  static func normalized(_ s: CompressionSpec) -> CompressionSpec? { s.isEmpty ? nil : s }
}
