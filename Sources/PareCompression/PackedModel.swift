import Foundation
import PareCore
import PareFormats

/// The packed model format, `"pare-packed/1"`: a safetensors file holding what compression really
/// stores (bit-packed codes, f16 scales and zero-points, codebooks, pruning masks or N:M
/// positions, low-rank factors), so that its size is the compressed size and `unpacked(path:)`
/// rebuilds the drop-in model bit for bit (with one exception, see there). The layout is
/// documented in README "Packed layout".
///
/// For each compressed tensor NAME the file holds parts named NAME + a suffix (`PackedPart`);
/// every other tensor is stored unchanged under its own name. Tensors appear in the model's
/// order, each compressed tensor's parts together, so unpacking restores the original order.
public enum PackedModel {
  /// The `format` value in a packed file's `__metadata__`.
  public static let formatTag = "pare-packed/1"

  /// The packed file of `applied` over `weights`. `plan` is the plan recorded in the metadata
  /// (`pare apply` records the plan with its model reference and summary filled in); it must
  /// name the same tensors as `applied.plan`.
  public static func packed(_ applied: AppliedPlan, weights: WeightStore, recording plan: Plan) throws -> SafetensorsWriter {
    var infos: [String: PackedTensorInfo] = [:]
    for entry in weights.entries {
      if let c = applied.compressed[entry.name] {
        infos[entry.name] = PackedTensorInfo(shape: entry.shape, dtype: entry.dtype, rank: c.factors?.rank)
      }
    }
    var metadata = [
      "format": formatTag,
      "plan": String(decoding: try plan.jsonData(), as: UTF8.self),
      "tensors": try compactJSON(infos),
    ]
    if !weights.metadata.isEmpty { metadata["source_metadata"] = try compactJSON(weights.metadata) }
    return try assemble(weights, compressed: applied.compressed, metadata: metadata) { entry, c, file in
      try parts(of: c, name: entry.name, dtype: entry.dtype, file: file)
    }
  }

  /// A safetensors file with every tensor of `weights` in file order: the compressed ones as
  /// `parts` lays them out, the others copied byte for byte. Refuses two parts with one name.
  static func assemble(
    _ weights: WeightStore, compressed: [String: CompressedTensor], metadata: [String: String],
    parts: (SafetensorsEntry, CompressedTensor, String) throws -> [PackedPart]
  ) throws -> SafetensorsWriter {
    var writer = SafetensorsWriter()
    writer.metadata = metadata
    var names = Set<String>()
    for entry in weights.entries {
      let file = weights.path(of: entry.name) ?? "weights"
      let entryParts = try compressed[entry.name].map { try parts(entry, $0, file) }
        ?? [PackedPart(name: entry.name, dtype: entry.dtype, shape: entry.shape,
                       bytes: try weights.withRawBytes(of: entry.name) { Array($0) })]
      for part in entryParts {
        guard names.insert(part.name).inserted else {
          throw PackedModelError(file: file, tensor: entry.name, "its part '\(part.name)' has the name of another tensor; rename one of them")
        }
        try writer.add(part.name, dtype: part.dtype, shape: part.shape, bytes: part.bytes)
      }
    }
    return writer
  }

  /// The parts storing compressed tensor `c` (called `name`, `dtype` on disk in `file`).
  static func parts(of c: CompressedTensor, name: String, dtype: DType, file: String) throws -> [PackedPart] {
    do {
      if let f = c.factors {
        return try [(PackedPart.Suffix.a, f.a, f.quantizedA), (.b, f.b, f.quantizedB)].flatMap { suffix, factor, q in
          let owner = suffix.name(of: name)
          guard let q else {
            return [PackedPart(name: owner, dtype: dtype, shape: factor.shape, bytes: try encoded(factor, as: dtype, tensor: name, file: file))]
          }
          return try quantizedParts(q, kept: nil, owner: owner)
        }
      }
      var parts: [PackedPart]
      if let q = c.quantized {
        parts = try quantizedParts(q, kept: c.kept, owner: name)
      } else {
        let values = stored(c.values.scalars, kept: c.kept)
        parts = [PackedPart(.values, of: name, dtype: dtype, shape: [values.count],
                            bytes: try encoded(Tensor(shape: [values.count], scalars: values), as: dtype, tensor: name, file: file))]
      }
      if let kept = c.kept, let prune = c.spec.prune {
        switch prune.method {
        case .magnitude:
          parts.append(.bits(.mask, of: name, try BitPacking.pack(kept.map { $0 ? 1 : 0 }, bits: 1)))
        case .nm:
          let columns = c.values.matrixShape.columns, m = max(prune.m ?? 1, 1)
          let positions = kept.indices.filter { kept[$0] }.map { Int32($0 % max(columns, 1) % m) }
          parts.append(.bits(.positions, of: name, try BitPacking.pack(positions, bits: positionBits(m: m))))
        }
      }
      return parts
    } catch let error as PackedModelError {
      throw error
    } catch {
      throw PackedModelError(file: file, tensor: name, "\(error)")
    }
  }

  /// Codes, scales, zero-points and codebooks of `q`, for the entries `kept` (all when nil).
  private static func quantizedParts(_ q: QuantizedTensor, kept: [Bool]?, owner: String) throws -> [PackedPart] {
    // ggml blocks hold their codes and scales together, stored as llama.cpp stores them.
    if q.spec.scheme == .ggml { return [.bits(.codes, of: owner, q.ggmlBlocks)] }
    var parts = [PackedPart.bits(.codes, of: owner, try BitPacking.pack(stored(q.codes, kept: kept), bits: q.spec.codeBits))]
    let groups = q.layout.count
    if q.spec.storesScales { parts.append(try .f16(.scales, of: owner, q.scales, shape: [groups])) }
    if q.spec.storesZeroPoints { parts.append(try .f16(.zeroPoints, of: owner, q.zeroPoints.map(Float.init), shape: [groups])) }
    if q.spec.storesCodebook {
      parts.append(try .f16(.codebook, of: owner, q.codebooks, shape: [groups, 1 << q.spec.codeBits]))
    }
    return parts
  }

