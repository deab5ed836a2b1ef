import Foundation
import Testing
import PareCore

/// `CPUFeatures.current` (cpuid and xgetbv) against the flags Linux lists in /proc/cpuinfo, which
/// the kernel also clears for register states it does not save.
struct CPUFeaturesTests {
  static let cpuinfoFlags: Set<String>? = {
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return nil }
    return Set(line.split(separator: ":", maxSplits: 1)[1].split(separator: " ").map(String.init))
  }()

  @Test(.enabled(if: cpuinfoFlags != nil, "an x86 Linux machine"))
  func matchesTheKernelsFlags() throws {
    let flags = try #require(Self.cpuinfoFlags)
    let named: [(String, CPUFeatures)] = [
      ("avx", .avx), ("avx2", .avx2), ("fma", .fma), ("avx512f", .avx512f), ("avx512cd", .avx512cd),
      ("avx512bw", .avx512bw), ("avx512dq", .avx512dq), ("avx512vl", .avx512vl), ("avx512_bf16", .avx512bf16),
    ]
    let current = CPUFeatures.current
    for (flag, feature) in named {
      #expect(current.contains(feature) == flags.contains(flag), "\(flag)")
    }
  }
}
