import Glibc
import Testing
@testable import PareTerminal

struct TextWidthTests {
  @Test(arguments: [
    ("", 0), ("abc", 3), ("中文", 4), ("e\u{301}", 1), ("😀", 2), ("a\tb", 3),
    ("\u{200D}\u{FE0F}\u{AD}", 0), ("🇩🇪", 2), ("─│…▁█⠿", 6), ("ｶﾀｶﾅ", 4), ("ＡＢ", 4),
  ])
  func displayWidth(text: String, width: Int) {
    #expect(Canvas.displayWidth(of: text) == width)
  }

  @Test func widthsDoNotDependOnTheThreadOrProcessLocale() throws {
    let cLocale = try #require(newlocale(LC_CTYPE_MASK, "C", nil))
    defer { freelocale(cLocale) }
    let previous = uselocale(cLocale)
    defer { uselocale(previous) }
    #expect(Canvas.displayWidth(of: "中文e\u{301}😀") == 7)
  }

  @Test func truncatedLeavesShortTextAlone() {
    #expect(Canvas.truncated("layers.0.q", toWidth: 10, ellipsis: "…") == "layers.0.q")
  }

  @Test func truncatedEndsWithTheEllipsis() {
    #expect(Canvas.truncated("layers.0.attn.q_proj", toWidth: 8, ellipsis: "…") == "layers.…")
    #expect(Canvas.truncated("layers.0.attn.q_proj", toWidth: 8, ellipsis: "~") == "layers.~")
    #expect(Canvas.truncated("layers", toWidth: 1, ellipsis: "…") == "…")
    #expect(Canvas.truncated("layers", toWidth: 0, ellipsis: "…") == "")
    #expect(Canvas.truncated("layers", toWidth: -2, ellipsis: "…") == "")
  }

  @Test func truncatedNeverSplitsAWideCharacter() {
    let cut = Canvas.truncated("中文字", toWidth: 4, ellipsis: "…")
    #expect(cut == "中…")
    #expect(Canvas.displayWidth(of: cut) == 3)
  }
}
