import Testing
@testable import PareCore

/// `OpenBLASCore.betterCore`: which core pare asks for, given the core OpenBLAS detected and the
/// CPU's features.
struct OpenBLASCoreTests {
  static let haswell: CPUFeatures = [.avx, .avx2, .fma]
  static let skylakeX = haswell.union([.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl])

  /// OpenBLAS 0.3.21 on Intel family 6 model 207 (Emerald Rapids): Prescott, where the
  /// features allow Cooperlake, as later releases' feature fallback picks.
  @Test func unknownModelFallenToPrescottGetsTheBestCoreItsFeaturesAllow() {
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: Self.skylakeX.union(.avx512bf16)) == "Cooperlake")
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: Self.skylakeX) == "SkylakeX")
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: Self.haswell) == "Haswell")
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: .avx) == "Sandybridge")
    #expect(OpenBLASCore.betterCore(than: "Sandybridge", features: Self.skylakeX) == "SkylakeX")
    #expect(OpenBLASCore.betterCore(than: "Haswell", features: Self.skylakeX) == "SkylakeX")
  }

  @Test func aCoreAsGoodAsTheFeaturesAllowIsKept() {
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: []) == nil)
    #expect(OpenBLASCore.betterCore(than: "Haswell", features: Self.haswell) == nil)
    #expect(OpenBLASCore.betterCore(than: "SkylakeX", features: Self.skylakeX) == nil)
    #expect(OpenBLASCore.betterCore(than: "Cooperlake", features: Self.skylakeX.union(.avx512bf16)) == nil)
  }

  /// Where OpenBLAS's choice is better than the features seem to allow (a different reading of
  /// them), it is never lowered.
  @Test func aBetterCoreThanTheFeaturesSuggestIsKept() {
    #expect(OpenBLASCore.betterCore(than: "SkylakeX", features: Self.haswell) == nil)
    #expect(OpenBLASCore.betterCore(than: "Haswell", features: .avx) == nil)
  }

  /// Each step needs all of its features: AVX2 without FMA is not Haswell, and AVX-512F without
  /// BW, DQ or VL (Knights Landing) is not SkylakeX.
  @Test func aStepNeedsAllOfItsFeatures() {
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: [.avx, .avx2]) == "Sandybridge")
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: Self.haswell.union([.avx512f, .avx512cd])) == "Haswell")
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: Self.skylakeX.subtracting(.avx512vl)) == "Haswell")
    #expect(OpenBLASCore.betterCore(than: "Prescott", features: Self.haswell.union(.avx512bf16)) == "Haswell")
  }

  /// A core outside the feature ladder is OpenBLAS's choice for that CPU model, and stays.
  @Test(arguments: ["Zen", "Nehalem", "Excavator", "SapphireRapids", "NEOVERSEN1", "Unknown"])
  func aCoreChosenByModelIsKept(core: String) {
    #expect(OpenBLASCore.betterCore(than: core, features: Self.skylakeX.union(.avx512bf16)) == nil)
  }
}
