import PareCore
import Testing

@testable import PareCompression

/// The floating-point schemes of DESIGN.md §4: fp16 and bf16 are plain round-to-nearest-even
/// casts; the FP8 formats scale each group by f16(max|w| / fmax) and store cast(w / scale).
struct QuantizerFloatTests {
  /// fp16 (bit patterns from the binary16 layout: sign, 5 exponent bits bias 15, 10 mantissa bits):
  /// - 1 + 2^-11 is half-way between 1 (0x3C00, even) and 1 + 2^-10 -> 1.
  /// - 1 + 3 * 2^-11 is half-way between 1 + 2^-10 (0x3C01) and 1 + 2^-9 (0x3C02, even) -> 1.001953125.
  /// - 65520 is half-way between 65504 (0x7BFF, odd) and 2^16 -> rounds to even, i.e. infinity 0x7C00.
  /// - 2^-25 is half the smallest subnormal -> 0 (even).
  /// - 1/3 -> 0x3555 = 1365/4096 = 0.333251953125.
  /// - -2 -> 0xC000.
  /// No scales for fp16 whatever the granularity.
  @Test func fp16RoundsToNearestEven() {
    let w: [Float] = [1 + 0x1p-11, 1 + 0x1.8p-10, 65520, 0x1p-25, 1.0 / 3.0, -2]
    let q = Quantizer.quantize(w, rows: 1, columns: 6, spec: QuantizeSpec(scheme: .fp16))
    #expect(q.values == [1, 1.001953125, .infinity, 0, 0.333251953125, -2])
    #expect(q.codes == [0x3C00, 0x3C02, 0x7C00, 0x0000, 0x3555, 0xC000])
    #expect(q.scales.isEmpty && q.zeroPoints.isEmpty && q.codebooks.isEmpty)
  }

  /// bf16 keeps the top 16 bits of a Float32 (8 exponent bits, 7 mantissa bits):
  /// - 1 + 2^-8 is half-way between 1 (0x3F80, even) and 1 + 2^-7 -> 1.
  /// - 1 + 3 * 2^-8 is half-way between 1 + 2^-7 (0x3F81) and 1 + 2^-6 (0x3F82, even) -> 1.015625.
  /// - 1 + 2^-8 + 2^-20 is just above half-way -> 1 + 2^-7 = 1.0078125 (0x3F81).
  /// - pi = 0x40490FDB: the dropped half 0x0FDB < 0x8000 -> 0x4049 = 3.140625.
  /// - -1.5 = 0xBFC00000 -> 0xBFC0 exactly.
  @Test func bf16RoundsToNearestEven() {
    let w: [Float] = [1 + 0x1p-8, 1 + 0x1.8p-7, 1 + 0x1p-8 + 0x1p-20, .pi, -1.5]
    let q = Quantizer.quantize(w, rows: 1, columns: 5, spec: QuantizeSpec(scheme: .bf16, granularity: .tensor))
    #expect(q.values == [1, 1.015625, 1.0078125, 3.140625, -1.5])
    #expect(q.codes == [0x3F80, 0x3F82, 0x3F81, 0x4049, 0xBFC0])
    #expect(q.scales.isEmpty)
  }

  /// e4m3, [448, -224, 1, 0.01]: scale = f16(448 / 448) = 1.
  /// 448 = 1.75 * 2^8 -> exponent 8 + 7 = 15, mantissa 110 -> 0x7E. -224 = -1.75 * 2^7 -> 0xF6.
  /// 1 -> 0x38. 0.01 < 2^-6 is subnormal: step 2^-9, 0.01 / 2^-9 = 5.12 -> 5 -> 5 * 2^-9 = 0.009765625, 0x05.
  @Test func fp8E4M3UnitScale() {
    let q = Quantizer.quantize([448, -224, 1, 0.01], rows: 1, columns: 4, spec: QuantizeSpec(scheme: .fp8E4M3))
    #expect(q.scales == [1])
    #expect(q.values == [448, -224, 1, 0.009765625])
    #expect(q.codes == [0x7E, 0xF6, 0x38, 0x05])
  }

