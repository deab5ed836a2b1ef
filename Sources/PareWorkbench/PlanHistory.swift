import PareCompression

/// The list of plans a session has been through, with a cursor: undo and redo move the cursor,
/// an edit after an undo drops the plans that could have been redone.
///
/// Plans are small values, so keeping every revision is cheap and undo is instant.
public struct PlanHistory: Sendable, Equatable {
  /// Every plan, oldest first; `plans[index]` is the current one.
  public private(set) var plans: [Plan]
  /// Position of the current plan.
  public private(set) var index: Int

  /// A history holding only `initial`.
  public init(_ initial: Plan = Plan()) {
    plans = [initial]
    index = 0
  }

  /// The plan in effect.
  public var current: Plan { plans[index] }

  /// Whether `undo` would move.
  public var canUndo: Bool { index > 0 }

  /// Whether `redo` would move.
  public var canRedo: Bool { index < plans.count - 1 }

  /// Makes `plan` the current plan, dropping any redo branch. An edit that changes nothing is
  /// not recorded. Returns whether a revision was added.
  @discardableResult
  public mutating func record(_ plan: Plan) -> Bool {
    guard plan != current else { return false }
    plans.removeSubrange((index + 1)...)
    plans.append(plan)
    index += 1
    return true
  }

  /// Steps back one revision; false at the start.
  @discardableResult
  public mutating func undo() -> Bool {
    guard canUndo else { return false }
    index -= 1
    return true
  }

  /// Steps forward one revision; false at the end.
  @discardableResult
  public mutating func redo() -> Bool {
    guard canRedo else { return false }
    index += 1
    return true
  }
}
