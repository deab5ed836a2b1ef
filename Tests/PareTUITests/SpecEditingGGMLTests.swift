import PareCompression
import PareFormats
import Testing
@testable import PareTUI

/// `b`, `B`, `f` and "apply to all" on ggml types: only types whose block fits the rows, by size.
struct SpecEditingGGMLTests {
  private let fits = [8, 64]
  private let fitsNone = [8, 48]

  @Test func theLadderHoldsTheFittingTypesCheapestFirst() {
    let ladder = SpecEditing.ggmlLadder(fits)
    #expect(ladder.first == GGMLQuantizer.types.filter { 64 % $0.blockSize == 0 }.min { $0.bitsPerWeight < $1.bitsPerWeight })
    #expect(SpecEditing.ggmlLadder([8, 256]).first == .q2_k)
    #expect(zip(ladder, ladder.dropFirst()).allSatisfy { $0.bitsPerWeight <= $1.bitsPerWeight })
    #expect(Set(ladder) == Set(GGMLQuantizer.types.filter { 64 % $0.blockSize == 0 }))
    #expect(SpecEditing.ggmlLadder(fitsNone).isEmpty)
    #expect(SpecEditing.ggmlLadder([64]).isEmpty)
  }

  @Test func bAndBWalkTheLadderAndLeaveItAtTheTop() {
    let ladder = SpecEditing.ggmlLadder(fits)
    var spec: CompressionSpec? = CompressionSpec(quantize: .ggml(ladder[0]))
    #expect(SpecEditing.bitsDown(spec, shape: fits).note?.contains("cheapest") == true)
    for type in ladder.dropFirst() {
      spec = SpecEditing.bitsUp(spec, shape: fits).spec
      #expect(spec?.quantize?.type == type)
    }
    #expect(SpecEditing.bitsUp(spec, shape: fits).spec == nil)
    #expect(SpecEditing.bitsDown(CompressionSpec(quantize: .ggml(ladder[1])), shape: fits).spec?.quantize?.type == ladder[0])
  }

  @Test func fReachesGGMLAfterBF16AndSkipsItWhenNothingFits() {
    let bf16 = CompressionSpec(quantize: QuantizeSpec(scheme: .bf16))
    let next = SpecEditing.cycleFormat(bf16, shape: fits).spec
    #expect(next?.quantize?.scheme == .ggml)
    #expect(next?.quantize?.type.map { 64 % $0.blockSize == 0 } == true)
    #expect(SpecEditing.cycleFormat(next, shape: fits).spec == nil)
    #expect(SpecEditing.cycleFormat(bf16, shape: fitsNone).spec == nil)
  }

  @Test func pruningAndRankAreRefusedOnAGGMLSpec() {
    let spec = CompressionSpec(quantize: .ggml(.q8_0))
    #expect(SpecEditing.rankDown(spec, shape: fits).spec == spec)
    #expect(SpecEditing.sparsity(spec, shape: fits, up: true).note?.contains("as they are") == true)
    #expect(SpecEditing.cycleGranularity(spec, shape: fits).spec == spec)
  }

  @Test func applyToAllFallsBackToAFittingTypeOrNone() {
    let spec = CompressionSpec(quantize: .ggml(.q8_0, imatrix: true))
    #expect(SpecEditing.adapted(spec, toShape: [4, 64]) == spec)
    #expect(SpecEditing.adapted(spec, toShape: [4, 40]) == nil)
    #expect(SpecEditing.adapted(spec, toShape: [64]) == nil)
  }
}
