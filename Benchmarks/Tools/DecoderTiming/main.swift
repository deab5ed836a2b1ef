import Foundation
import PareCore
import PareEngine
import PareFormats

// Times DecoderNetwork with random weights of SmolLM2-135M's shapes (30 layers, width 576,
// 9 heads, 3 KV heads, FFN 1536, vocabulary 49152, tied head), for scripts/bench_decoder.py
// (PyTorch on the same shapes). Usage: DecoderTiming [windows] [window length]
let choice = OpenBLASCore.useBestCore()
print("OpenBLAS core \(OpenBLASCore.name) (\(choice)), \(LinearAlgebra.threadCount) threads")
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let windowCount = arguments.first ?? 16, length = arguments.dropFirst().first ?? 512

let config = DecoderConfig(
  modelType: "llama", architecture: .llama, vocabSize: 49152, hiddenSize: 576, layerCount: 30, headCount: 9,
  kvHeadCount: 3, headDim: 64, intermediateSize: 1536, rmsNormEps: 1e-5, globalRope: .init(base: 100000),
  tiedHead: true, names: .huggingFace(.llama))
func random(_ shape: [Int], scale: Float, _ generator: inout SplitMix64) -> Tensor {
  Tensor(unsafeUninitializedShape: shape) { out in
    for i in out.indices { out[i] = (Float(generator.next() >> 40) / Float(1 << 24) - 0.5) * 2 * scale }
  }
}
var generator = SplitMix64(seed: 7)
var weights: [String: Tensor] = [:]
for (name, shape) in config.tensorShapes {
  weights[name] = shape.count == 1 ? try Tensor(shape: shape, scalars: [Float](repeating: 1, count: shape[0])) : random(shape, scale: 1 / Float(shape[1]).squareRoot(), &generator)
}
let network = try DecoderNetwork(config: config) { weights[$0] }
let windows = (0..<windowCount).map { w in (0..<length).map { Int32(($0 * 7919 + w * 104729) % 49152) } }

func time(_ label: String, _ body: () throws -> Void) rethrows -> Double {
  let start = Date()
  try body()
  let seconds = Date().timeIntervalSince(start)
  print(String(format: "%@: %.3f s", label, seconds))
  return seconds
}

var none: DecoderNetwork.Cache?
_ = try time("1 window of \(length) tokens (one core busy, OpenBLAS threaded)") {
  _ = try network.outputs(for: DecoderInput(windows: [windows[0]]), cache: &none)
}
_ = try time("\(windowCount) windows of \(length) tokens") {
  _ = try network.outputs(for: DecoderInput(windows: windows), cache: &none)
}
let four = DecoderInput(windows: Array(windows.prefix(4)))
var cache: DecoderNetwork.Cache? = ActivationCache(batchSize: network.preferredBatchSize, restartPoints: network.restartPoints)
_ = try time("4 windows, filling the cache") { _ = try network.outputs(for: four, cache: &cache) }
let target = "model.layers.29.mlp.down_proj.weight"
var changed = weights[target]!
for i in changed.scalars.indices { changed.scalars[i] *= 0.5 }
_ = try time("edit \(target): rebuild + rerun block 30 and the head on 4 windows") {
  let edited = try network.replacingTensors([target: .dense(changed)], original: { weights[$0] })
  _ = try edited.outputs(for: four, from: network.layerIndex(ofTensor: target)!, cache: &cache)
}
_ = try time("rerun the final norm and the head only on 4 windows") {
  _ = try network.outputs(for: four, from: network.finalLayer, cache: &cache)
}
