import Testing
@testable import PareCompression
@testable import PareTUI

struct SpecEditingTests {
  let matrix = [300, 784]
  let vector = [300]

  @Test func bitsDownStartsAtInt8PerChannelAndStopsAtTwo() {
    var spec: CompressionSpec?
    spec = SpecEditing.bitsDown(spec, shape: matrix).spec
    #expect(spec == CompressionSpec(quantize: QuantizeSpec(scheme: .int, bits: 8, granularity: .channel)))
    for expected in (2...7).reversed() {
      spec = SpecEditing.bitsDown(spec, shape: matrix).spec
      #expect(spec?.quantize?.bits == expected)
    }
    let stuck = SpecEditing.bitsDown(spec, shape: matrix)
    #expect(stuck.spec?.quantize?.bits == 2 && stuck.note != nil)
  }

  @Test func bitsUpAboveEightReturnsToUncompressed() {
    let int7 = CompressionSpec(quantize: QuantizeSpec(bits: 7))
    #expect(SpecEditing.bitsUp(int7, shape: matrix).spec?.quantize?.bits == 8)
    #expect(SpecEditing.bitsUp(CompressionSpec(quantize: QuantizeSpec(bits: 8)), shape: matrix).spec == nil)
    // Pruning stays when quantization goes.
    let pruned = CompressionSpec(prune: .magnitude(0.5), quantize: QuantizeSpec(bits: 8))
    #expect(SpecEditing.bitsUp(pruned, shape: matrix).spec == CompressionSpec(prune: .magnitude(0.5)))
  }

  @Test func aVectorIsQuantizedPerTensor() {
    #expect(SpecEditing.bitsDown(nil, shape: vector).spec?.quantize?.granularity == .tensor)
    let spec = SpecEditing.bitsDown(nil, shape: vector).spec
    #expect(SpecEditing.cycleGranularity(spec, shape: vector).note != nil)
    #expect(SpecEditing.rankDown(nil, shape: vector).spec == nil)
  }

  @Test func formatCycleVisitsEveryFormatThenNone() {
    var spec: CompressionSpec? = nil
    var seen: [String] = []
    for _ in 0..<7 {
      spec = SpecEditing.cycleFormat(spec, shape: matrix).spec
      if let q = spec?.quantize {
        seen.append(q.scheme == .int ? (q.symmetric ? "int" : "asym") : q.scheme.rawValue)
      } else {
        seen.append("none")
      }
    }
    #expect(seen == ["int", "asym", "codebook", "fp8_e4m3", "fp16", "bf16", "none"])
  }

  @Test func granularityCycle() {
    var spec: CompressionSpec? = CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .tensor))
    var seen: [String] = []
    for _ in 0..<5 {
      spec = SpecEditing.cycleGranularity(spec, shape: matrix).spec
      seen.append(spec?.quantize.map { $0.granularity == .group ? "g\($0.groupSize ?? 0)" : $0.granularity.rawValue } ?? "")
    }
    #expect(seen == ["channel", "g128", "g64", "g32", "tensor"])
  }

  @Test func rankStepsThroughPowersOfTwoAndReplacesPruning() {
    let pruned = CompressionSpec(prune: .magnitude(0.5))
    let first = SpecEditing.rankDown(pruned, shape: matrix)  // full rank 300
    #expect(first.spec == CompressionSpec(lowrank: LowRankSpec(rank: 256)) && first.note != nil)
    let second = SpecEditing.rankDown(first.spec, shape: matrix).spec
    #expect(SpecEditing.rankDown(second, shape: matrix).spec?.lowrank?.rank == 64)
    #expect(SpecEditing.rankUp(second, shape: matrix).spec?.lowrank?.rank == 256)
    #expect(SpecEditing.rankUp(first.spec, shape: matrix).spec == nil)  // 512 >= full rank
    #expect(SpecEditing.rankDown(nil, shape: [10, 100]).spec?.lowrank?.rank == 8)
    #expect(SpecEditing.rankDown(nil, shape: [256, 300]).spec?.lowrank?.rank == 128)
  }

  @Test func sparsityLadderWithTwoFourBesideFiftyPercent() {
    var spec: CompressionSpec?
    var seen: [String] = []
    for _ in 0..<11 {
      spec = SpecEditing.sparsity(spec, shape: matrix, up: true).spec
      let p = spec?.prune
      seen.append(p?.method == .nm ? "\(p?.n ?? 0):\(p?.m ?? 0)" : "\(Int(((p?.sparsity ?? 0) * 100).rounded()))")
    }
    #expect(seen == ["10", "20", "30", "40", "2:4", "50", "60", "70", "80", "90", "90"])
    for _ in 0..<10 { spec = SpecEditing.sparsity(spec, shape: matrix, up: false).spec }
    #expect(spec == nil)
    // An off-ladder value steps from its nearest neighbour.
    #expect(SpecEditing.sparsity(CompressionSpec(prune: .magnitude(0.85)), shape: matrix, up: true).spec?.prune?.sparsity == 0.9)
  }

  @Test func adaptedSpecsFitEveryShape() {
    let spec = CompressionSpec(prune: .nm(2, 4), quantize: QuantizeSpec(bits: 4, granularity: .group, groupSize: 64))
    let forVector = SpecEditing.adapted(spec, toShape: vector)
    #expect(forVector == CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .tensor)))
    let lowrank = CompressionSpec(lowrank: LowRankSpec(rank: 64))
    #expect(SpecEditing.adapted(lowrank, toShape: [10, 100]) == nil)  // rank 64 >= full rank 10
    #expect(SpecEditing.adapted(lowrank, toShape: matrix) == lowrank)
  }
}
