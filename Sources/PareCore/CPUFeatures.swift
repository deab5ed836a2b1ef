import CCPUFeatures

/// The x86 instruction-set extensions that decide which OpenBLAS kernels a CPU can run, each
/// counted only when the operating system also saves the registers it uses.
public struct CPUFeatures: OptionSet, Sendable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  public static let avx = CPUFeatures(CPU_FEATURE_AVX)
  public static let avx2 = CPUFeatures(CPU_FEATURE_AVX2)
  public static let fma = CPUFeatures(CPU_FEATURE_FMA)
  public static let avx512f = CPUFeatures(CPU_FEATURE_AVX512F)
  public static let avx512cd = CPUFeatures(CPU_FEATURE_AVX512CD)
  public static let avx512bw = CPUFeatures(CPU_FEATURE_AVX512BW)
  public static let avx512dq = CPUFeatures(CPU_FEATURE_AVX512DQ)
  public static let avx512vl = CPUFeatures(CPU_FEATURE_AVX512VL)
  public static let avx512bf16 = CPUFeatures(CPU_FEATURE_AVX512BF16)

  /// This machine's (cpuid and xgetbv); empty on other architectures than x86.
  public static var current: CPUFeatures { CPUFeatures(rawValue: cpu_features()) }

  private init(_ bit: Int) { rawValue = UInt32(bit) }
}
