import Benchmark
import Foundation
import PareCompression
import PareCore
import PareEngine
import PareFormats
import PareTUI
import PareWorkbench

/// A 100-tensor explorer state with BERT-like names, specs and a selected tensor's detail.
func hundredTensorState() -> ExplorerState {
  var rows: [TensorRow] = []
  for layer in 0..<12 {
    for part in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                 "intermediate.dense", "output.dense", "attention.output.LayerNorm", "output.LayerNorm"] {
      rows.append(TensorRow(name: "encoder.layer.\(layer).\(part).weight", shape: [384, 384], dtype: .f32,
                            params: 147_456, originalBytes: 589_824))
    }
  }
  rows += (0..<4).map { TensorRow(name: "embeddings.extra.\($0).weight", shape: [384], dtype: .f32, params: 384, originalBytes: 1536) }
  for i in stride(from: 0, to: rows.count, by: 3) {
    rows[i].spec = CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .group, groupSize: 64))
    rows[i].sqnrDecibels = 19.5
  }
  var state = ExplorerState(modelName: "all-MiniLM-L6-v2", rows: rows, width: 160, height: 48)
  let tensor = Tensor(shape: [384, 384]) { out in
    for i in 0..<out.count { out[i] = sin(Float(i) * 0.37) * 0.05 }
  }
  state.selection = rows[60].name
  state.details[rows[60].name] = TensorDetail(
    original: tensor, singularValues: (try? LinearAlgebra.singularValues(of: tensor)) ?? [])
  return state
}

func explorerBenchmarks() {
  Benchmark("render a 160x48 frame, 100 tensors", configuration: .init(metrics: [.wallClock], maxDuration: .seconds(3))) { benchmark, state in
    for _ in benchmark.scaledIterations { blackHole(render(state)) }
  } setup: {
    hundredTensorState()
  }

  // From an edit of one tensor's bits to the new accuracy, through the Session API with the
  // real evaluator. Each iteration opens a session (not measured), then times one edit that
  // lowers fc1.weight's bits until the new accuracy is known.
  Benchmark("edit fc1.weight bits -> new accuracy (lenet-300-100, 1000 images)",
            configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10), maxIterations: 40)) { benchmark in
    let (model, evaluator, compression) = try lenet300Evaluator()
    let session = try Session(model: model, evaluator: evaluator, compression: compression)
    try timeEdit(benchmark, session: session, tensor: "fc1.weight", spec: CompressionSpec(quantize: QuantizeSpec(bits: 4)))
  }
}

/// Times one edit through the Session API, from `setSpec` until the new metric is known (the
/// session's first evaluation, of its initial plan, is waited for first and not timed).
func timeEdit(_ benchmark: Benchmark, session: Session, tensor: String, spec: CompressionSpec) throws {
  func settle() {
    while session.isApplying || session.isEvaluating {
      session.receiveResults()
      usleep(100)
    }
  }
  settle()
  benchmark.startMeasurement()
  try session.setSpec(spec, for: tensor)
  settle()
  benchmark.stopMeasurement()
  blackHole(session.metric)
}
