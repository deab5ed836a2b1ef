import Foundation
import PareCompression
import PareCore
import PareTerminal
import PareTestSupport
import PareWorkbench
@testable import PareTUI

/// Explorer states built by hand from deterministic synthetic data, for the view's golden
/// screens and focused tests: a lenet-300-100 with a plan and computed details, and a 104-tensor
/// BERT-like model whose long names exercise eliding and scrolling.
enum Fixtures {
  /// lenet-300-100 with fc1 pruned and quantized, fc2 low-rank, fc3 2:4, fc1.weight selected.
  static func lenet(width: Int = 80, height: Int = 24, view: DetailView = .histogram, selection: String = "fc1.weight",
                    glyphs: Glyphs = .unicode) -> ExplorerState {
    var state = lenetBase
    (state.width, state.height, state.detailView, state.selection, state.glyphs) = (width, height, view, selection, glyphs)
    return state
  }

  /// The BERT-like model at 160 x 48 with a tensor near the bottom selected.
  static func bert(width: Int = 160, height: Int = 48) -> ExplorerState {
    var state = bertBase
    (state.width, state.height) = (width, height)
    return state
  }

  /// The tensor selected in `bert()`.
  static let bertSelection = "encoder.layer.5.attention.output.dense.weight"

  // MARK: - lenet-300-100

