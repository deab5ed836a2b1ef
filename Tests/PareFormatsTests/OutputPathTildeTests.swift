import Testing
@testable import PareFormats

struct OutputPathTildeTests {
  @Test func aLeadingTildeIsTheHomeDirectoryAsInAShell() {
    #expect(OutputPath.expandingTilde("~/p.json", home: "/home/u") == "/home/u/p.json")
    #expect(OutputPath.expandingTilde("~", home: "/home/u/") == "/home/u")
    #expect(OutputPath.expandingTilde("~user/p.json", home: "/home/u") == "~user/p.json")
    #expect(OutputPath.expandingTilde("a/~/p.json", home: "/home/u") == "a/~/p.json")
    #expect(OutputPath.expandingTilde("~/p.json", home: nil) == nil)
  }

  @Test func anUnexpandedTildeOutputIsRefusedWithTheFormMeant() throws {
    let error = #expect(throws: FileWriteError.self) {
      try OutputPath.refuseUnexpandedTilde("~/x", home: "/home/u")
    }
    #expect(error?.description.contains("write /home/u/x for your home directory, or ./~/x") == true)
    try OutputPath.refuseUnexpandedTilde("./~/x", home: "/home/u")
    try OutputPath.refuseUnexpandedTilde("/tmp/x", home: "/home/u")
  }
}
