import Benchmark
import PareCompression
import PareCore

/// The weight matrices of a 6-layer, 384-wide BERT (all-MiniLM-L6-v2's shapes, 22M parameters):
/// per layer four 384x384 (Q, K, V, output), 1536x384 and 384x1536, plus the 30522x384 word
/// embedding. Values are random (what is timed does not depend on them much).
func bertShapedMatrices() -> [Tensor] {
  var shapes: [[Int]] = [[30522, 384]]
  for _ in 0..<6 { shapes += [[384, 384], [384, 384], [384, 384], [384, 384], [1536, 384], [384, 1536]] }
  var state: UInt64 = 0x2545_F491_4F6C_DD1D
  return shapes.map { shape in
    Tensor(shape: shape) { out in
      for i in 0..<out.count {
        // xorshift64*, mapped to a roughly bell-shaped value by summing two uniforms.
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        let r = state &* 0x2545_F491_4F6C_DD1D
        out[i] = (Float(r >> 40) / Float(1 << 24) + Float((r >> 16) & 0xFFFFFF) / Float(1 << 24) - 1) * 0.05
      }
    }
  }
}

func compressionBenchmarks() {
  let slow = Benchmark.Configuration(metrics: [.wallClock], maxDuration: .seconds(20), maxIterations: 5)

  func compressAll(_ spec: CompressionSpec, _ name: String) {
    Benchmark("compress 22M BERT-shaped matrices: \(name)", configuration: slow) { benchmark, matrices in
      for m in matrices { blackHole(try Compressor.compress(m, dtype: .f32, spec: spec)) }
    } setup: {
      bertShapedMatrices()
    }
  }
  compressAll(CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .group, groupSize: 64)), "int4 group 64")
  compressAll(CompressionSpec(quantize: QuantizeSpec(bits: 8)), "int8 per channel")
  compressAll(CompressionSpec(quantize: QuantizeSpec(scheme: .fp16)), "fp16")
  compressAll(CompressionSpec(prune: .magnitude(0.5)), "magnitude pruning 50% per tensor")
  compressAll(CompressionSpec(prune: .nm(2, 4)), "2:4 pruning")
  compressAll(CompressionSpec(quantize: QuantizeSpec(scheme: .codebook, bits: 4, granularity: .group, groupSize: 64)),
              "codebook 4-bit group 64")
  compressAll(CompressionSpec(quantize: QuantizeSpec(scheme: .codebook, bits: 4, granularity: .channel)),
              "codebook 4-bit per channel")

  // What the explorer's statistics pane computes for a tensor (the word embedding's shape).
  Benchmark("statistics, percentiles and histogram of a 30522x384 matrix", configuration: slow) { benchmark, matrices in
    let values = matrices[0].scalars
    let statistics = TensorStatistics(values)
    blackHole(statistics)
    blackHole(TensorStatistics.percentiles(of: values, [1, 5, 25, 50, 75, 95, 99]))
    blackHole(Histogram(values: values, edges: Histogram.uniformEdges(lower: statistics.min, upper: statistics.max, bins: 48)))
  } setup: {
    bertShapedMatrices()
  }

  Benchmark("singular values of 22M BERT-shaped matrices", configuration: slow) { benchmark, matrices in
    for m in matrices { blackHole(try LinearAlgebra.singularValues(of: m)) }
  } setup: {
    bertShapedMatrices()
  }
}
