// libFuzzer target for the JSON files a user hands Pare besides the weights: compression plans
// and config.json (nothing on a file-input path may crash). Built by Fuzz/run.sh with the real
// PareFormats and PareCompression sources it exercises.
//
// The first byte picks the mode (modulo 3); the rest is the file:
// 0. a plan, loaded with `Plan.load` (StrictJSON, then Codable) and validated against the
//    scratch model's weights. Both must succeed or throw `PlanError` naming the plan file. A
//    validated plan must compress (prune, then quantize the tensor or its low-rank factors)
//    without trapping, and must survive its own export: the exported JSON loads, validates and
//    exports to the same bytes.
// 1. a sequential config.json, decoded as `SequentialConfig` and checked with
//    `activationShapes(weights:file:)`. Errors must be `ModelError` naming config.json; accepted
//    shapes must be one per layer plus the output, each non-empty, positive and within
//    `SequentialConfig.maximumSampleValues`.
// 2. a BERT config.json through `BertConfig.load(configData:file:weights:)`, under the same
//    error rule (or naming model.safetensors, for a tensor of the wrong shape or dtype); an
//    accepted config's heads must divide its width, its sequence length must be within its
//    position table, and every tensor it reads must be in the weights as declared.
// A broken promise traps, which libFuzzer reports like any crash.

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PareCore
import PareFormats

/// The scratch model directory, one per fuzzing process, inside the directory run.sh creates:
/// model.safetensors (written once, zeros) and, per plan input, plan.json.
private let scratch: String = {
  let path = fuzzScratchPath("plan-config", isDirectory: true)
  writeWeights(to: "\(path)/model.safetensors")
  return path
}()

/// The tensors of the scratch model: lenet-5's and tiny-bert's (so the bundled configs in
/// Fuzz/seeds-plan/ are valid), plus small ones of every kind a plan can meet: several dtypes,
/// a vector, a scalar, an empty matrix, an integer tensor.
private let tensorShapes: [(name: String, dtype: DType, shape: [Int])] = {
  let lenet: [(String, [Int])] = [
    ("conv1.weight", [6, 1, 5, 5]), ("conv1.bias", [6]), ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
    ("fc1.weight", [120, 400]), ("fc1.bias", [120]), ("fc2.weight", [84, 120]), ("fc2.bias", [84]),
    ("fc3.weight", [10, 84]), ("fc3.bias", [10]),
  ]
  let (hidden, intermediate) = (32, 64)
  var bert: [(String, [Int])] = [
    ("embeddings.word_embeddings.weight", [2969, hidden]), ("embeddings.position_embeddings.weight", [64, hidden]),
    ("embeddings.token_type_embeddings.weight", [2, hidden]),
    ("embeddings.LayerNorm.weight", [hidden]), ("embeddings.LayerNorm.bias", [hidden]),
  ]
  for layer in 0..<2 {
    let p = "encoder.layer.\(layer)"
    for (module, out, inputs) in [("attention.self.query", hidden, hidden), ("attention.self.key", hidden, hidden),
                                  ("attention.self.value", hidden, hidden), ("attention.output.dense", hidden, hidden),
                                  ("intermediate.dense", intermediate, hidden), ("output.dense", hidden, intermediate)] {
      bert += [("\(p).\(module).weight", [out, inputs]), ("\(p).\(module).bias", [out])]
    }
    for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
      bert += [("\(p).\(norm).weight", [hidden]), ("\(p).\(norm).bias", [hidden])]
    }
  }
  let small: [(String, DType, [Int])] = [
    ("w", .f32, [4, 6]), ("conv", .f32, [3, 2, 2, 2]), ("half", .f16, [5, 3]), ("brain", .bf16, [2, 8]),
    ("wide", .f64, [1, 9]), ("fp8", .f8E4M3, [2, 2]), ("vector", .f32, [7]), ("scalar", .f32, []),
    ("empty", .f32, [0, 3]), ("ids", .i64, [1, 4]),
  ]
  return (lenet + bert).map { ($0.0, DType.f32, $0.1) } + small.map { ($0.0, $0.1, $0.2) }
}()

/// Writes `tensorShapes` as a safetensors file of zeros.
private func writeWeights(to path: String) {
  var offset = 0
  var entries: [String] = []
  for (name, dtype, shape) in tensorShapes {
    let end = offset + Tensor.elementCount(shape) * dtype.byteSize
    entries.append(#""\#(name)": {"dtype": "\#(dtype.rawValue)", "shape": \#(shape), "data_offsets": [\#(offset), \#(end)]}"#)
    offset = end
  }
  let header = Array("{\(entries.joined(separator: ", "))}".utf8)
  let length = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }
  let image = Data(length + header + [UInt8](repeating: 0, count: offset))
  require(FileManager.default.createFile(atPath: path, contents: image), "cannot write \(path)")
}

