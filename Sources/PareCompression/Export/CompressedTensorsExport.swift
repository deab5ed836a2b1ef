import Foundation
import PareCore
import PareFormats

/// `pare apply --format compressed-tensors`: the model in compressed-tensors' `pack-quantized`
/// format, which vLLM and transformers load (compressed-tensors 0.20's `PackedQuantizationCompressor`).
///
/// Each quantized Linear `m` stores `m.weight_packed` (int32: per row, the codes offset to
/// unsigned, q + 2^(bits−1), as a little-endian bit stream), `m.weight_scale` ([rows, 1] per
/// channel, [rows, groups] per group, [1] per tensor), `m.weight_shape` (int64) and, when
/// asymmetric, `m.weight_zero_point` (zero − 2^(bits−1): packed along the rows into int32 per
/// channel or group, one int8 per tensor). compressed-tensors dequantizes in the scale's dtype,
/// (q − zero)·scale, so the scales are stored in the tensor's own dtype when every one is exact
/// there (the product is then rounded once, to exactly Pare's drop-in value) and in F32 otherwise.
public enum CompressedTensorsExport {
  static let format = "compressed-tensors"

  /// config.json (the model's, with `quantization_config`) and model.safetensors; refuses a
  /// planned tensor compressed-tensors cannot store exactly, naming it and why.
  public static func files(_ applied: AppliedPlan, model: ModelDirectory) throws -> [ExportFile] {
    let weights = model.weights
    var grids: [String: ExportedIntTensor] = [:]
    var groups: [QuantizeSpec: [String]] = [:], order: [QuantizeSpec] = []
    var untouchedLinears: [String] = []
    for entry in weights.entries {
      let file = weights.path(of: entry.name) ?? model.path
      guard let c = applied.compressed[entry.name] else {
        if entry.shape.count == 2, entry.name.hasSuffix(".weight"), !entry.name.contains("embed") {
          untouchedLinears.append(String(entry.name.dropLast(".weight".count)))
        }
        continue
      }
      let grid = try ExportedIntTensor(c, entry: entry, file: file, format: format)
      let module = try grid.moduleName(file: file, format: format)
      if grid.spec.granularity == .group, let size = grid.spec.groupSize, grid.columns % size != 0 {
        throw PackedModelError(file: file, tensor: entry.name,
                               "\(format) cannot store it: its rows of \(grid.columns) are not whole groups of \(size)")
      }
      let key = canonical(grid.spec)
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(module)
      grids[entry.name] = grid
    }

    let writer = try PackedModel.assemble(weights, compressed: applied.compressed, metadata: weights.metadata) { entry, _, _ in
      guard let grid = grids[entry.name] else { return [] }
      return parts(of: grid, module: String(entry.name.dropLast(".weight".count)), dtype: entry.dtype)
    }
    var configGroups: [String: Any] = [:]
    for (i, spec) in order.enumerated() {
      configGroups["group_\(i)"] = [
        "targets": groups[spec] ?? [], "weights": arguments(spec),
        "input_activations": NSNull(), "output_activations": NSNull(), "format": NSNull(),
      ] as [String: Any]
    }
    let quantization: [String: Any] = [
      "quant_method": "compressed-tensors", "format": "pack-quantized", "quantization_status": "compressed",
      "config_groups": configGroups, "ignore": untouchedLinears, "kv_cache_scheme": NSNull(),
      "global_compression_ratio": NSNull(),
    ]
    let config = try ExportConfig.adding([("quantization_config", quantization)], to: model, format: format)
    return [ExportFile(name: "config.json", chunks: [config]), ExportFile(name: "model.safetensors", chunks: try writer.serialized())]
  }

  /// The spec as compressed-tensors tells specs apart (a group size only for group granularity).
  static func canonical(_ spec: QuantizeSpec) -> QuantizeSpec {
    QuantizeSpec(scheme: .int, bits: spec.bits, granularity: spec.granularity,
                 groupSize: spec.granularity == .group ? spec.groupSize : nil, symmetric: spec.symmetric)
  }

  /// compressed-tensors' `QuantizationArgs` of an int spec.
  static func arguments(_ spec: QuantizeSpec) -> [String: Any] {
    [
      "num_bits": spec.bits ?? 8, "type": "int", "symmetric": spec.symmetric, "strategy": spec.granularity.rawValue,
      "group_size": spec.granularity == .group ? (spec.groupSize as Any? ?? NSNull()) : NSNull(), "dynamic": false,
    ]
  }

  /// The tensors replacing `module`.weight.
  static func parts(of grid: ExportedIntTensor, module: String, dtype: DType) -> [PackedPart] {
    let half = Int32(1 << (grid.bits - 1))
    let packed = grid.packedRows(offset: grid.spec.symmetric ? half : 0)
    let scaleShape = switch grid.spec.granularity {
    case .tensor: [1]
    case .channel: [grid.rows, 1]
    case .group: [grid.rows, grid.layout.groupsPerRow]
    }
    let scales = grid.scales.exactlyEncoded(preferring: dtype)
    var parts = [
      PackedPart(name: module + ".weight_packed", dtype: .i32, shape: [grid.rows, packed.wordsPerRow], bytes: packed.bytes),
      PackedPart(name: module + ".weight_scale", dtype: scales.dtype, shape: scaleShape, bytes: scales.bytes),
    ]
    if !grid.spec.symmetric {
      if grid.spec.granularity == .tensor {
        parts.append(PackedPart(name: module + ".weight_zero_point", dtype: .i8, shape: [1],
                                bytes: [UInt8(truncatingIfNeeded: grid.zeroPoints[0] - half)]))
      } else {
        // Packed along the rows: the [rows, groups] zero-points transposed, each column a stream.
        let columns = grid.layout.groupsPerRow
        let transposed = ExportedIntTensor.packedColumns(grid.zeroPoints, rows: grid.rows, columns: columns, bits: grid.bits)
        parts.append(PackedPart(name: module + ".weight_zero_point", dtype: .i32, shape: [transposed.words, columns], bytes: transposed.bytes))
      }
    }
    parts.append(PackedPart(name: module + ".weight_shape", dtype: .i64, shape: [2],
                            bytes: [grid.rows, grid.columns].flatMap { withUnsafeBytes(of: Int64($0).littleEndian) { Array($0) } }))
    return parts
  }
}