  /// The entries of `values` where `kept` is true, in order (all of them when `kept` is nil).
  private static func stored<T>(_ values: [T], kept: [Bool]?) -> [T] {
    guard let kept else { return values }
    return zip(values, kept).compactMap { $1 ? $0 : nil }
  }

  /// Bits of an N:M position: ⌈log2 m⌉ (0 for m = 1, where the only position is 0).
  static func positionBits(m: Int) -> Int {
    m <= 1 ? 0 : Int.bitWidth - (m - 1).leadingZeroBitCount
  }

  /// `values` encoded as `dtype`, as the drop-in model stores them; the error names the tensor.
  static func encoded(_ values: Tensor, as dtype: DType, tensor: String, file: String) throws(PackedModelError) -> [UInt8] {
    do {
      return try values.encoded(as: dtype)
    } catch {
      throw PackedModelError(file: file, tensor: tensor, "\(error)")
    }
  }

  /// `value` as compact JSON with sorted keys (a metadata string).
  static func compactJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}

/// One tensor of a packed file: a compressed tensor's part, or a tensor stored unchanged.
struct PackedPart {
  /// What a part of compressed tensor NAME holds; its name is NAME.suffix.
  enum Suffix: String {
    /// Bit-packed codes of the stored entries (U8).
    case codes
    /// Per-group scales (F16 [groups]), `int` and FP8.
    case scales
    /// Per-group zero-points (F16 [groups]), asymmetric `int`.
    case zeroPoints = "zero_points"
    /// Per-group centroids (F16 [groups, 2^bits]), `codebook`.
    case codebook
    /// Magnitude pruning's kept mask, 1 bit per entry (U8).
    case mask
    /// N:M pruning's in-block position of each kept entry (U8).
    case positions
    /// Kept entries in the original dtype, pruning without quantization.
    case values
    /// Low-rank factor A [rows, r], itself a prefix when quantized.
    case a
    /// Low-rank factor B [r, columns].
    case b

    /// The part's full name for compressed tensor (or factor) `owner`.
    func name(of owner: String) -> String { owner + "." + rawValue }
  }

  /// The tensor's name in the file.
  let name: String
  /// Its dtype.
  let dtype: DType
  /// Its shape.
  let shape: [Int]
  /// Its little-endian bytes.
  let bytes: [UInt8]
}

extension PackedPart {
  /// Part `suffix` of compressed tensor (or factor) `owner`.
  init(_ suffix: Suffix, of owner: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
    self.init(name: suffix.name(of: owner), dtype: dtype, shape: shape, bytes: bytes)
  }

  /// A bit-packed stream, stored as U8 [byte count].
  static func bits(_ suffix: Suffix, of owner: String, _ bytes: [UInt8]) -> PackedPart {
    PackedPart(suffix, of: owner, dtype: .u8, shape: [bytes.count], bytes: bytes)
  }

  /// f16-exact values stored as F16.
  static func f16(_ suffix: Suffix, of owner: String, _ values: [Float], shape: [Int]) throws -> PackedPart {
    PackedPart(suffix, of: owner, dtype: .f16, shape: shape, bytes: try Tensor(shape: shape, scalars: values).encoded(as: .f16))
  }
}

/// A compressed tensor's entry in a packed file's `tensors` metadata: what unpacking rebuilds.
struct PackedTensorInfo: Codable, Equatable {
  /// The original shape.
  let shape: [Int]
  /// The original dtype, which the drop-in model keeps.
  let dtype: DType
  /// The rank of the low-rank factors (low-rank tensors only).
  let rank: Int?
}

extension QuantizeSpec {
  /// Bits of one stored code: `bits` for int and codebook, 8 for FP8, 16 for fp16/bf16 (raw
  /// bit patterns).
  var codeBits: Int {
    switch scheme {
    case .int, .codebook: bits ?? 8
    case .fp8E4M3, .fp8E5M2: 8
    case .fp16, .bf16: 16
    case .ggml: 8
    }
  }

  /// Whether a per-group scale is stored (int and FP8).
  var storesScales: Bool { scheme == .int || scheme == .fp8E4M3 || scheme == .fp8E5M2 }

  /// Whether a per-group zero-point is stored (asymmetric int).
  var storesZeroPoints: Bool { scheme == .int && !symmetric }

  /// Whether per-group centroids are stored (codebook).
  var storesCodebook: Bool { scheme == .codebook }
}

/// A model could not be exported, or a packed file was refused: one line naming the file, the
/// tensor when there is one, and what is wrong.
public struct PackedModelError: Error, Equatable, CustomStringConvertible {
  /// The file (or output directory) at fault.
  public let file: String
  /// The tensor the problem is about, when it is about one.
  public let tensor: String?
  /// What is wrong.
  public let message: String

  /// An error about `file` (and `tensor`).
  public init(file: String, tensor: String? = nil, _ message: String) {
    (self.file, self.tensor, self.message) = (file, tensor, message)
  }

  /// "FILE: tensor 'NAME': message", or "FILE: message".
  public var description: String {
    (tensor.map { "\(file): tensor '\($0)'" } ?? file) + ": " + message
  }
}