/// The scratch model's weights, opened once.
private let weights: WeightStore = {
  do { return try WeightStore(file: "\(scratch)/model.safetensors") } catch { fatalError("the scratch weights do not open: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  guard let mode = input.first else { return 0 }
  let file = Data(input.dropFirst())
  switch mode % 3 {
  case 0: fuzzPlan(file)
  case 1: fuzzSequentialConfig(file)
  default: fuzzBertConfig(file)
  }
  return 0
}

private func fuzzPlan(_ json: Data) {
  let path = "\(scratch)/plan.json"
  write(json, to: path)
  let plan: Plan
  do {
    plan = try Plan.load(path: path)
    try plan.validate(against: weights, file: path)
  } catch {
    require(error.file == path && error.description.hasPrefix(path), "error does not name the plan: \(error)")
    return
  }
  for (name, spec) in plan.tensors { compress(name, spec) }
  checkExport(plan, path: path)
}

/// Runs a validated spec's pruning and quantization on its tensor (or, for low rank, quantizes
/// factors of the declared rank); a spec that does not fit its tensor traps in there. The SVD
/// itself needs LAPACK, which the fuzzer does not link.
private func compress(_ name: String, _ spec: CompressionSpec) {
  let tensor: Tensor
  do { tensor = try weights.tensor(named: name) } catch { fatalError("validated tensor \(name) does not decode: \(error)") }
  let (rows, columns) = tensor.matrixShape
  var values = tensor.scalars
  var kept: [Bool]?
  if let prune = spec.prune { (values, kept) = Pruner.prune(values, rows: rows, columns: columns, spec: prune) }
  guard let quantize = spec.quantize else { return }
  if let lowrank = spec.lowrank {
    let rank = lowrank.rank ?? min(rows, columns)
    _ = Quantizer.quantize([Float](repeating: 0, count: rows * rank), rows: rows, columns: rank, spec: quantize)
    _ = Quantizer.quantize([Float](repeating: 0, count: rank * columns), rows: rank, columns: columns, spec: quantize)
  } else {
    let quantized = Quantizer.quantize(values, rows: rows, columns: columns, spec: quantize, kept: kept)
    require(quantized.values.count == values.count, "\(name): quantized \(quantized.values.count) of \(values.count) values")
  }
}

/// A validated plan exports (as `pare apply` writes it) to JSON that loads and validates again,
/// and exporting that gives the same bytes.
private func checkExport(_ plan: Plan, path: String) {
  do {
    let exported = try plan.jsonData()
    write(exported, to: path)
    let reloaded = try Plan.load(path: path)
    try reloaded.validate(against: weights, file: path)
    require(try reloaded.jsonData() == exported, "the exported plan exports differently once reloaded")
  } catch {
    fatalError("a validated plan does not survive its export: \(error)")
  }
}

private func fuzzSequentialConfig(_ json: Data) {
  let config: SequentialConfig
  do { config = try JSONDecoder().decode(SequentialConfig.self, from: json) } catch {
    _ = DecodingError.summary(error)  // `pare` prints this as the ModelError's message
    return
  }
  let shapes: [[Int]]
  do { shapes = try config.activationShapes(weights: weights, file: configPath) } catch {
    requireNames(error, [configPath])
    return
  }
  require(shapes.count == config.layers.count + 1, "\(shapes.count) shapes for \(config.layers.count) layers")
  for shape in shapes {
    require(!shape.isEmpty && shape.allSatisfy({ $0 > 0 }), "accepted a non-positive activation shape \(shape)")
    require(shape.reduce(1, *) <= SequentialConfig.maximumSampleValues, "accepted an activation of \(shape) past the limit")
  }
}

private func fuzzBertConfig(_ json: Data) {
  let bert: BertConfig
  do { bert = try BertConfig.load(configData: json, file: configPath, weights: weights) } catch {
    // A tensor present but malformed is the weights file's fault, and named so.
    requireNames(error, [configPath, "\(scratch)/model.safetensors"])
    return
  }
  require(bert.headSize * bert.numAttentionHeads == bert.hiddenSize && bert.headSize > 0, "heads do not divide the width")
  require((1...bert.maxPositionEmbeddings).contains(bert.maxSequenceLength), "sequence length \(bert.maxSequenceLength) outside the position table")
  for (name, shape) in bert.tensorShapes {
    require(weights.entry(named: name)?.shape == shape, "accepted config reads \(name) as \(shape), not as stored")
  }
}

/// Where config.json would be, for messages and (BERT) the sentence-transformers files beside
/// it, of which there are none. Its bytes are given as data, as `ModelDirectory` hands them to
/// the families; the directory is not reopened per input, as that reads the weights' header
/// each time, a hundred times the cost of the config.
private var configPath: String { "\(scratch)/config.json" }

private func requireNames(_ error: ModelError, _ files: [String]) {
  require(files.contains(error.file) && error.description.hasPrefix(error.file), "error does not name one of \(files): \(error)")
}

private func write(_ data: Data, to path: String) {
  require(FileManager.default.createFile(atPath: path, contents: data), "cannot write \(path)")
}

/// Traps with `message` when `condition` is false: a bug for libFuzzer to report.
private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
  if !condition { fatalError(message()) }
}
