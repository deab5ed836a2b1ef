import Testing
@testable import PareTerminal

struct GlyphsTests {
  private static func allGlyphs(_ glyphs: Glyphs) -> [Character] {
    glyphs.bars + glyphs.spinner + [
      glyphs.horizontal, glyphs.vertical, glyphs.topLeft, glyphs.topRight,
      glyphs.bottomLeft, glyphs.bottomRight, glyphs.ellipsis, glyphs.arrow,
      glyphs.ascending, glyphs.descending,
    ] + (0...255).map { glyphs.braille(UInt8($0)) }
  }

  @Test(arguments: [Glyphs.unicode, Glyphs.ascii])
  func everyGlyphIsOneColumnWide(glyphs: Glyphs) {
    for glyph in Self.allGlyphs(glyphs) {
      #expect(Canvas.displayWidth(of: String(glyph)) == 1, "\(glyph)")
    }
  }

  @Test func theASCIISetIsASCII() {
    #expect(Self.allGlyphs(.ascii).allSatisfy { $0.isASCII })
  }

  @Test func asciiNamesTheArrowKeysInWords() {
    #expect(Glyphs.ascii.keyLabel("↑/k") == "Up/k")
    #expect(Glyphs.ascii.keyLabel("←/→") == "Left/Right")
    #expect(Glyphs.unicode.keyLabel("↓/j") == "↓/j")
  }

  @Test func setsHaveTheSameShape() {
    #expect(Glyphs.unicode.bars.count == 8)
    #expect(Glyphs.ascii.bars.count == 8)
  }

  @Test func barMapsFractionsToEightLevels() {
    #expect(Glyphs.unicode.bar(0) == "▁")
    #expect(Glyphs.unicode.bar(1) == "█")
    #expect(Glyphs.unicode.bar(0.5) == "▅")
    #expect(Glyphs.unicode.bar(-3) == "▁")
    #expect(Glyphs.unicode.bar(7) == "█")
    #expect(Glyphs.unicode.bar(.nan) == "▁")
    #expect(Glyphs.unicode.bar(.infinity) == "█")
    #expect(Glyphs.ascii.bar(1) == "#")
  }

  @Test func brailleDots() {
    #expect(Glyphs.unicode.braille(0) == "\u{2800}")
    #expect(Glyphs.unicode.braille(0b0100_0001) == "\u{2841}")  // dots 1 and 7: the left column
    #expect(Glyphs.unicode.braille(0xFF) == "⣿")
    #expect(Glyphs.ascii.braille(0) == " ")
    #expect(Glyphs.ascii.braille(0b0000_1001) == "'")  // dots 1 and 4: the top row
    #expect(Glyphs.ascii.braille(0b1000_0000) == ".")  // dot 8: bottom right
    #expect(Glyphs.ascii.braille(0b1000_0001) == ":")
  }

  @Test func capabilitiesPickTheGlyphSet() {
    #expect(TerminalCapabilities(colors: false, unicode: true).glyphs == .unicode)
    #expect(TerminalCapabilities(colors: true, unicode: false).glyphs == .ascii)
  }
}
