/// Conversion between little-endian bytes of any `DType` and Float32 tensors.
extension Tensor {
  /// Decodes `bytes` (little-endian, row-major, `dtype`) into a Float32 tensor of `shape`.
  ///
  /// The caller guarantees `bytes.count == elementCount(shape) * dtype.byteSize` (the safetensors
  /// reader validates it); otherwise this throws. Works on unaligned memory (mmap'd files).
  public init(decoding bytes: UnsafeRawBufferPointer, dtype: DType, shape: [Int]) throws {
    let count = Self.elementCount(shape)
    guard bytes.count == count * dtype.byteSize else {
      throw TensorError.shapeMismatch(shape: shape, count: bytes.count / max(dtype.byteSize, 1))
    }
    self.init(unsafeUninitializedShape: shape, initializingWith: { dtype.decode(bytes, into: $0) })
  }

  /// The elements encoded as little-endian `dtype` bytes.
  ///
  /// Floating types round to nearest even; integer types round half to even and saturate at the
  /// type's range; BOOL is 1 for any non-zero. Throws for the read-only FP8 types.
  public func encoded(as dtype: DType) throws -> [UInt8] {
    guard dtype.isWritable else { throw TensorEncodingError.notWritable(dtype) }
    var bytes = [UInt8](repeating: 0, count: count * dtype.byteSize)
    bytes.withUnsafeMutableBytes { raw in
      func store<T>(_ f: (Float) -> T) {
        for (i, x) in scalars.enumerated() { raw.storeBytes(of: f(x), toByteOffset: i * MemoryLayout<T>.size, as: T.self) }
      }
      func integer<T: FixedWidthInteger>(_: T.Type) -> (Float) -> T {
        { x in
          let r = Double(x).rounded(.toNearestOrEven)
          if r.isNaN { return 0 }
          if r <= Double(T.min) { return T.min.littleEndian }
          if r >= Double(T.max) { return T.max.littleEndian }
          return T(r).littleEndian
        }
      }
      switch dtype {
      case .f32: scalars.withUnsafeBytes { raw.copyMemory(from: $0) }
      case .f64: store { Double($0).bitPattern.littleEndian }
      case .f16, .bf16:
        // Eight lanes at a time: the scalar f16 conversion is a library call per element.
        scalars.withUnsafeBufferPointer { source in
          guard let source = source.baseAddress, let out = raw.baseAddress else { return }
          for (offset, lanes) in Vectors8(count) {
            let x = source.vector8(at: offset, lanes: lanes, padding: 0)
            let patterns = dtype == .f16 ? FloatConversion.f16Bits(x) : FloatConversion.bf16Bits(x)
            out.store(SIMD8<UInt16>(truncatingIfNeeded: patterns).littleEndianLanes, atByteOffset: offset * 2, lanes: lanes)
          }
        }
      case .i64: store(integer(Int64.self))
      case .i32: store(integer(Int32.self))
      case .i16: store(integer(Int16.self))
      case .i8: store(integer(Int8.self))
      case .u64: store(integer(UInt64.self))
      case .u32: store(integer(UInt32.self))
      case .u16: store(integer(UInt16.self))
      case .u8: store(integer(UInt8.self))
      case .bool: store { $0 != 0 ? UInt8(1) : UInt8(0) }
      case .f8E4M3, .f8E5M2: break
      }
    }
    return bytes
  }
}

extension Tensor {
  /// The values as they would read back after being stored as `dtype` (rounded to nearest even
  /// for narrower floating types); unchanged for F32 and the read-only types.
  public func rounded(through dtype: DType) throws -> Tensor {
    guard dtype != .f32, dtype.isWritable else { return self }
    return try encoded(as: dtype).withUnsafeBytes { try Tensor(decoding: $0, dtype: dtype, shape: shape) }
  }
}

extension DType {
  /// Converts the first `out.count` elements of `bytes` (little-endian, this dtype; may be
  /// unaligned, e.g. a mapped file) to Float32 in `out`. `bytes` must hold at least
  /// `out.count * byteSize` bytes. Exact wherever Float32 can hold the value (see `DType`).
  public func decode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Float>) {
    let count = out.count
    precondition(bytes.count >= count * byteSize, "decode: \(bytes.count) bytes for \(count) \(rawValue) elements")
    guard count > 0, let source = bytes.baseAddress, let destination = out.baseAddress else { return }
    // Written as plain loops over the element type so the compiler vectorizes them: a dataset's
    // images are decoded batch by batch on every evaluation. FP16 and BF16 take eight lanes at a
    // time: the scalar f16 conversion is a library call per element.
    @inline(__always) func convert<T>(_: T.Type, _ f: (T) -> Float) {
      for i in 0..<count { destination[i] = f(source.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: T.self)) }
    }
    switch self {
    case .f32: UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
    case .f64: convert(UInt64.self) { Float(Double(bitPattern: UInt64(littleEndian: $0))) }
    case .f16, .bf16:
      for (offset, lanes) in Vectors8(count) {
        let stored = source.vector8(of: UInt16.self, atByteOffset: offset * 2, lanes: lanes, padding: 0).littleEndianLanes
        let patterns = SIMD8<UInt32>(truncatingIfNeeded: stored)
        destination.store(self == .f16 ? FloatConversion.float(f16Bits: patterns) : FloatConversion.float(bf16Bits: patterns),
                          at: offset, lanes: lanes)
      }
    case .f8E4M3: convert(UInt8.self) { FloatConversion.float(e4m3Bits: $0) }
    case .f8E5M2: convert(UInt8.self) { FloatConversion.float(e5m2Bits: $0) }
    case .i64: convert(Int64.self) { Float(Int64(littleEndian: $0)) }
    case .i32: convert(Int32.self) { Float(Int32(littleEndian: $0)) }
    case .i16: convert(Int16.self) { Float(Int16(littleEndian: $0)) }
    case .i8: convert(Int8.self) { Float($0) }
    case .u64: convert(UInt64.self) { Float(UInt64(littleEndian: $0)) }
    case .u32: convert(UInt32.self) { Float(UInt32(littleEndian: $0)) }
    case .u16: convert(UInt16.self) { Float(UInt16(littleEndian: $0)) }
    case .u8: convert(UInt8.self) { Float($0) }
    case .bool: convert(UInt8.self) { $0 == 0 ? 0 : 1 }
    }
  }
}

/// A tensor cannot be stored in the requested dtype.
public enum TensorEncodingError: Error, Equatable, CustomStringConvertible {
  case notWritable(DType)

  public var description: String {
    switch self {
    case let .notWritable(dtype): "Pare reads \(dtype.rawValue) tensors but cannot write them"
    }
  }
}

extension SIMD8<UInt16> {
  /// The lanes as stored little-endian (byte-swapped on a big-endian machine; the same elsewhere).
  @usableFromInline var littleEndianLanes: SIMD8<UInt16> {
    #if _endian(big)
    return (self &<< 8) | (self &>> 8)
    #else
    return self
    #endif
  }
}
