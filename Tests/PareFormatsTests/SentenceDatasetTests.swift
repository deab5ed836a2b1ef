import PareFormats
import Testing

@Suite struct SentenceDatasetTests {
  @Test func readsOneSentencePerLineSkippingBlankLines() throws {
    let data = try SentenceDataset(bytes: Array("A cat sat.\n\n  \nThe dog ran.\r\nÉtude.".utf8), path: "s.txt")
    #expect(data.sentences == ["A cat sat.", "The dog ran.", "Étude."])
    #expect(data.pairs.isEmpty)
    #expect(data.count == 3)
  }

  @Test func readsScoredPairs() throws {
    let data = try SentenceDataset(bytes: Array("a\tb\t4.5\nc\td\t0\n".utf8), path: "p.tsv")
    #expect(data.sentences == ["a", "b", "c", "d"])
    #expect(data.pairs == [.init(first: 0, second: 1, gold: 4.5), .init(first: 2, second: 3, gold: 0)])
  }

  @Test func aPairFileRefusesALineThatIsNotAPair() {
    #expect(throws: ModelError(file: "p.tsv", "line 3 is not 'sentence1<TAB>sentence2<TAB>score' like the first line")) {
      try SentenceDataset(bytes: Array("a\tb\t1\n\njust a sentence\n".utf8), path: "p.tsv")
    }
  }

  @Test func refusesEmptyFilesAndInvalidUTF8() {
    #expect(throws: ModelError(file: "e.txt", "has no sentences (the file is empty or blank)")) {
      try SentenceDataset(bytes: Array("\n \n".utf8), path: "e.txt")
    }
    #expect(throws: ModelError(file: "b.txt", "line 2 is not valid UTF-8")) {
      try SentenceDataset(bytes: Array("ok\n".utf8) + [0xFF, 0xFE], path: "b.txt")
    }
    #expect(throws: ModelError.self) { try SentenceDataset(path: "/nonexistent/sentences.txt") }
  }

  @Test func prefixKeepsWholePairs() throws {
    let sentences = try SentenceDataset(bytes: Array("a\nb\nc\n".utf8), path: "s")
    #expect(sentences.prefix(2).sentences == ["a", "b"])
    #expect(sentences.prefix(10).sentences == ["a", "b", "c"])
    let pairs = try SentenceDataset(bytes: Array("a\tb\t1\nc\td\t2\ne\tf\t3\n".utf8), path: "p")
    let subset = pairs.prefix(3)
    #expect(subset.sentences == ["a", "b"])
    #expect(subset.pairs.count == 1)
  }
}
