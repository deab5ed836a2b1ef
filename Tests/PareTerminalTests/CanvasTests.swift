import Testing
@testable import PareTerminal

struct CanvasTests {
  @Test func newCanvasIsBlankAndTextHasOneLinePerRow() {
    let canvas = Canvas(width: 4, height: 2)
    #expect(canvas.text == "\n\n")
    #expect(canvas[1, 3] == .blank)
  }

  @Test func putWritesTextAndReturnsColumnsUsed() {
    var canvas = Canvas(width: 10, height: 2)
    #expect(canvas.put("hello", row: 0, column: 2) == 5)
    #expect(canvas.put("x", row: 1, column: 0) == 1)
    #expect(canvas.text == "  hello\nx\n")
  }

  @Test func textTrimsTrailingSpacesOnly() {
    var canvas = Canvas(width: 8, height: 1)
    canvas.put(" a b  ", row: 0, column: 0)
    #expect(canvas.text == " a b\n")
  }

  @Test func putClipsAtTheRightEdge() {
    var canvas = Canvas(width: 5, height: 1)
    #expect(canvas.put("abcdefgh", row: 0, column: 2) == 3)
    #expect(canvas.text == "  abc\n")
  }

  @Test func putClipsAtMaxWidth() {
    var canvas = Canvas(width: 10, height: 1)
    #expect(canvas.put("abcdefgh", row: 0, column: 1, maxWidth: 3) == 3)
    #expect(canvas.put("zz", row: 0, column: 6, maxWidth: 0) == 0)
    #expect(canvas.put("zz", row: 0, column: 6, maxWidth: -4) == 0)
    #expect(canvas.text == " abc\n")
  }

  @Test func wideCharactersTakeTwoCells() {
    var canvas = Canvas(width: 8, height: 1)
    #expect(canvas.put("中文ab", row: 0, column: 0) == 6)
    #expect(canvas[0, 0].text == "中")
    #expect(canvas[0, 1].isContinuation)
    #expect(canvas[0, 2].text == "文")
    #expect(canvas[0, 4].text == "a")
    #expect(canvas.text == "中文ab\n")
  }

  @Test func wideCharacterIsNeverSplitAtTheRightEdge() {
    var canvas = Canvas(width: 4, height: 1)
    canvas.fill(row: 0, column: 0, width: 4, height: 1, character: "x")
    #expect(canvas.put("a中文", row: 0, column: 0) == 4)
    #expect(canvas[0, 3].text == " ")
    #expect(canvas.text == "a中\n")
  }

  @Test func wideCharacterIsNeverSplitAtMaxWidth() {
    var canvas = Canvas(width: 10, height: 1)
    canvas.fill(row: 0, column: 0, width: 10, height: 1, character: "x")
    #expect(canvas.put("ab中", row: 0, column: 0, maxWidth: 3) == 3)
    #expect(canvas.text == "ab xxxxxxx\n")
  }

  @Test func wideCharacterCutByTheLeftEdgeBecomesASpace() {
    var canvas = Canvas(width: 6, height: 1)
    canvas.fill(row: 0, column: 0, width: 6, height: 1, character: "x")
    // "中" covers columns -1 and 0; "文" columns 1 and 2.
    #expect(canvas.put("中文", row: 0, column: -1) == 4)
    #expect(canvas.text == " 文xxx\n")
    // "f" lands on the left half of "文", so its right half is blanked.
    #expect(canvas.put("abcdef", row: 0, column: -4) == 6)
    #expect(canvas.text == "ef xxx\n")
  }

