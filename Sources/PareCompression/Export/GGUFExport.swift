import PareCore
import PareFormats

/// `pare apply --format gguf`: model.gguf for llama.cpp, from a GGUF input.
///
/// The input's metadata is kept in its order, with `general.file_type` set to the llama_ftype
/// llama.cpp's loader would guess from the tensors (the type most matrices have: q4_k is
/// MOSTLY_Q4_K_M, q3_k MOSTLY_Q3_K_M, ...) and `general.quantization_version` 2. Tensors keep the
/// input's order: a ggml-typed one as its blocks, an untouched one as stored (its type and
/// bytes), and one Pare compressed otherwise as its exact values, F16 when every value of a
/// matrix is exact in F16, else F32 (1-D tensors stay F32, as llama.cpp keeps norms). Low-rank
/// factors have no GGUF form and are refused.
public enum GGUFExport {
  /// The file name written.
  public static let fileName = "model.gguf"

  /// What an export of the input GGUF under `applied` holds.
  public struct Result {
    /// model.gguf.
    public let file: ExportFile
    /// Tensors written as exact F16/F32 values (their spec has no ggml type), for a warning.
    public let writtenExactly: [String]
  }

  /// The GGUF file of `model` (a GGUF) compressed by `applied`; refuses a Hugging Face input and
  /// low-rank specs (naming the tensors).
  public static func export(_ applied: AppliedPlan, model: ModelDirectory) throws -> Result {
    guard let gguf = model.gguf else {
      throw PackedModelError(file: model.path, "GGUF export needs a GGUF input; convert with llama.cpp's convert_hf_to_gguf.py first")
    }
    let lowRank = gguf.tensors.map(\.name).filter { applied.compressed[$0]?.factors != nil }
    if !lowRank.isEmpty {
      throw PackedModelError(file: gguf.path, "GGUF cannot store low-rank factors; plan another spec for "
        + lowRank.joined(separator: ", "))
    }
    var writer = GGUFWriter(metadata: gguf.metadata)
    var exact: [String] = []
    var types: [GGMLType] = []
    for info in gguf.tensors {
      let type: GGMLType, data: [UInt8]
      if let c = applied.compressed[info.name] {
        if let blocks = try ggmlBlocks(of: c, tensor: info.name, file: gguf.path) {
          (type, data) = blocks
        } else {
          let encoded = c.values.scalars.exactlyEncoded(preferring: info.shape.count >= 2 ? .f16 : .f32)
          (type, data) = (encoded.dtype == .f16 ? .f16 : .f32, encoded.bytes)
          exact.append(info.name)
        }
      } else {
        (type, data) = (info.type, gguf.withBytes(of: info) { Array($0) })
      }
      do {
        try writer.addTensor(info.name, shape: info.shape, type: type, data: data)
      } catch {
        throw PackedModelError(file: gguf.path, tensor: info.name, "\(error)")
      }
      if info.shape.count >= 2 { types.append(type) }
    }
    writer.set("general.file_type", .uint32(fileType(mostly: types)))
    writer.set("general.quantization_version", .uint32(2))
    return Result(file: ExportFile(name: fileName, chunks: writer.encoded()), writtenExactly: exact)
  }

  /// The ggml type of `spec`; nil when it is not a ggml spec.
  static func ggmlType(of spec: CompressionSpec) -> GGMLType? {
    guard let q = spec.quantize, q.scheme == .ggml else { return nil }
    return q.type
  }

  /// The ggml type and blocks of `c` when its spec is a ggml type; nil for any other spec.
  static func ggmlBlocks(of c: CompressedTensor, tensor: String, file: String) throws(PackedModelError) -> (GGMLType, [UInt8])? {
    guard let type = ggmlType(of: c.spec) else { return nil }
    guard c.factors == nil, let q = c.quantized, !q.ggmlBlocks.isEmpty else {
      throw PackedModelError(file: file, tensor: tensor, "its \(type.name) spec produced no ggml blocks")
    }
    return (type, q.ggmlBlocks)
  }

  /// llama.h's `llama_ftype` for a model whose matrices have `types`: as llama.cpp's loader
  /// guesses it, the type most of them have (the first to reach the largest count) names it.
  static func fileType(mostly types: [GGMLType]) -> UInt32 {
    var counts: [GGMLType: Int] = [:], best: GGMLType = .f32, bestCount = 0
    for type in types {
      counts[type, default: 0] += 1
      if counts[type, default: 0] > bestCount { (best, bestCount) = (type, counts[type, default: 0]) }
    }
    return switch best {
    case .f16: 1
    case .bf16: 32
    case .q4_0: 2
    case .q4_1: 3
    case .q5_0: 8
    case .q5_1: 9
    case .q8_0: 7
    case .q2_k: 10
    case .q3_k: 12
    case .q4_k: 15
    case .q5_k: 17
    case .q6_k: 18
    case .iq2_xxs: 19
    case .iq2_xs: 20
    case .iq3_xxs: 23
    case .iq1_s: 24
    case .iq4_nl: 25
    case .iq3_s: 26
    case .iq2_s: 28
    case .iq4_xs: 30
    case .iq1_m: 31
    case .tq1_0: 36
    case .tq2_0: 37
    case .nvfp4: 39
    case .q1_0: 40
    default: 0
    }
  }
}
