import PareCore

/// Whether `a` and `b` have the same length and each element of `a` is within `tolerance` of
/// `b`'s, a tolerance that grows with `b`'s magnitude above 1 when `relative` (for values far
/// from 1, such as logits and products).
public func isClose(_ a: [Float], _ b: [Float], tolerance: Float, relative: Bool = false) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * (relative ? max(1, abs($1)) : 1) }
}

/// Whether two tensors have the same shape and elements within `tolerance`, relative to the
/// second's magnitude above 1.
public func isClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-5) -> Bool {
  a.shape == b.shape && isClose(a.scalars, b.scalars, tolerance: tolerance, relative: true)
}

/// Whether `a` is within `relative` of `b`, relative to |b| (absolute below 1).
public func isClose(_ a: Double, _ b: Double, relative: Double) -> Bool { abs(a - b) <= relative * max(1, abs(b)) }