  @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
    var canvas = Canvas(width: 6, height: 1)
    canvas.put("中文", row: 0, column: 0)
    canvas.put("x", row: 0, column: 1)  // right half of 中
    canvas.put("y", row: 0, column: 2)  // left half of 文
    #expect(canvas.text == " xy\n")
    #expect(canvas[0, 3] == Cell(text: " ", style: .plain))
    #expect(!canvas[0, 3].isContinuation)
  }

  @Test func combiningMarksStayWithTheirBase() {
    var canvas = Canvas(width: 6, height: 1)
    #expect(canvas.put("e\u{301}a\u{308}\u{323}", row: 0, column: 0) == 2)
    #expect(canvas[0, 0].text == "e\u{301}")
    #expect(canvas[0, 1].text == "a\u{308}\u{323}")
    #expect(canvas.text == "e\u{301}a\u{308}\u{323}\n")
  }

  @Test func aMarkWithNothingBeforeItIsDroppedAndMarksAreCappedAtFour() {
    var canvas = Canvas(width: 4, height: 1)
    #expect(canvas.put("\u{301}a\u{300}\u{301}\u{302}\u{303}\u{304}", row: 0, column: 0) == 1)
    #expect(canvas[0, 0].text == "a\u{300}\u{301}\u{302}\u{303}")
  }

  @Test func emojiAreWideAndZeroWidthJoinersAndSelectorsAreDropped() {
    var canvas = Canvas(width: 12, height: 1)
    #expect(canvas.put("😀", row: 0, column: 0) == 2)
    // A family emoji covers its three people in a wcwidth terminal; the joiners go.
    #expect(canvas.put("👨\u{200D}👩\u{200D}👧", row: 0, column: 2) == 6)
    #expect(canvas[0, 2].text == "👨")
    #expect(canvas[0, 4].text == "👩")
    #expect(canvas.put("❤\u{FE0F}", row: 0, column: 8) == 1)
    #expect(canvas[0, 8].text == "❤")
  }

  @Test func controlCharactersShowAsQuestionMarks() {
    var canvas = Canvas(width: 10, height: 1)
    #expect(canvas.put("a\tb\nc\u{7F}\u{0}\u{85}", row: 0, column: 0) == 8)
    #expect(canvas.text == "a?b?c???\n")
  }

  @Test func unassignedCodePointsShowAsQuestionMarks() {
    var canvas = Canvas(width: 4, height: 1)
    #expect(canvas.put("\u{378}x", row: 0, column: 0) == 2)
    #expect(canvas.text == "?x\n")
  }

  @Test func writesOutsideTheCanvasAreIgnored() {
    var canvas = Canvas(width: 3, height: 2)
    #expect(canvas.put("abc", row: -1, column: 0) == 3)
    #expect(canvas.put("abc", row: 2, column: 0) == 3)
    #expect(canvas.put("abc", row: 0, column: 3) == 0)
    #expect(canvas.put("abc", row: 0, column: -3) == 3)
    #expect(canvas.put("abc", row: .min, column: .max) == 0)
    #expect(canvas.put("abc", row: .max, column: .min, maxWidth: .max) == 3)
    #expect(canvas.put("abc", row: 0, column: .min + 1, maxWidth: .max) == 3)
    canvas.fill(row: -5, column: -5, width: 2, height: 2, character: "#")
    canvas.fill(row: 2, column: 0, width: 3, height: 1, character: "#")
    canvas.fill(row: .min, column: .min, width: .max, height: .max, character: "#")
    #expect(canvas.text == "\n\n")
    canvas.fill(row: -1, column: -1, width: .max, height: .max, character: "#")
    #expect(canvas.text == "###\n###\n")
    #expect(canvas[5, 0] == .blank)
    #expect(canvas[0, -1] == .blank)
    #expect(Canvas(width: -3, height: -1).text == "")
  }

  @Test func fillCoversAClippedRectangle() {
    var canvas = Canvas(width: 6, height: 4)
    let style = Style(background: .blue)
    canvas.fill(row: 1, column: 2, width: 10, height: 2, character: "·", style: style)
    #expect(canvas.text == "\n  ····\n  ····\n\n")
    #expect(canvas[1, 5].style == style)
    #expect(canvas[3, 5].style == .plain)
  }

  @Test func fillWithAWideCharacterPadsAnOddColumn() {
    var canvas = Canvas(width: 8, height: 1)
    canvas.fill(row: 0, column: 1, width: 5, height: 1, character: "中")
    #expect(canvas.text == " 中中\n")
    #expect(canvas[0, 5].text == " ")
  }

  @Test func fillWithAZeroWidthCharacterFillsWithSpaces() {
    var canvas = Canvas(width: 3, height: 1)
    canvas.put("abc", row: 0, column: 0)
    canvas.fill(row: 0, column: 0, width: 2, height: 1, character: "\u{301}")
    #expect(canvas.text == "  c\n")
  }

  @Test func runsGroupCellsOfEqualStyle() {
    var canvas = Canvas(width: 8, height: 1)
    let selected = Style(reverse: true)
    canvas.put("ab", row: 0, column: 0)
    canvas.put("中d", row: 0, column: 2, style: selected)
    #expect(canvas.runs(row: 0) == [
      Canvas.Run(column: 0, text: "ab", style: .plain),
      Canvas.Run(column: 2, text: "中d", style: selected),
      Canvas.Run(column: 5, text: "   ", style: .plain),
    ])
    #expect(canvas.runs(row: 1).isEmpty)
  }

  @Test func equalCanvasesCompareEqual() {
    var first = Canvas(width: 3, height: 1)
    var second = Canvas(width: 3, height: 1)
    first.put("ab", row: 0, column: 0)
    second.put("ab", row: 0, column: 0)
    #expect(first == second)
    second.put("b", row: 0, column: 1, style: Style(bold: true))
    #expect(first != second)
  }
}