  /// e4m3, [3.5, -1, 0.3]: scale = f16(3.5 / 448) = 2^-7 (exact). w / scale = [448, -128, 38.4].
  /// 38.4 = 1.2 * 2^5, step 2^(5-3) = 4: 9.6 -> 10 -> 40 = 1.25 * 2^5 (exponent 12, mantissa 010) -> 0x62.
  /// -128 = -2^7 -> exponent 14 -> 0xF0. w' = [3.5, -1, 40 * 2^-7 = 0.3125].
  @Test func fp8E4M3PowerOfTwoScale() {
    let q = Quantizer.quantize([3.5, -1, 0.3], rows: 1, columns: 3, spec: QuantizeSpec(scheme: .fp8E4M3))
    #expect(q.scales == [0x1p-7])
    #expect(q.values == [3.5, -1, 0.3125])
    #expect(q.codes == [0x7E, 0xF0, 0x62])
  }

  /// Saturation: [1, 0.5] in e4m3. 1 / 448 = 1.142857 * 2^-9; f16 mantissa 0.142857 * 1024 =
  /// 146.29 -> 146, so scale = 1170 * 2^-19 = 0.002231597900390625 (rounded down).
  /// 1 / scale = 448.11 > 448 -> saturates to 448 -> w' = 448 * 1170 * 2^-19 = 4095 * 2^-12 = 0.999755859375.
  /// 0.5 / scale = 224.05 -> step 16 -> 14.003 -> 224 -> w' = 4095 * 2^-13 = 0.4998779296875 (0x76).
  @Test func fp8E4M3Saturates() {
    let q = Quantizer.quantize([1, 0.5], rows: 1, columns: 2, spec: QuantizeSpec(scheme: .fp8E4M3))
    #expect(q.scales == [1170 * 0x1p-19])
    #expect(q.values == [0.999755859375, 0.4998779296875])
    #expect(q.codes == [0x7E, 0x76])
  }

  /// e5m2 with a subnormal f16 scale: [1, -0.5, 2^-20].
  /// 1 / 57344 = 292.57 * 2^-24, below 2^-14, so f16 is subnormal: scale = 293 * 2^-24.
  /// 1 / scale = 57260.4: exponent 15, step 2^13, 6.99 -> 7 -> 57344 (0x7B) -> w' = 2051 * 2^-11 = 1.00146484375.
  /// -0.5 / scale = -28630.2: step 2^12 -> 7 -> -28672 = -1.75 * 2^14 (exponent 29) -> 0xF7,
  ///   w' = -2051 * 2^-12 = -0.500732421875.
  /// 2^-20 / scale = 16 / 293 = 0.0546: exponent -5, step 2^-7 -> 6.99 -> 7 -> 0.0546875 =
  ///   1.75 * 2^-5 (exponent 10) -> 0x2B, w' = 2051 * 2^-31.
  @Test func fp8E5M2SubnormalScale() {
    let q = Quantizer.quantize([1, -0.5, 0x1p-20], rows: 1, columns: 3, spec: QuantizeSpec(scheme: .fp8E5M2))
    #expect(q.scales == [293 * 0x1p-24])
    #expect(q.values == [1.00146484375, -0.500732421875, 2051 * 0x1p-31])
    #expect(q.codes == [0x7B, 0xF7, 0x2B])
    // The stored bytes decode (by PareCore's independent E5M2 decoder) to w' / scale.
    #expect(q.codes.map { FloatConversion.float(e5m2Bits: UInt8($0)) * q.scales[0] } == q.values)
  }

  /// One scale per group: e4m3, groups of 2 over [3.5, 0.3 | 448, 1]: scales [2^-7, 1].
  /// Group 0: 3.5 / 2^-7 = 448 (0x7E), 0.3 / 2^-7 = 38.4 -> 40 (0x62) -> w' = 0.3125.
  /// Group 1: unit scale, [448, 1] stay (0x7E, 0x38).
  @Test func fp8GroupScales() {
    let q = Quantizer.quantize([3.5, 0.3, 448, 1], rows: 1, columns: 4,
                               spec: QuantizeSpec(scheme: .fp8E4M3, granularity: .group, groupSize: 2))
    #expect(q.scales == [0x1p-7, 1])
    #expect(q.values == [3.5, 0.3125, 448, 1])
    #expect(q.codes == [0x7E, 0x62, 0x7E, 0x38])
    #expect(q.codes.map { FloatConversion.float(e4m3Bits: UInt8($0)) } == [448, 40, 448, 1])
  }
}
