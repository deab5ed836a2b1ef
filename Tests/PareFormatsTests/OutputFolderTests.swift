import Foundation
import Testing
import PareFormats

/// Output folders are made as `mkdir -p`; a file in the way is one line naming it.
struct OutputFolderTests {
  @Test func makesMissingParentsAndAcceptsExistingFolders() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pare-folder-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    try OutputFolder.create(root + "/a/b")
    try OutputFolder.create(root + "/a/b")
    var isDirectory: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: root + "/a/b", isDirectory: &isDirectory) && isDirectory.boolValue)
  }

  @Test func aFileInTheWayIsNamed() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pare-folder-\(UUID().uuidString)").path
    try Data().write(to: URL(fileURLWithPath: file))
    defer { try? FileManager.default.removeItem(atPath: file) }
    #expect(throws: FileWriteError(path: file, reason: "it is a file, not a folder")) { try OutputFolder.create(file + "/cache") }
  }
}
