import Foundation
import Testing
@testable import PareFormats

/// The writer against gguf-py's: re-writing a file gguf-py wrote (its metadata, then its tensors'
/// bytes in order) gives the same bytes, so keys, value encodings, tensor infos, offsets and
/// padding all match an independent writer.
@Suite struct GGUFWriterTests {
  @Test(arguments: ["metadata-v3.gguf", "types.gguf"])
  func rewritingAFileGGUFPyWroteGivesItsBytes(name: String) throws {
    let path = GGUFFixtures.fixture(name)
    let file = try GGUFFile(path: path)
    var writer = GGUFWriter(metadata: file.metadata)
    for tensor in file.tensors {
      let bytes = file.withBytes(of: tensor) { [UInt8]($0) }
      try writer.addTensor(tensor.name, shape: tensor.shape, type: tensor.type, data: bytes)
    }
    let written = writer.encoded().flatMap { $0 }
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(written.count == original.count)
    #expect(written == original)
  }

  @Test func aWrittenFileReadsBack() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-writer-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var writer = GGUFWriter()
    writer.set("general.architecture", .string("llama"))
    writer.set("general.alignment", .uint32(64))
    writer.set("general.name", .string("first"))
    writer.set("general.name", .string("second"))
    let values: [Float] = (0..<96).map { Float($0) * 0.25 - 3 }
    try writer.addTensor("a.weight", shape: [3, 32], type: .f32, data: values.withUnsafeBytes { [UInt8]($0) })
    try writer.addTensor("b", shape: [5], type: .f32, data: [UInt8](repeating: 0, count: 20))
    let path = directory.appendingPathComponent("m.gguf").path
    try writer.write(to: path)

    let file = try GGUFFile(path: path)
    #expect(file.metadata.keys == ["general.architecture", "general.alignment", "general.name"])
    #expect(file.metadata.string("general.name") == "second")
    #expect(file.alignment == 64)
    #expect(file.tensors.map(\.shape) == [[3, 32], [5]])
    #expect(try file.decode(named: "a.weight").scalars == values)
    #expect(file.tensors[1].offset == 384)
  }

  @Test func badTensorsAreRefusedNamingThem() {
    var writer = GGUFWriter()
    #expect(throws: GGUFWriterError("tensor 'q': rows of 48 are not a multiple of q4_k's block of 256")) {
      try writer.addTensor("q", shape: [2, 48], type: .q4_k, data: [])
    }
    #expect(throws: GGUFWriterError("tensor 'x': 3 bytes given, f32 of shape [2] takes 8")) {
      try writer.addTensor("x", shape: [2], type: .f32, data: [0, 0, 0])
    }
    let long = String(repeating: "n", count: 64)
    #expect(throws: GGUFWriterError("tensor '\(long)': its name has 64 bytes (ggml loads at most 63)")) {
      try writer.addTensor(long, shape: [1], type: .f32, data: [0, 0, 0, 0])
    }
    #expect(throws: Never.self) { try writer.addTensor("y", shape: [1], type: .f32, data: [0, 0, 0, 0]) }
    #expect(throws: GGUFWriterError("tensor 'y' is added twice")) {
      try writer.addTensor("y", shape: [1], type: .f32, data: [0, 0, 0, 0])
    }
  }
}
