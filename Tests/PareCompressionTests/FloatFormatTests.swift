import PareCore
import Testing

@testable import PareCompression

/// FP8 rounding and encoding worked out from the OCP layouts: E4M3 (bias 7, 3 mantissa bits,
/// no infinities, largest 448) and E5M2 (bias 15, 2 mantissa bits, largest 57344).
struct FloatFormatTests {
  /// (value on the grid, its byte) in E4M3: byte = sign | (exponent + 7) << 3 | mantissa.
  static let e4m3Bytes: [(Float, UInt8)] = [
    (448, 0x7E),           // 1.75 * 2^8: 15 << 3 | 0b110
    (1, 0x38),             // 2^0: 7 << 3
    (0.5, 0x30),           // 2^-1: 6 << 3
    (-2, 0xC0),            // 0x80 | 8 << 3
    (240, 0x77),           // 1.875 * 2^7: 14 << 3 | 0b111
    (-224, 0xF6),          // 0x80 | 14 << 3 | 0b110
    (1.25, 0x3A),          // 7 << 3 | 0b010
    (0x1p-6, 0x08),        // smallest normal: 1 << 3
    (0x1p-9, 0x01),        // smallest subnormal: 1 * 2^-9
    (7 * 0x1p-9, 0x07),    // largest subnormal
    (0, 0x00), (-0.0, 0x80),
  ]

  @Test(arguments: e4m3Bytes)
  func e4m3Bits(value: Float, byte: UInt8) {
    #expect(FloatFormat.e4m3.bits(of: value) == byte)
  }

  /// (value on the grid, its byte) in E5M2: byte = sign | (exponent + 15) << 2 | mantissa.
  static let e5m2Bytes: [(Float, UInt8)] = [
    (57344, 0x7B),         // 1.75 * 2^15: 30 << 2 | 0b11
    (49152, 0x7A),         // 1.5 * 2^15: 30 << 2 | 0b10
    (1, 0x3C),             // 15 << 2
    (-1.5, 0xBE),          // 0x80 | 15 << 2 | 0b10
    (-28672, 0xF7),        // -1.75 * 2^14: 0x80 | 29 << 2 | 0b11
    (0.0546875, 0x2B),     // 1.75 * 2^-5: 10 << 2 | 0b11
    (0x1p-14, 0x04),       // smallest normal
    (0x1p-16, 0x01),       // smallest subnormal: 1 * 2^-16
    (3 * 0x1p-16, 0x03),   // largest subnormal
    (0, 0x00), (-0.0, 0x80),
  ]

  @Test(arguments: e5m2Bytes)
  func e5m2Bits(value: Float, byte: UInt8) {
    #expect(FloatFormat.e5m2.bits(of: value) == byte)
  }

  /// Rounding to the E4M3 grid, ties to even, saturating at ±448.
  static let e4m3Rounding: [(Float, Float)] = [
    (1.0625, 1),             // 1 + 2^-4: half-way between 1 (even) and 1.125
    (1.1875, 1.25),          // 1 + 3 * 2^-4: half-way between 1.125 (odd) and 1.25 (even)
    (38.4, 40),              // step 4 in [32, 64): 9.6 -> 10
    (232, 224),              // step 16 in [128, 256): 14.5 -> 14 (even)
    (248, 256),              // 15.5 -> 16: rounds up into the next binade
    (450, 448), (460, 448), (1000, 448), (-500, -448),   // saturation
    (.infinity, 448), (-.infinity, -448),
    (0.01, 0.009765625),     // subnormal: step 2^-9, 5.12 -> 5
    (0x1p-10, 0),            // half the smallest subnormal ties to 0
    (0x1.8p-9, 0x1p-8),      // 1.5 steps ties to 2 steps
    (0x1.4p-9, 0x1p-9),      // 1.25 steps -> 1 step
    (-0x1.8p-9, -0x1p-8),
  ]

  @Test(arguments: e4m3Rounding)
  func e4m3Round(value: Float, expected: Float) {
    #expect(FloatFormat.e4m3.round(value) == expected)
  }

  /// Rounding to the E5M2 grid, ties to even, saturating at ±57344.
  static let e5m2Rounding: [(Float, Float)] = [
    (1.125, 1),              // half-way between 1 (even) and 1.25
    (1.375, 1.5),            // half-way between 1.25 (odd) and 1.5 (even)
    (60000, 57344), (-1e9, -57344), (.infinity, 57344),
    (57260.4, 57344),        // step 2^13: 6.99 -> 7
    (0x1p-17, 0),            // half the smallest subnormal (2^-16) ties to 0
    (0x1.8p-17, 0x1p-16),    // 0.75 steps -> 1
    (0x1.8p-16, 0x1p-15),    // 1.5 steps ties to 2
  ]

  @Test(arguments: e5m2Rounding)
  func e5m2Round(value: Float, expected: Float) {
    #expect(FloatFormat.e5m2.round(value) == expected)
  }

  @Test func nanStaysNaN() {
    #expect(FloatFormat.e4m3.round(.nan).isNaN)
    #expect(FloatFormat.e5m2.round(.nan).isNaN)
  }

  /// Every finite E4M3 byte (all but the NaNs 0x7F, 0xFF), decoded by PareCore's own decoder, is
  /// on the grid (round leaves it) and encodes back to the same byte.
  @Test func e4m3EveryByteRoundTrips() {
    for byte in UInt8.min...UInt8.max where byte & 0x7F != 0x7F {
      let value = FloatConversion.float(e4m3Bits: byte)
      #expect(FloatFormat.e4m3.round(value) == value, "byte \(byte)")
      #expect(FloatFormat.e4m3.bits(of: value) == byte, "byte \(byte)")
    }
  }

  /// Every finite E5M2 byte (exponent field not 11111) round-trips the same way.
  @Test func e5m2EveryByteRoundTrips() {
    for byte in UInt8.min...UInt8.max where byte & 0x7C != 0x7C {
      let value = FloatConversion.float(e5m2Bits: byte)
      #expect(FloatFormat.e5m2.round(value) == value, "byte \(byte)")
      #expect(FloatFormat.e5m2.bits(of: value) == byte, "byte \(byte)")
    }
  }
}
