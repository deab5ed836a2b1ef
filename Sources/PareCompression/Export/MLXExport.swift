import Foundation
import PareCore
import PareFormats

/// `pare apply --format mlx`: the model in MLX's affine quantization, as mlx-lm loads it.
///
/// Each quantized module `m` stores `m.weight` (uint32: per row, codes of `bits` bits as a
/// little-endian bit stream), `m.scales` and `m.biases` ([rows, columns / group]), with
/// w = scale·q + bias over q in 0…2^bits − 1: asymmetric codes as they are with bias =
/// −zero·scale; symmetric codes offset by 2^(bits−1) with bias = −2^(bits−1)·scale. MLX groups
/// are 32, 64 or 128 elements of a row; a channel or tensor spec repeats its scale over the
/// row's groups (the largest of those sizes that divides the row), which is exact too.
///
/// Scales and biases are F32: both products are then exact in MLX's arithmetic, which computes
/// in the scales' dtype (with F16 or BF16 scales, scale·q + bias rounds twice and measured
/// values differed from the exact ones).
public enum MLXExport {
  static let format = "mlx"
  /// The group sizes MLX quantizes with.
  static let groupSizes = [32, 64, 128]

  /// config.json (the model's, with mlx-lm's `quantization` and `quantization_config`: the most
  /// common group size and bits, and an entry for every module that differs) and
  /// model.safetensors; refuses a planned tensor MLX cannot store exactly, naming it and why.
  public static func files(_ applied: AppliedPlan, model: ModelDirectory) throws -> [ExportFile] {
    let weights = model.weights
    var layers: [(module: String, grid: ExportedIntTensor, groupSize: Int)] = []
    var byName: [String: (grid: ExportedIntTensor, groupSize: Int)] = [:]
    for entry in weights.entries {
      guard let c = applied.compressed[entry.name] else { continue }
      let file = weights.path(of: entry.name) ?? model.path
      let grid = try ExportedIntTensor(c, entry: entry, file: file, format: format)
      let module = try grid.moduleName(file: file, format: format)
      let groupSize = try groupSize(of: grid, file: file)
      layers.append((module, grid, groupSize))
      byName[entry.name] = (grid, groupSize)
    }

    let writer = try PackedModel.assemble(weights, compressed: applied.compressed, metadata: weights.metadata) { entry, _, _ in
      guard let (grid, groupSize) = byName[entry.name] else { return [] }
      return try parts(of: grid, module: String(entry.name.dropLast(".weight".count)), groupSize: groupSize)
    }
    // The global setting is the most common (group size, bits); ties go to the first seen.
    var counts: [[Int]: Int] = [:], firstSeen: [[Int]] = []
    for layer in layers {
      let key = [layer.groupSize, layer.grid.bits]
      if counts[key] == nil { firstSeen.append(key) }
      counts[key, default: 0] += 1
    }
    var quantization: [String: Any] = ["group_size": 64, "bits": 4, "mode": "affine"]
    if let global = firstSeen.max(by: { counts[$0, default: 0] < counts[$1, default: 0] }) {
      (quantization["group_size"], quantization["bits"]) = (global[0], global[1])
      for layer in layers where [layer.groupSize, layer.grid.bits] != global {
        quantization[layer.module] = ["group_size": layer.groupSize, "bits": layer.grid.bits, "mode": "affine"] as [String: Any]
      }
    }
    let config = try ExportConfig.adding([("quantization", quantization), ("quantization_config", quantization)],
                                         to: model, format: format)
    return [ExportFile(name: "config.json", chunks: [config]), ExportFile(name: "model.safetensors", chunks: try writer.serialized())]
  }

  /// MLX's group size for `grid`: its own (32, 64 or 128, dividing the rows), or for a channel
  /// or tensor spec the largest of those dividing the rows.
  static func groupSize(of grid: ExportedIntTensor, file: String) throws(PackedModelError) -> Int {
    func refuse(_ why: String) -> PackedModelError { PackedModelError(file: file, tensor: grid.name, "mlx cannot store it: \(why)") }
    switch grid.spec.granularity {
    case .group:
      let size = grid.spec.groupSize ?? grid.columns
      guard groupSizes.contains(size) else { throw refuse("MLX groups are 32, 64 or 128 elements, not \(size)") }
      guard grid.columns % size == 0 else { throw refuse("its rows of \(grid.columns) are not whole groups of \(size)") }
      return size
    case .channel, .tensor:
      guard let size = groupSizes.reversed().first(where: { grid.columns % $0 == 0 }) else {
        throw refuse("its rows of \(grid.columns) are not whole groups of 32, 64 or 128")
      }
      return size
    }
  }

  /// The tensors replacing `module`.weight.
  static func parts(of grid: ExportedIntTensor, module: String, groupSize: Int) throws -> [PackedPart] {
    let half = Int32(1 << (grid.bits - 1))
    let packed = grid.packedRows(offset: grid.spec.symmetric ? half : 0)
    let groupsPerRow = grid.columns / groupSize
    var scales = [Float](), biases = [Float]()
    scales.reserveCapacity(grid.rows * groupsPerRow)
    biases.reserveCapacity(grid.rows * groupsPerRow)
    for r in 0..<grid.rows {
      for k in 0..<groupsPerRow {
        // Pare's group holding this MLX group's first element.
        let element = r * grid.columns + k * groupSize
        let g = grid.layout.isWholeTensor ? 0 : r * grid.layout.groupsPerRow + (element - r * grid.columns) / grid.layout.groupSize
        let scale = grid.scales[g], zero = grid.spec.symmetric ? half : grid.zeroPoints[g]
        scales.append(scale)
        biases.append(-Float(zero) * scale)
      }
    }
    let shape = [grid.rows, groupsPerRow]
    return [
      PackedPart(name: module + ".weight", dtype: .u32, shape: [grid.rows, packed.wordsPerRow], bytes: packed.bytes),
      PackedPart(name: module + ".scales", dtype: .f32, shape: shape, bytes: try Tensor(shape: shape, scalars: scales).encoded(as: .f32)),
      PackedPart(name: module + ".biases", dtype: .f32, shape: shape, bytes: try Tensor(shape: shape, scalars: biases).encoded(as: .f32)),
    ]
  }
}
