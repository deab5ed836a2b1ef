import Testing

@testable import PareCompression

/// The bit stream of README "Packed layout": code i at bits [i·b, (i+1)·b), bit k of the stream
/// in bit k % 8 of byte k / 8. Expected bytes are worked out by hand in the comments.
@Suite struct BitPackingTests {
  @Test func oneBitCodesFillEachByteFromItsLowBit() throws {
    // Codes 1,0,1,1,0,0,0,1 -> bits 0,2,3,7 set: 0b1000_1101; the ninth code starts byte 1.
    #expect(try BitPacking.pack([1, 0, 1, 1, 0, 0, 0, 1, 1], bits: 1) == [0x8D, 0x01])
  }

  @Test func threeBitCodesStraddleByteBoundaries() throws {
    // 5 | 3 << 3 | 7 << 6 | 1 << 9 = 0b0011_1101_1101 = 0x3DD -> bytes DD 03 (12 bits, 2 bytes).
    #expect(try BitPacking.pack([5, 3, 7, 1], bits: 3) == [0xDD, 0x03])
    // Signed codes as 3-bit two's complement: -1 -> 7, 2 -> 2, -4 -> 4:
    // 7 | 2 << 3 | 4 << 6 = 0x117 -> bytes 17 01 (9 bits, the high 7 bits of byte 1 are zero).
    #expect(try BitPacking.pack([-1, 2, -4], bits: 3) == [0x17, 0x01])
  }

  @Test func fourBitCodesAreNibblesLowFirst() throws {
    // Code 0 in the low nibble of byte 0, code 1 in its high nibble: 0x21, 0xFA, then 0x03.
    #expect(try BitPacking.pack([0x1, 0x2, 0xA, 0xF, 0x3], bits: 4) == [0x21, 0xFA, 0x03])
  }

  @Test func eightBitCodesAreBytes() throws {
    // -1 and -128 as 8-bit two's complement are 0xFF and 0x80.
    #expect(try BitPacking.pack([0, 255, 128, -1, -128], bits: 8) == [0x00, 0xFF, 0x80, 0xFF, 0x80])
  }

  @Test func twelveBitCodesShareAByte() throws {
    // 0xABC | 0x123 << 12 | 0xFFF << 24 = 0xFFF123ABC -> BC 3A 12 FF 0F (36 bits, 5 bytes).
    #expect(try BitPacking.pack([0xABC, 0x123, 0xFFF], bits: 12) == [0xBC, 0x3A, 0x12, 0xFF, 0x0F])
  }

  @Test func sixteenBitCodesAreLittleEndianHalfWords() throws {
    #expect(try BitPacking.pack([0x1234, 0xBEEF], bits: 16) == [0x34, 0x12, 0xEF, 0xBE])
  }

  @Test func unpackReadsTheHandWorkedStreams() throws {
    #expect(try BitPacking.unpack([0x8D, 0x01], bits: 1, count: 9) == [1, 0, 1, 1, 0, 0, 0, 1, 1])
    #expect(try BitPacking.unpack([0xDD, 0x03], bits: 3, count: 4) == [5, 3, 7, 1])
    #expect(try BitPacking.unpack([0x17, 0x01], bits: 3, count: 3).map { BitPacking.signExtended($0, bits: 3) } == [-1, 2, -4])
    #expect(try BitPacking.unpack([0x21, 0xFA, 0x03], bits: 4, count: 5) == [0x1, 0x2, 0xA, 0xF, 0x3])
    #expect(try BitPacking.unpack([0xBC, 0x3A, 0x12, 0xFF, 0x0F], bits: 12, count: 3) == [0xABC, 0x123, 0xFFF])
  }

  @Test(arguments: Array(BitPacking.widths))
  func packThenUnpackIsTheIdentity(bits: Int) throws {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(bits + 1)
    for count in [0, 1, 7, 8, 9, 63, 100] {
      let codes: [UInt32] = (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return bits == 0 ? 0 : UInt32(truncatingIfNeeded: state >> 32) & UInt32(truncatingIfNeeded: (UInt64(1) << bits) - 1)
      }
      let packed = try BitPacking.pack(codes.map { Int32(bitPattern: $0) }, bits: bits)
      #expect(packed.count == BitPacking.byteCount(count: count, bits: bits))
      #expect(try BitPacking.unpack(packed, bits: bits, count: count) == codes)
      if bits > 0 {
        let signed = codes.map { BitPacking.signExtended($0, bits: bits) }
        #expect(try BitPacking.unpack(try BitPacking.pack(signed, bits: bits), bits: bits, count: count) == codes)
      }
    }
  }

  @Test func signedCodesRoundTripAtEveryIntWidth() throws {
    for bits in 2...8 {
      let qmax = Int32((1 << (bits - 1)) - 1)
      let codes = Array(-qmax...qmax)
      let unpacked = try BitPacking.unpack(try BitPacking.pack(codes, bits: bits), bits: bits, count: codes.count)
      #expect(unpacked.map { BitPacking.signExtended($0, bits: bits) } == codes)
    }
  }

  @Test func unusedHighBitsOfTheLastByteAreZero() throws {
    #expect(try BitPacking.pack([-1], bits: 3) == [0x07])
    #expect(try BitPacking.pack([], bits: 5) == [])
  }

  @Test func refusesBadWidthsAndShortStreams() {
    #expect(throws: BitPackingError.unsupportedWidth(33)) { try BitPacking.pack([1], bits: 33) }
    #expect(throws: BitPackingError.unsupportedWidth(-1)) { try BitPacking.unpack([], bits: -1, count: 0) }
    #expect(throws: BitPackingError.tooFewBytes(needed: 2, available: 1)) {
      try BitPacking.unpack([0xFF], bits: 3, count: 4)
    }
  }
}
