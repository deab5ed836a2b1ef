import PareFormats
import Testing

@Suite struct TextWindowsTests {
  @Test func cutsLikeLlamaPerplexity() throws {
    let ids = Array(10..<31)  // 21 tokens: two windows of 8, 5 left over
    let windows = try TextWindows(ids: ids, length: 8, bos: 1, file: "t.txt")
    #expect(windows.windows == [[1, 11, 12, 13, 14, 15, 16, 17], [1, 19, 20, 21, 22, 23, 24, 25]])
    #expect(windows.tokenCount == 21)
    let plain = try TextWindows(ids: ids, length: 8, limit: 1, bos: nil, file: "t.txt")
    #expect(plain.windows == [[10, 11, 12, 13, 14, 15, 16, 17]])
  }

  @Test func aTextShorterThanOneWindowIsAnError() {
    #expect(throws: ModelError(file: "t.txt", "the text is 5 tokens, shorter than one window of 8 (give a longer text, or a smaller --ctx)")) {
      try TextWindows(ids: [1, 2, 3, 4, 5], length: 8, bos: nil, file: "t.txt")
    }
  }
}
