/// Dense bit packing of small integer codes, the storage of a packed model's codes, pruning mask
/// and N:M positions (README "Packed layout").
///
/// Codes of `b` bits go into a little-endian bit stream, low bits first: code i occupies bits
/// [i·b, (i+1)·b) of the stream, and bit k of the stream is bit k % 8 of byte k / 8. The last
/// byte's unused high bits are zero. Signed codes are stored as b-bit two's complement, which is
/// what taking the low b bits of an `Int32` gives. This is the layout numpy's
/// `np.unpackbits(..., bitorder="little")` reads, so other tools can decode it in a few lines.
public enum BitPacking {
  /// The widths supported: 0 (every code is 0 and takes no space, e.g. the positions of N:1
  /// pruning) to 32 bits.
  public static let widths = 0...32

  /// Bytes needed for `count` codes of `bits` bits: ⌈count·bits / 8⌉.
  public static func byteCount(count: Int, bits: Int) -> Int {
    (count * bits + 7) / 8
  }

  /// The low `bits` bits of each code, packed (see the type's description for the bit order).
  public static func pack(_ codes: [Int32], bits: Int) throws(BitPackingError) -> [UInt8] {
    guard widths.contains(bits) else { throw .unsupportedWidth(bits) }
    var bytes = [UInt8](repeating: 0, count: byteCount(count: codes.count, bits: bits))
    let mask = lowMask(bits)
    var pending: UInt64 = 0, pendingBits = 0, next = 0
    for code in codes {
      pending |= (UInt64(UInt32(bitPattern: code)) & mask) << pendingBits
      pendingBits += bits
      while pendingBits >= 8 {
        bytes[next] = UInt8(truncatingIfNeeded: pending)
        pending >>= 8
        pendingBits -= 8
        next += 1
      }
    }
    if pendingBits > 0 { bytes[next] = UInt8(truncatingIfNeeded: pending) }
    return bytes
  }

  /// The first `count` codes of `bits` bits in `bytes`, as unsigned values (use
  /// `signExtended(_:bits:)` for two's complement codes). Throws when `bytes` is too short.
  public static func unpack(_ bytes: [UInt8], bits: Int, count: Int) throws(BitPackingError) -> [UInt32] {
    guard widths.contains(bits) else { throw .unsupportedWidth(bits) }
    let needed = byteCount(count: count, bits: bits)
    guard count >= 0, bytes.count >= needed else { throw .tooFewBytes(needed: needed, available: bytes.count) }
    var codes = [UInt32](repeating: 0, count: count)
    let mask = lowMask(bits)
    var pending: UInt64 = 0, pendingBits = 0, next = 0
    for i in 0..<count {
      while pendingBits < bits {
        pending |= UInt64(bytes[next]) << pendingBits
        pendingBits += 8
        next += 1
      }
      codes[i] = UInt32(truncatingIfNeeded: pending & mask)
      pending >>= bits
      pendingBits -= bits
    }
    return codes
  }

  /// The value of a `bits`-bit two's complement code (bits 1...32).
  public static func signExtended(_ code: UInt32, bits: Int) -> Int32 {
    let unused = UInt32(32 - min(max(bits, 1), 32))
    return Int32(bitPattern: code << unused) >> unused
  }

  private static func lowMask(_ bits: Int) -> UInt64 { (1 << UInt64(bits)) - 1 }
}

/// Codes could not be packed or unpacked.
public enum BitPackingError: Error, Equatable, CustomStringConvertible {
  /// A width outside `BitPacking.widths`.
  case unsupportedWidth(Int)
  /// The stream holds fewer bytes than the codes asked for need.
  case tooFewBytes(needed: Int, available: Int)

  /// One line saying what is wrong.
  public var description: String {
    switch self {
    case let .unsupportedWidth(bits): "cannot pack \(bits)-bit codes (supported: 0 to 32 bits)"
    case let .tooFewBytes(needed, available): "the codes need \(needed) bytes, found \(available)"
    }
  }
}
