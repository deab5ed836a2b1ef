import CBLAS
import Glibc

/// The kernels ("core") that OpenBLAS's dynamic-architecture build runs, and a better choice
/// where its detection fell short.
///
/// OpenBLAS picks its core while it loads: the one OPENBLAS_CORETYPE names, else by the CPU's
/// family and model. Releases before 0.3.25 (Debian 12 ships 0.3.21) send an Intel family-6
/// model they do not know, such as 207, to the generic Prescott kernels instead of falling back
/// by the CPU's features as they mean to: GEMMs then run about 3x slower.
public enum OpenBLASCore {
  static let coreTypeVariable = "OPENBLAS_CORETYPE"

  /// The core OpenBLAS runs.
  public static var name: String { String(cString: openblas_get_corename()) }

  /// Who chose the core OpenBLAS runs.
  public enum Choice: Sendable {
    /// OpenBLAS, by the CPU's model or features.
    case library
    /// The user, through OPENBLAS_CORETYPE (this value).
    case user(coreType: String)
    /// `useBestCore`, replacing the worse core OpenBLAS had detected.
    case pare(detected: String)
  }

  /// Switches OpenBLAS to the best core the CPU's features allow when it detected a worse one
  /// (`betterCore`), unless the user set OPENBLAS_CORETYPE: any value, even empty, is a request
  /// that OpenBLAS honours (an empty or unknown one sends 0.3.21 to its feature fallback). Only
  /// while nothing else calls OpenBLAS: `pare` does it first thing in `main`.
  ///
  /// OpenBLAS reads OPENBLAS_CORETYPE only when it chooses, so the variable is set just for
  /// OpenBLAS's own choice again (0.06 ms), then removed: the environment stays the user's.
  public static func useBestCore() -> Choice {
    if let coreType = getenv(coreTypeVariable) { return .user(coreType: String(cString: coreType)) }
    let detected = name
    guard let better = betterCore(than: detected, features: .current) else { return .library }
    setenv(coreTypeVariable, better, 1)
    gotoblas_dynamic_quit()
    gotoblas_dynamic_init()
    unsetenv(coreTypeVariable)
    return .pare(detected: detected)
  }

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