  private static let lenetBase: ExplorerState = {
    let fc1 = Synthetic(name: "fc1.weight", shape: [300, 784], std: 0.043, seed: 1,
                        spec: CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(bits: 4)))
    let fc2 = Synthetic(name: "fc2.weight", shape: [100, 300], std: 0.07, seed: 2,
                        spec: CompressionSpec(lowrank: LowRankSpec(rank: 32), quantize: QuantizeSpec(bits: 8)))
    let fc3 = Synthetic(name: "fc3.weight", shape: [10, 100], std: 0.2, seed: 3,
                        spec: CompressionSpec(prune: .nm(2, 4)))
    let tensors = [
      fc1, Synthetic(name: "fc1.bias", shape: [300], std: 0.02, seed: 4, spec: nil),
      fc2, Synthetic(name: "fc2.bias", shape: [100], std: 0.03, seed: 5, spec: nil),
      fc3, Synthetic(name: "fc3.bias", shape: [10], std: 0.05, seed: 6, spec: nil),
    ]
    var state = ExplorerState(modelName: "lenet-300-100", rows: tensors.map(\.row), width: 80, height: 24)
    state.plan = plan(for: tensors.map(\.row))
    state.compressedBytes = state.rows.reduce(0) { $0 + $1.currentBytes }
    state.metric = accuracyMetric(0.942, baseline: 0.945, agreement: 0.9861, meanKL: 0.0123)
    state.canEvaluate = true
    state.canUndo = true
    state.isExported = false
    state.details = Dictionary(uniqueKeysWithValues: tensors.map { ($0.row.name, $0.detail) })
    state.sensitivity = .computed(lenetSensitivity)
    return state
  }()

  /// lenet-300-100's sensitivity to the default candidates: the accuracy changes `pare
  /// sensitivity` measured (README), sizes from each candidate's storage, and a KL divergence
  /// made up to grow with the loss and the bits removed.
  static let lenetSensitivity: SensitivityTable = {
    let candidates = Candidate.sensitivityDefaults
    let points: [(SensitivityTensor, [Double])] = [
      (SensitivityTensor(name: "fc1.weight", shape: [300, 784], bytes: 940_800),
       [-2.4, -0.3, -0.2, 0, 0, 0.2, 0, 0.1, -0.1, 0.1, -1.6]),
      (SensitivityTensor(name: "fc2.weight", shape: [100, 300], bytes: 120_000),
       [-6.7, -0.3, 0.1, -0.1, 0, -0.1, -0.1, -0.1, 0, -0.3, -3.1]),
      (SensitivityTensor(name: "fc3.weight", shape: [10, 100], bytes: 4_000),
       [-2.0, -0.3, -0.1, 0, 0, -74.6, -54.5, -6.8, 0.2, -1.7, -13.0]),
    ]
    let baseline = 0.945
    var cells: [SensitivityCell] = []
    for (tensor, changes) in points {
      let (rows, params) = (tensor.shape[0], tensor.shape.reduce(1, *))
      for (candidate, change) in zip(candidates, changes) {
        let spec = candidate.spec(forShape: tensor.shape)
        var bytes = params * 4
        if let bits = spec.quantize?.bits { bytes = params * bits / 8 + rows * 2 }
        if let rank = spec.lowrank?.rank { bytes = rank * (rows + params / rows) * 4 }
        if let kept = spec.prune?.sparsity.map({ 1 - $0 }) { bytes = Int(Double(params) * kept) * 4 + params / 8 }
        let divergence = 2e-5 * Double(32 - (spec.quantize?.bits ?? 24)) + 4e-3 * max(0, -change)
        cells.append(SensitivityCell(tensor: tensor.name, candidate: candidate, spec: spec, bytes: bytes,
                                     value: baseline + change / 100, agreement: nil, meanKL: divergence))
      }
    }
    return SensitivityTable(metric: SequentialClassifier.metric, baseline: baseline, tensors: points.map(\.0), candidates: candidates,
                            cells: cells)
  }()

  // MARK: - BERT-like

  private static let bertBase: ExplorerState = {
    var rows: [TensorRow] = []
    func add(_ name: String, _ shape: [Int], _ spec: CompressionSpec? = nil, dtype: DType = .f32) {
      let params = shape.reduce(1, *)
      let bytes = params * dtype.byteSize
      rows.append(TensorRow(name: name, shape: shape, dtype: dtype, params: params, originalBytes: bytes,
                            currentBytes: spec.map { estimatedBytes($0, params: params, rows: shape[0]) } ?? bytes,
                            spec: spec, sqnrDecibels: spec.map(estimatedSQNR),
                            isCompressible: dtype.isFloatingPoint))
    }
    let int8 = QuantizeSpec(bits: 8)
    add("embeddings.word_embeddings.weight", [30522, 768],
        CompressionSpec(quantize: QuantizeSpec(scheme: .codebook, bits: 4, granularity: .tensor)))
    add("embeddings.position_embeddings.weight", [512, 768], CompressionSpec(quantize: QuantizeSpec(scheme: .fp16)))
    add("embeddings.token_type_embeddings.weight", [2, 768], CompressionSpec(quantize: QuantizeSpec(scheme: .bf16)))
    add("embeddings.position_ids", [1, 512], dtype: .i64)
    add("embeddings.LayerNorm.weight", [768])
    add("embeddings.LayerNorm.bias", [768])
    for layer in 0..<6 {
      let prefix = "encoder.layer.\(layer)."
      add(prefix + "attention.self.query.weight", [768, 768],
          layer == 5 ? CompressionSpec(lowrank: LowRankSpec(rank: 32)) : CompressionSpec(quantize: int8))
      add(prefix + "attention.self.query.bias", [768])
      add(prefix + "attention.self.key.weight", [768, 768],
          layer == 2 ? CompressionSpec(prune: .nm(2, 4))
            : CompressionSpec(quantize: QuantizeSpec(bits: 8, granularity: .tensor)))
      add(prefix + "attention.self.key.bias", [768])
      add(prefix + "attention.self.value.weight", [768, 768],
          layer == 3 ? CompressionSpec(prune: .magnitude(0.9))
            : CompressionSpec(quantize: QuantizeSpec(bits: 4, symmetric: false)))
      add(prefix + "attention.self.value.bias", [768])
      add(prefix + "attention.output.dense.weight", [768, 768],
          CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .group, groupSize: 64)))
      add(prefix + "attention.output.dense.bias", [768])
      add(prefix + "attention.output.LayerNorm.weight", [768])
      add(prefix + "attention.output.LayerNorm.bias", [768])
      add(prefix + "intermediate.dense.weight", [3072, 768], layer.isMultiple(of: 2)
          ? CompressionSpec(prune: .magnitude(0.9), quantize: QuantizeSpec(scheme: .codebook, bits: 4))
          : CompressionSpec(prune: .nm(2, 4), quantize: int8))
      add(prefix + "intermediate.dense.bias", [3072])
      add(prefix + "output.dense.weight", [768, 3072], layer < 3
          ? CompressionSpec(lowrank: LowRankSpec(rank: 32), quantize: int8)
          : CompressionSpec(lowrank: LowRankSpec(energy: 0.9)))
      add(prefix + "output.dense.bias", [768])
      add(prefix + "output.LayerNorm.weight", [768])
      add(prefix + "output.LayerNorm.bias", [768])
    }
    add("pooler.dense.weight", [768, 768], CompressionSpec(quantize: QuantizeSpec(scheme: .fp8E4M3)))
    add("pooler.dense.bias", [768])

    var state = ExplorerState(modelName: "bert-base-uncased-6l", rows: rows, width: 160, height: 48)
    state.plan = plan(for: rows)
    state.compressedBytes = rows.reduce(0) { $0 + $1.currentBytes }
    state.selection = bertSelection
    state.scrollOffset = 0
    state.canEvaluate = false
    let selected = Synthetic(name: bertSelection, shape: [768, 768], std: 0.03, seed: 7,
                             spec: CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .group, groupSize: 64)))
    state.details = [bertSelection: selected.detail]
    return state
  }()

  /// A made-up sensitivity map of the BERT-like model's 40 matrices, measured as fidelity: each
  /// tensor's sensitivity times each default candidate's severity, with some noise.
  static let bertSensitivity: SensitivityTable = {
    let tensors = bertBase.rows.filter { $0.shape.count >= 2 && $0.dtype.isFloatingPoint }
      .map { SensitivityTensor(name: $0.name, shape: $0.shape, bytes: $0.originalBytes) }
    // int2 int3 int4 int6 int8 rank/8 rank/4 rank/2 prune50 prune75 prune90
    let severity = [8, 1.5, 0.6, 0.1, 0.02, 12, 6, 2, 0.3, 1.5, 6]
    var random = FixtureRandom(seed: 11)
    var cells: [SensitivityCell] = []
    for tensor in tensors {
      let sensitivity = 0.2 + 2 * random.uniform()
      for (candidate, severity) in zip(Candidate.sensitivityDefaults, severity) {
        let change = -sensitivity * severity * (0.5 + random.uniform())
        cells.append(SensitivityCell(tensor: tensor.name, candidate: candidate, spec: candidate.spec(forShape: tensor.shape),
                                     bytes: tensor.bytes / 4, value: 1 + change / 100, agreement: nil, meanKL: nil))
      }
    }
    return SensitivityTable(metric: SentenceEncoder.metric, baseline: 1, tensors: tensors, candidates: Candidate.sensitivityDefaults,
                            cells: cells)
  }()

  /// The plan giving each row its spec.
  private static func plan(for rows: [TensorRow]) -> Plan {
    Plan(tensors: Dictionary(uniqueKeysWithValues: rows.compactMap { row in row.spec.map { (row.name, $0) } }))
  }

  /// A plausible compressed size: bits per stored value, a 16-bit scale per row, masks.
  private static func estimatedBytes(_ spec: CompressionSpec, params: Int, rows: Int) -> Int {
    var stored = Double(params)
    var extraBits = 0.0
    if let lowrank = spec.lowrank {
      let rank = Double(lowrank.rank ?? 96)
      stored = rank * (Double(rows) + Double(params / max(rows, 1)))
    }
    if let prune = spec.prune {
      stored *= prune.method == .nm ? 0.5 : 1 - (prune.sparsity ?? 0)
      extraBits += prune.method == .nm ? stored * 2 : Double(params)
    }
    let bitsPerValue: Double
    switch spec.quantize?.scheme {
    case .int?, .codebook?: bitsPerValue = Double(spec.quantize?.bits ?? 8)
    case .fp8E4M3?, .fp8E5M2?: bitsPerValue = 8
    case .fp16?, .bf16?: bitsPerValue = 16
    case .ggml?: bitsPerValue = spec.quantize?.type?.bitsPerWeight ?? 8
    case nil: bitsPerValue = 32
    }
    let scales = spec.quantize == nil ? 0 : Double(rows) * 16
    return Int(((stored * bitsPerValue + extraBits + scales) / 8).rounded(.up))
  }

  /// A plausible SQNR for a spec, from its narrowest step.
  private static func estimatedSQNR(_ spec: CompressionSpec) -> Double {
    var decibels = 90.0
    if let bits = spec.quantize?.bits { decibels = min(decibels, 6.02 * Double(bits) - 4.3) }
    switch spec.quantize?.scheme {
    case .fp8E4M3?: decibels = min(decibels, 31.4)
    case .fp16?: decibels = min(decibels, 73.8)
    case .bf16?: decibels = min(decibels, 49.7)
    default: break
    }
    if spec.lowrank != nil { decibels = min(decibels, 14.2) }
    if let prune = spec.prune { decibels = min(decibels, prune.method == .nm ? 11.8 : 4.6) }
    return decibels
  }
}

