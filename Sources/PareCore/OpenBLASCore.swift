import CBLAS

/// The kernels ("core") that OpenBLAS's dynamic-architecture build runs, and a better choice
/// where its detection fell short.
///
/// OpenBLAS picks its core once, while it loads: the one OPENBLAS_CORETYPE names, else by the
/// CPU's family and model. Releases before 0.3.25 (Debian 12 ships 0.3.21) send an Intel
/// family-6 model they do not know, such as 207, to the generic Prescott kernels instead of
/// falling back by the CPU's features as they mean to: GEMMs then run about 3x slower.
public enum OpenBLASCore {
  /// The core OpenBLAS runs.
  public static var name: String { String(cString: openblas_get_corename()) }

  private static let sandybridge: CPUFeatures = [.avx]
  private static let haswell = sandybridge.union([.avx2, .fma])
  private static let skylakeX = haswell.union([.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl])
  private static let cooperlake = skylakeX.union([.avx512bf16])

  /// The cores OpenBLAS 0.3.25 and later fall back to by features when they do not know the CPU
  /// model, best first, each with the features its kernels use (a little stricter than
  /// OpenBLAS's own checks, which look at AVX512VL alone and not at FMA).
  static let byFeatures: [(core: String, needs: CPUFeatures)] = [
    ("Cooperlake", cooperlake),
    ("SkylakeX", skylakeX),
    ("Haswell", haswell),
    ("Sandybridge", sandybridge),
    ("Prescott", []),
  ]

  /// The core to run instead of `detected`, or nil to keep it: the best one of `byFeatures` that
  /// `features` allow, when `detected` is a worse one of them. A core outside that list (Nehalem,
  /// Zen, SapphireRapids, an ARM core, ...) is one OpenBLAS chose for the CPU's model on purpose,
  /// and is kept.
  public static func betterCore(than detected: String, features: CPUFeatures) -> String? {
    guard let detectedRank = byFeatures.firstIndex(where: { $0.core == detected }),
      let bestRank = byFeatures.firstIndex(where: { features.isSuperset(of: $0.needs) }),
      bestRank < detectedRank
    else { return nil }
    return byFeatures[bestRank].core
  }
}
