import Foundation
import PareCore
import PareFormats
import Testing

@Suite struct AtomicFileTests {
  @Test func writingIntoAMissingDirectoryThrowsAndLeavesNothing() throws {
    try withTemporaryDirectory { dir in
      let path = dir.path("missing/out.bin")
      let error = try #require(throws: FileWriteError.self) { try AtomicFile.write([[1, 2, 3]], to: path) }
      #expect(error.path == path)
      #expect(error.description.hasPrefix("cannot write \(path): "))
      #expect(!error.reason.isEmpty)
      #expect(!FileManager.default.fileExists(atPath: path))
      #expect(try dir.listing().isEmpty, "neither the directory nor a temporary file was created")
    }
  }

  @Test func safetensorsWriterIntoAMissingDirectoryThrowsFileWriteError() throws {
    try withTemporaryDirectory { dir in
      var writer = SafetensorsWriter()
      try writer.add("w", Tensor(shape: [2], scalars: [1, 2]))
      let path = dir.path("missing/model.safetensors")
      let error = try #require(throws: FileWriteError.self) { try writer.write(to: path) }
      #expect(error.path == path)
      #expect(try dir.listing().isEmpty)
    }
  }

  @Test func overwritingReplacesTheWholeFileAndLeavesNoTemporaryFile() throws {
    try withTemporaryDirectory { dir in
      let path = try dir.write([UInt8](repeating: 0xAB, count: 4096), to: "model.safetensors")
      var writer = SafetensorsWriter()
      try writer.add("w", Tensor(shape: [2], scalars: [1, 2]))
      try writer.write(to: path)

      let written = try #require(dir.contents(of: "model.safetensors"))
      #expect(written == Array(try writer.serialized().joined()))
      #expect(written.count < 4096, "no tail of the old, longer file survives")
      #expect(try SafetensorsFile(path: path).tensor(named: "w").scalars == [1, 2])
      #expect(try dir.listing() == ["model.safetensors"])
    }
  }

  @Test func writesTextAsUTF8() throws {
    try withTemporaryDirectory { dir in
      let path = try dir.write("old contents that are longer", to: "plan.json")
      try AtomicFile.write("{\"é\": 1}", to: path)
      #expect(dir.contents(of: "plan.json") == Array("{\"é\": 1}".utf8))
      #expect(try dir.listing() == ["plan.json"])
    }
  }

  @Test func writingOverADirectoryFailsAndCleansUp() throws {
    try withTemporaryDirectory { dir in
      try FileManager.default.createDirectory(atPath: dir.path("taken"), withIntermediateDirectories: false)
      let error = try #require(throws: FileWriteError.self) { try AtomicFile.write([[1]], to: dir.path("taken")) }
      #expect(error.path == dir.path("taken"))
      #expect(try dir.listing() == ["taken"], "the temporary file was removed after the failed rename")
      #expect(try dir.listing("taken").isEmpty)
    }
  }
}
