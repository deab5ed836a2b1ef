extension SeededGenerator {
  /// `count` values that exercise a kernel's corner cases: mostly normal values of mixed
  /// magnitudes, with +0 and -0, Float32 subnormals, values near the f16 limits, exact
  /// rounding ties (multiples of 1/2 and 1/8), repeats of earlier values, and runs of zeros long
  /// enough to fill whole groups.
  public mutating func awkwardValues(_ count: Int) -> [Float] {
    var out: [Float] = []
    out.reserveCapacity(count)
    while out.count < count {
      switch next() % 16 {
      case 0: out.append(0)
      case 1: out.append(-0.0)
      case 2: out.append(Float(bitPattern: UInt32(truncatingIfNeeded: next() % 0x80_0000)) * (next() % 2 == 0 ? 1 : -1))
      case 3: out.append(Float(Int(next() % 33) - 16) / 8)
      case 4: out.append(Float(Int(next() % 17) - 8) / 2)
      case 5: out.append(Float.random(in: -1...1, using: &self) * 7e4)
      case 6: out.append(Float.random(in: -1...1, using: &self) * 1e-7)
      case 7: out.append(out.isEmpty ? 1 : out[Int(next() % UInt64(out.count))])
      case 8: out += [Float](repeating: next() % 2 == 0 ? 0 : -0.0, count: Int(next() % 70))
      default: out.append(Float.random(in: -1...1, using: &self) * Float(1 << (next() % 12)) / 64)
      }
    }
    return Array(out.prefix(count))
  }
}
