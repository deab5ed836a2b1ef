import PareCore
import PareFormats
import Synchronization

/// How many NaN and infinite values a tensor holds.
///
/// Pare's policy (issue #17): a tensor holding any is never compressed. A scale, a codebook or an
/// SVD computed over a NaN is NaN, so one bad value would poison its whole group (or, through the
/// factors, the whole tensor), and Float→Int conversion of a NaN code traps. Plan validation
/// refuses such a tensor, naming it and the counts; untouched, it is copied byte for byte.
public struct NonFiniteCount: Sendable, Equatable, CustomStringConvertible {
  /// NaN values.
  public var nan = 0
  /// +Inf and -Inf values (for F64, also values beyond Float32's range, which Pare reads as
  /// infinite).
  public var infinite = 0

  public init(nan: Int = 0, infinite: Int = 0) { (self.nan, self.infinite) = (nan, infinite) }

  /// The counts of `values`.
  public init(_ values: UnsafeBufferPointer<Float>) {
    for x in values where !x.isFinite {
      if x.isNaN { nan += 1 } else { infinite += 1 }
    }
  }

  /// The counts of a tensor's stored bytes in `dtype`, read from the bit patterns (no decoding):
  /// an exponent of all ones is NaN or infinity in F64, F32, F16 and BF16; E5M2 likewise; E4M3
  /// has no infinity and one NaN pattern per sign. Integer types hold none.
  public init(raw: UnsafeRawBufferPointer, dtype: DType) {
    func scan<T: FixedWidthInteger>(_: T.Type, exponent: T, mantissa: T) {
      let count = raw.count / MemoryLayout<T>.size
      for i in 0..<count {
        let bits = T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
        guard bits & exponent == exponent else { continue }
        if bits & mantissa != 0 { nan += 1 } else { infinite += 1 }
      }
    }
    switch dtype {
    case .f32: scan(UInt32.self, exponent: 0x7F80_0000, mantissa: 0x007F_FFFF)
    case .f16: scan(UInt16.self, exponent: 0x7C00, mantissa: 0x03FF)
    case .bf16: scan(UInt16.self, exponent: 0x7F80, mantissa: 0x007F)
    case .f8E5M2: scan(UInt8.self, exponent: 0x7C, mantissa: 0x03)
    case .f8E4M3: nan = raw.count(where: { $0 & 0x7F == 0x7F })
    case .f64:
      for i in 0..<(raw.count / 8) {
        let x = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
        if x.isNaN { nan += 1 } else if !(abs(x) <= Double(Float.greatestFiniteMagnitude)) { infinite += 1 }
      }
    default: break
    }
  }

  /// NaN and infinite values together.
  public var total: Int { nan + infinite }

  /// "3 NaN and 1 Inf values", "1 NaN value".
  public var description: String {
    let parts = [nan > 0 ? "\(nan) NaN" : nil, infinite > 0 ? "\(infinite) Inf" : nil].compactMap { $0 }
    return parts.joined(separator: " and ") + (total == 1 ? " value" : " values")
  }

  /// Why a tensor holding these cannot be compressed, in the words every refusal uses:
  /// "fc1.weight holds 3 NaN and 1 Inf values; Pare compresses only finite weights: leave it
  /// uncompressed".
  public func refusal(tensor: String) -> String {
    "\(tensor) holds \(self); Pare compresses only finite weights: leave it uncompressed"
  }
}

/// A tensor refused for holding NaN or infinite values (thrown by `Compressor` and the sweep).
public struct NonFiniteWeightsError: Error, Equatable, CustomStringConvertible {
  /// The tensor's name ("weights" when the compressor was handed values without one).
  public let tensor: String
  public let count: NonFiniteCount

  public init(tensor: String, count: NonFiniteCount) { (self.tensor, self.count) = (tensor, count) }

  public var description: String { count.refusal(tensor: tensor) }
}

/// The non-finite counts of tensors already scanned, per file and tensor: plan validation runs on
/// every edit in the explorer, and each planned tensor is scanned once per process, not once per
/// key (the explorer's detail job scans the selected tensor in the background first).
public final class NonFiniteCensus: Sendable {
  /// The process's census.
  public static let shared = NonFiniteCensus()
  private let known = Mutex<[String: NonFiniteCount]>([:])

  /// `name`'s counts in `weights` (zero when it cannot be read: reading reports that itself).
  public func count(of name: String, in weights: WeightStore) -> NonFiniteCount {
    guard let entry = weights.entry(named: name) else { return NonFiniteCount() }
    let key = "\(weights.path(of: name) ?? "")\u{0}\(name)\u{0}\(entry.byteRange)"
    if let count = known.withLock({ $0[key] }) { return count }
    let count = (try? weights.withRawBytes(of: name) { NonFiniteCount(raw: $0, dtype: entry.dtype) }) ?? NonFiniteCount()
    known.withLock { $0[key] = count }
    return count
  }
}
