import Testing
@testable import PareCore

/// Bit patterns worked out by hand from the IEEE 754 binary16 and bfloat16 layouts.
struct FloatConversionTests {
  static let f16Cases: [(Float, UInt16)] = [
    (1, 0x3C00), (-2, 0xC000), (0.5, 0x3800), (65504, 0x7BFF),
    (65520, 0x7C00),                         // halfway to the next binade rounds to infinity
    (1.0 / 3.0, 0x3555),
    (0x1p-24, 0x0001), (0x1p-25, 0x0000),    // smallest subnormal; its half ties to even (0)
    (0x1.8p-24, 0x0002),                     // 1.5 ulp ties to even (2)
    (1 + 0x1p-11, 0x3C00), (1 + 0x1.8p-10, 0x3C02),
    (-0.0, 0x8000), (.infinity, 0x7C00),
  ]

  @Test(arguments: f16Cases)
  func f16Narrowing(value: Float, bits: UInt16) {
    #expect(FloatConversion.f16Bits(value) == bits)
  }

  @Test func f16Widening() {
    #expect(FloatConversion.float(f16Bits: 0x3555) == 0.333251953125)
    #expect(FloatConversion.float(f16Bits: 0x0001) == 0x1p-24)
    #expect(FloatConversion.float(f16Bits: 0x7BFF) == 65504)
    #expect(FloatConversion.float(f16Bits: 0xFC00) == -.infinity)
    #expect(FloatConversion.float(f16Bits: 0x7E00).isNaN)
  }

  static let bf16Cases: [(Float, UInt16)] = [
    (1, 0x3F80), (1 + 0x1p-8, 0x3F80), (1 + 0x1.8p-7, 0x3F82),
    (Float(bitPattern: 0x4049_0FDB), 0x4049),  // pi
    (Float(bitPattern: 0x3F80_8000), 0x3F80),  // exact tie, even stays
    (Float(bitPattern: 0x3F81_8000), 0x3F82),  // exact tie, odd rounds up
    (-0.0, 0x8000), (.infinity, 0x7F80), (.greatestFiniteMagnitude, 0x7F80),
  ]

  @Test(arguments: bf16Cases)
  func bf16Narrowing(value: Float, bits: UInt16) {
    #expect(FloatConversion.bf16Bits(value) == bits)
  }

  @Test func bf16WideningAndNaN() {
    #expect(FloatConversion.float(bf16Bits: 0x4049) == 3.140625)
    #expect(FloatConversion.float(bf16Bits: FloatConversion.bf16Bits(.nan)).isNaN)
  }

  @Test func fp8Widening() {
    #expect(FloatConversion.float(e4m3Bits: 0x7E) == 448)      // largest E4M3
    #expect(FloatConversion.float(e4m3Bits: 0x01) == 0x1p-9)   // smallest subnormal
    #expect(FloatConversion.float(e4m3Bits: 0x38) == 1)
    #expect(FloatConversion.float(e4m3Bits: 0xB8) == -1)
    #expect(FloatConversion.float(e4m3Bits: 0x7F).isNaN)
    #expect(FloatConversion.float(e5m2Bits: 0x7B) == 57344)    // largest E5M2
    #expect(FloatConversion.float(e5m2Bits: 0x3C) == 1)
  }
}
