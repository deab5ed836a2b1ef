import PareCompression
import PareWorkbench

/// What the explorer shows of the session after a change.
public struct SessionSnapshot: Sendable, Equatable {
  /// Per tensor: the current spec, the size and error of the plan applied last, and whether
  /// they are still being computed for the current spec.
  public struct Tensor: Sendable, Equatable {
    public var spec: CompressionSpec?
    public var bytes: Int?
    public var sqnrDecibels: Double?
    public var isPending: Bool
  }

  public var plan: Plan
  public var tensors: [String: Tensor]
  public var compressedBytes: Int
  public var isApplying: Bool
  public var metric: PlanMetric?
  public var isEvaluating: Bool
  public var evaluationFailure: String?
  public var canUndo: Bool
  public var canRedo: Bool
  public var isExported: Bool
}
