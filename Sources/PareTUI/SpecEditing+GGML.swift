import PareCompression
import PareFormats

/// The one-key edits on ggml types: `b`/`B` walk the types whose block fits the tensor's rows,
/// cheapest first; `f` reaches them after bf16.
extension SpecEditing {
  /// The ggml types a tensor of `shape` can take (rows a whole number of blocks), by bits per
  /// weight, ties in `GGMLQuantizer.types` order.
  static func ggmlLadder(_ shape: [Int]) -> [GGMLType] {
    guard shape.count >= 2, let rowLength = shape.last else { return [] }
    let order = GGMLQuantizer.types
    return order.filter { rowLength % $0.blockSize == 0 }.sorted {
      ($0.bitsPerWeight, order.firstIndex(of: $0) ?? 0) < ($1.bitsPerWeight, order.firstIndex(of: $1) ?? 0)
    }
  }

  /// `b`/`B` on a ggml spec: the next type down or up the ladder; above the top, none.
  static func ggmlStep(_ spec: CompressionSpec, shape: [Int], up: Bool) -> Outcome {
    let ladder = ggmlLadder(shape)
    guard let type = spec.quantize?.type, let index = ladder.firstIndex(of: type) else {
      return Outcome(spec: spec, note: "no ggml type fits rows of \(shape.last ?? 0)")
    }
    var s = spec
    if up {
      guard index + 1 < ladder.count else {
        s.quantize = nil
        return Outcome(spec: normalized(s))
      }
      s.quantize?.type = ladder[index + 1]
    } else {
      guard index > 0 else { return Outcome(spec: spec, note: "already at \(type.name), the cheapest type that fits") }
      s.quantize?.type = ladder[index - 1]
    }
    return Outcome(spec: s)
  }

  /// `f` after bf16: q4_k, or the fitting type nearest it in size; pruning and low rank go (ggml
  /// quantizes the weights as they are). Without a fitting type, the cycle goes on to none.
  static func intoGGML(_ spec: CompressionSpec, shape: [Int]) -> Outcome {
    guard let type = nearestFitting(GGMLType.q4_k, shape: shape) else { return Outcome(spec: nil) }
    let note = spec.prune != nil || spec.lowrank != nil ? "pruning and low rank removed: ggml types quantize the weights as they are" : nil
    return Outcome(spec: CompressionSpec(quantize: .ggml(type, imatrix: spec.quantize?.imatrix ?? false)), note: note)
  }

  /// A ggml spec carried to another tensor ("apply to all"): its type when it fits, else the
  /// fitting type nearest in size, as llama.cpp falls back; nil when none fits.
  static func ggmlAdapted(_ q: QuantizeSpec, toShape shape: [Int]) -> CompressionSpec? {
    guard let type = q.type, let fitting = nearestFitting(type, shape: shape) else { return nil }
    return CompressionSpec(quantize: .ggml(fitting, imatrix: q.imatrix))
  }

  /// Refuses pruning or low rank on a ggml spec, which takes the weights as they are.
  static func ggmlRefusal(_ spec: CompressionSpec?, step: String) -> Outcome? {
    guard let q = spec?.quantize, q.scheme == .ggml else { return nil }
    return Outcome(spec: spec, note: "\(q.type?.name ?? "ggml") quantizes the weights as they are; press f for a format that combines with \(step)")
  }

  /// `type` when it fits `shape`, else the fitting type closest in bits per weight (the larger on a tie).
  private static func nearestFitting(_ type: GGMLType, shape: [Int]) -> GGMLType? {
    let ladder = ggmlLadder(shape)
    if ladder.contains(type) { return type }
    return ladder.min {
      (abs($0.bitsPerWeight - type.bitsPerWeight), -$0.bitsPerWeight) < (abs($1.bitsPerWeight - type.bitsPerWeight), -$1.bitsPerWeight)
    }
  }
}
