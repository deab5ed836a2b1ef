import PareTestSupport
import Testing
@testable import PareCore

/// The eight-lane conversions against the scalar ones (`Float16` and the bfloat16 bit rounding),
/// to the bit. (They were also checked on all 2^32 Float32 patterns once; that takes minutes.)
struct FloatConversionSIMDTests {
  /// Runs `check` on `values` eight at a time, the last vector padded with zeros.
  func forEachVector(_ values: [Float], _ check: (SIMD8<Float>, Int) -> Void) {
    values.withUnsafeBufferPointer { p in
      for (offset, lanes) in Vectors8(p.count) { check(p.baseAddress!.vector8(at: offset, lanes: lanes, padding: 0), offset) }
    }
  }

  /// Every binary16 pattern widens like the scalar conversion, NaN payloads included (a
  /// signalling NaN comes out quiet).
  @Test func widensEveryHalf() {
    for start in stride(from: 0, to: 1 << 16, by: 8) {
      let patterns = SIMD8<UInt32>((0..<8).map { UInt32(start + $0) })
      let widened = FloatConversion.float(f16Bits: patterns)
      for lane in 0..<8 {
        #expect(widened[lane].bitPattern == FloatConversion.float(f16Bits: UInt16(start + lane)).bitPattern,
                "half 0x\(String(start + lane, radix: 16))")
      }
    }
  }

  /// Narrowing: every half's value, its Float32 neighbours, the midpoints between neighbouring
  /// halves (the ties) and theirs, past-the-range values, NaNs with payloads and random patterns.
  @Test func narrowsLikeTheScalarConversions() {
    let halves = (0..<(1 << 16)).map { FloatConversion.float(f16Bits: UInt16($0)) }.filter(\.isFinite)
    var x = halves.flatMap { [$0, $0.nextUp, $0.nextDown] }
    x += zip(halves, halves.dropFirst()).flatMap { a, b -> [Float] in
      let middle = (a + b) / 2
      return [middle, middle.nextUp, middle.nextDown]
    }
    x += [65504, 65519.99, 65520, 65536, 1e30, .infinity, -.infinity, .greatestFiniteMagnitude, 0x1p-149, -0x1p-149,
          Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFC0_1234), Float(bitPattern: 0x7FBF_FFFF), .nan]
    var rng = SeededGenerator(seed: 5)
    x += (0..<100_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
    forEachVector(x) { v, offset in
      let f16 = FloatConversion.f16Bits(v), bf16 = FloatConversion.bf16Bits(v)
      for lane in 0..<Swift.min(8, x.count - offset) {
        #expect(f16[lane] == UInt32(FloatConversion.f16Bits(v[lane])), "f16 of 0x\(String(v[lane].bitPattern, radix: 16))")
        #expect(bf16[lane] == UInt32(FloatConversion.bf16Bits(v[lane])), "bf16 of 0x\(String(v[lane].bitPattern, radix: 16))")
        #expect(FloatConversion.float(bf16Bits: bf16)[lane].bitPattern == FloatConversion.float(bf16Bits: UInt16(bf16[lane])).bitPattern)
        #expect(FloatConversion.roundedToF16(v[lane]).bitPattern == Float(Float16(v[lane])).bitPattern)
      }
    }
  }
}
