import Foundation
import Synchronization
import PareCompression
import PareFormats

/// A compression the test holds up: while closed, every compression waits until it opens.
/// Records the plans it was asked for, to show which compressions ran.
public final class CompressionGate: Sendable {
  private struct State {
    var isOpen = true
    public var started: [Plan] = []
  }

  private let state = Mutex(State())

  public init() {}

  public func compress(_ plan: Plan, weights: WeightStore) throws -> AppliedPlan {
    state.withLock { $0.started.append(plan) }
    while !state.withLock({ $0.isOpen }) { Thread.sleep(forTimeInterval: 0.001) }
    return try AppliedPlan(plan: plan, weights: weights)
  }

  public func close() { state.withLock { $0.isOpen = false } }
  public func open() { state.withLock { $0.isOpen = true } }

  public var started: [Plan] { state.withLock { $0.started } }
}