/// A deterministic 64-bit linear congruential generator (Knuth's MMIX constants).
struct FixtureRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }

  /// Uniform in [0, 1).
  mutating func uniform() -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / 9_007_199_254_740_992
  }

  /// Bell-shaped with mean 0 and standard deviation 1: the sum of four uniforms, rescaled.
  mutating func bell() -> Double {
    (uniform() + uniform() + uniform() + uniform() - 2) * 3.0.squareRoot()
  }
}

/// One synthetic weight tensor: values, the spec applied to them (magnitude or 2:4 pruning, a
/// stand-in for low rank, symmetric per-channel int quantization), and the resulting table row
/// and detail.
struct Synthetic {
  let row: TensorRow
  let detail: TensorDetail

  init(name: String, shape: [Int], std: Double, seed: UInt64, spec: CompressionSpec?) {
    var random = FixtureRandom(seed: seed)
    let count = shape.reduce(1, *)
    let rows = shape.count >= 2 ? shape[0] : 1
    let columns = count / rows
    // Rows differ in scale, as trained layers' output channels do.
    let rowScales = (0..<rows).map { _ in 0.6 + 0.8 * random.uniform() }
    let original = (0..<count).map { i in Float(random.bell() * std * rowScales[i / columns]) }
    var values = original
    var threshold: Float?
    var kept = Array(repeating: true, count: count)

    if let prune = spec?.prune {
      switch prune.method {
      case .magnitude:
        let magnitudes = values.map(abs).sorted()
        let cut = magnitudes[Int(Double(count) * (prune.sparsity ?? 0))]
        for i in values.indices where abs(values[i]) < cut { kept[i] = false }
        threshold = cut
      case .nm:
        for block in stride(from: 0, to: count, by: 4) {
          let indices = (block..<min(block + 4, count)).sorted { abs(values[$0]) < abs(values[$1]) }
          for i in indices.prefix(max(indices.count - 2, 0)) { kept[i] = false }
        }
      }
      for i in values.indices where !kept[i] { values[i] = 0 }
    }
    if spec?.lowrank != nil {
      // A stand-in for the rank cut: the values shrink toward their row means.
      for r in 0..<rows {
        let slice = (r * columns)..<((r + 1) * columns)
        let mean = values[slice].reduce(0, +) / Float(columns)
        for i in slice { values[i] = mean + (values[i] - mean) * 0.82 }
      }
    }
    var gridLevels: [Float] = []
    var scaleCount = 0
    if let quantize = spec?.quantize, quantize.scheme == .int {
      let levels = (1 << ((quantize.bits ?? 8) - 1)) - 1
      var widest: Float = 0
      for r in 0..<rows {
        let slice = (r * columns)..<((r + 1) * columns)
        let scale = max(values[slice].map(abs).max() ?? 0, 1e-12) / Float(levels)
        widest = max(widest, scale)
        for i in slice { values[i] = (values[i] / scale).rounded() * scale }
      }
      gridLevels = (-levels...levels).map { Float($0) * widest }
      scaleCount = rows
    }

    let stored = kept.reduce(0) { $0 + ($1 ? 1 : 0) }
    var storage: StorageCost?
    var relativeMSE: Double?
    var sqnr: Double?
    if let spec {
      let valueBits = spec.quantize.map { $0.bits ?? 8 } ?? 32
      var bits = stored * valueBits + scaleCount * 16
      // Low rank 32 stores 32 x (rows + columns) values instead of rows x columns.
      if spec.lowrank != nil { bits = bits * 32 * (rows + columns) / count }
      switch spec.prune?.method {
      case .magnitude?: bits += count
      case .nm?: bits += stored * 2
      case nil: break
      }
      storage = StorageCost(bits: bits, entropyCodedBits: Double(bits) * 0.87)
      var error = 0.0, energy = 0.0
      for (x, y) in zip(original, values) {
        error += Double(x - y) * Double(x - y)
        energy += Double(x) * Double(x)
      }
      relativeMSE = error / energy
      sqnr = -10 * log10(error / energy)
    }
    let dtype = DType.f32
    row = TensorRow(name: name, shape: shape, dtype: dtype, params: count, originalBytes: count * dtype.byteSize,
                    currentBytes: storage?.bytes, spec: spec, sqnrDecibels: sqnr)

    let edges = Histogram.uniformEdges(lower: original.min() ?? 0, upper: original.max() ?? 0, bins: 128)
    let smaller = min(rows, columns)
    // A decaying spectrum: a few strong directions over a slowly falling floor.
    let singularValues: [Float]? = shape.count >= 2
      ? (0..<smaller).map { i in
        let decay = 2.5 / (1 + Double(i) / 6) + 0.35 * (1 - Double(i) / Double(smaller))
        return Float(std * Double(columns).squareRoot() * decay)
      }
      : nil
    let rowZeros = (0..<rows).map { r in
      Double(values[(r * columns)..<((r + 1) * columns)].reduce(0) { $0 + ($1 == 0 ? 1 : 0) }) / Double(columns)
    }
    detail = TensorDetail(
      original: TensorStatistics(original),
      compressed: spec == nil ? nil : TensorStatistics(values),
      percentiles: TensorStatistics.percentiles(of: original, [1, 5, 25, 50, 75, 95, 99]),
      histogramEdges: edges,
      originalCounts: Histogram(values: original, edges: edges).counts,
      compressedCounts: spec == nil ? nil : Histogram(values: values, edges: edges).counts,
      gridLevels: gridLevels,
      pruneThreshold: spec?.prune?.method == .magnitude ? threshold : nil,
      singularValues: singularValues,
      rank: spec?.lowrank?.rank,
      rowZeroFractions: rowZeros,
      storage: storage,
      relativeMSE: relativeMSE)
  }
}
