/// Eight-lane access for the element-wise kernels (quantization, conversion, statistics).
///
/// A kernel walks its elements with `for (offset, lanes) in Vectors8(count)`: whole vectors,
/// then one partial vector whose missing lanes read as a neutral padding value and are never
/// stored. Each kernel is thus written once, with no scalar twin for the tail, and its loop has
/// no bounds checks. (A plain `for` over this sequence compiles to a counted loop; a closure per
/// vector would not reliably be inlined.)

/// The offsets 0, 8, 16, ... below `count`, each with its number of lanes: 8, except for a last,
/// partial vector.
public struct Vectors8: Sequence, IteratorProtocol {
  @usableFromInline let count: Int
  @usableFromInline var offset: Int

  @inlinable public init(_ count: Int) { (self.count, offset) = (count, 0) }

  @inlinable @inline(__always)
  public mutating func next() -> (offset: Int, lanes: Int)? {
    guard offset < count else { return nil }
    defer { offset &+= 8 }
    return (offset, Swift.min(8, count &- offset))
  }
}

extension UnsafeRawPointer {
  /// The `lanes` (1...8) values of type `T` stored from `byteOffset` on (no alignment needed),
  /// the other lanes set to `padding`.
  @inlinable @inline(__always)
  public func vector8<T: SIMDScalar>(of _: T.Type, atByteOffset byteOffset: Int, lanes: Int, padding: T) -> SIMD8<T> {
    if lanes == 8 { return loadUnaligned(fromByteOffset: byteOffset, as: SIMD8<T>.self) }
    // Copied as bytes: built lane by lane, the partial vector leads the compiler to assemble
    // every vector from scalars.
    var v = SIMD8<T>(repeating: padding)
    withUnsafeMutableBytes(of: &v) { $0.copyMemory(from: UnsafeRawBufferPointer(start: self + byteOffset, count: lanes * MemoryLayout<T>.stride)) }
    return v
  }
}

extension UnsafeMutableRawPointer {
  /// Stores the first `lanes` (1...8) lanes of `v` from `byteOffset` on (no alignment needed).
  @inlinable @inline(__always)
  public func store<T: SIMDScalar>(_ v: SIMD8<T>, atByteOffset byteOffset: Int, lanes: Int) {
    if lanes == 8 { return storeBytes(of: v, toByteOffset: byteOffset, as: SIMD8<T>.self) }
    withUnsafeBytes(of: v) { (self + byteOffset).copyMemory(from: $0.baseAddress!, byteCount: lanes * MemoryLayout<T>.stride) }
  }
}

extension UnsafePointer where Pointee: SIMDScalar {
  /// The `lanes` (1...8) elements from `offset` on, the other lanes set to `padding`.
  @inlinable @inline(__always)
  public func vector8(at offset: Int, lanes: Int, padding: Pointee) -> SIMD8<Pointee> {
    UnsafeRawPointer(self).vector8(of: Pointee.self, atByteOffset: offset * MemoryLayout<Pointee>.stride, lanes: lanes, padding: padding)
  }
}

extension UnsafeMutablePointer where Pointee: SIMDScalar {
  /// Stores the first `lanes` (1...8) lanes of `v` from `offset` on.
  @inlinable @inline(__always)
  public func store(_ v: SIMD8<Pointee>, at offset: Int, lanes: Int) {
    UnsafeMutableRawPointer(self).store(v, atByteOffset: offset * MemoryLayout<Pointee>.stride, lanes: lanes)
  }
}

extension Array where Element: BitwiseCopyable {
  /// `count` elements that `overwrite` writes, every one of them, without zeroing them first: a
  /// kernel's output is written once, in parallel, instead of twice with the first write on
  /// one core.
  @inlinable
  public init(overwriting count: Int, _ overwrite: (UnsafeMutablePointer<Element>) -> Void) {
    self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
      if let start = buffer.baseAddress { overwrite(start) }
      initialized = count
    }
  }
}
