import PareCore

/// The OpenBLAS core pare runs on (`OpenBLASCore.useBestCore`), for `pare --version`.
enum BLASCoreChoice {
  /// Made on first use, which `Pare.main` makes before anything calls OpenBLAS.
  static let made = OpenBLASCore.useBestCore()

  /// "OpenBLAS core Cooperlake, chosen by pare: the library detected Prescott", and the like.
  static var description: String {
    let core = "OpenBLAS core \(OpenBLASCore.name)"
    switch made {
    case .library: return "\(core), detected by the library"
    case .user(let coreType): return "\(core), set by the user: OPENBLAS_CORETYPE=\(coreType)"
    case .pare(let detected): return "\(core), chosen by pare: the library detected \(detected)"
    }
  }
}
