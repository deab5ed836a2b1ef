import PareCompression

extension Plan {
  /// The warning that this plan, read from `file`, records other weights than those it is
  /// applied to (whose sha256 is only computed when the plan records one); nil when it records
  /// these or none. The plan is applied anyway: its tensor names and shapes were validated.
  public func otherWeightsWarning(file: String, weightsSHA256: @autoclosure () -> String) -> String? {
    guard let recorded = model?.sha256, recorded != weightsSHA256() else { return nil }
    return "\(file) was made for other weights (sha256 \(recorded.prefix(12))…); applying it anyway"
  }
}
