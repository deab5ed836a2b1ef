import Foundation
import PareFormats
import Testing

/// One hand-built file that breaks one rule of DESIGN.md §8, and the error it must produce.
struct MalformedFile: Sendable, CustomTestStringConvertible {
  let rule: String
  let bytes: [UInt8]
  let problem: SafetensorsError.Problem
  /// The tensor the error must name, or nil when the problem is about the whole file.
  let tensor: String?

  init(_ rule: String, _ bytes: [UInt8], _ problem: SafetensorsError.Problem, tensor: String? = nil) {
    (self.rule, self.bytes, self.problem, self.tensor) = (rule, bytes, problem, tensor)
  }

  /// The same header with `data` after it.
  init(_ rule: String, header: String, data: [UInt8] = [], _ problem: SafetensorsError.Problem, tensor: String? = nil) {
    self.init(rule, RawSafetensors.image(header: header, data: data), problem, tensor: tensor)
  }

  var testDescription: String { rule }
}

private let f32x1 = RawSafetensors.entry("F32", [1], 0, 4)
private let fourBytes: [UInt8] = [0, 0, 128, 63]

/// Files refused before the JSON is looked at: the 8-byte length prefix and the header's bytes.
private let framingCases: [MalformedFile] = [
  MalformedFile("empty file", [], .truncated(fileSize: 0)),
  MalformedFile("shorter than 8 bytes", [1, 0, 0, 0, 0], .truncated(fileSize: 5)),
  MalformedFile(
    "header length over 100 MB",
    RawSafetensors.image(header: "{}", headerLength: 100_000_001), .headerTooLarge(100_000_001)),
  MalformedFile(
    "header length UInt64.max",
    RawSafetensors.image(header: "{}", headerLength: .max), .headerTooLarge(.max)),
  MalformedFile(
    "header length beyond the file",
    RawSafetensors.image(header: "{}", headerLength: 50), .headerBeyondFile(headerLength: 50, fileSize: 10)),
  MalformedFile(
    "header not UTF-8",
    RawSafetensors.image(headerBytes: Array("{\"a\":\"".utf8) + [0xFF, 0xFE] + Array("\"}".utf8)), .headerNotUTF8),
  MalformedFile("header not JSON", header: #"{"a": "#, .headerNotJSON("")),
  MalformedFile("header empty", header: "", .headerNotJSON("")),
  MalformedFile("header an array", header: "[1, 2]", .headerNotObject),
  MalformedFile("header a string", header: #""text""#, .headerNotObject),
  MalformedFile("header null", header: "null", .headerNotObject),
]

/// Headers that are JSON objects but whose entries break a rule.
private let entryCases: [MalformedFile] = [
  MalformedFile("__metadata__ a string", header: #"{"__metadata__": "x"}"#, .metadataNotStringMap),
  MalformedFile("__metadata__ with a number", header: #"{"__metadata__": {"a": 1}}"#, .metadataNotStringMap),
  MalformedFile("__metadata__ with a nested map", header: #"{"__metadata__": {"a": {"b": "c"}}}"#, .metadataNotStringMap),
  MalformedFile("entry an array", header: #"{"w": [1]}"#, .entryNotObject("an array"), tensor: "w"),
  MalformedFile("entry a string", header: #"{"w": "F32"}"#, .entryNotObject("a string"), tensor: "w"),
  MalformedFile(
    "missing dtype", header: #"{"w": {"shape": [1], "data_offsets": [0, 4]}}"#, data: fourBytes,
    .missingKey("dtype"), tensor: "w"),
  MalformedFile(
    "missing shape", header: #"{"w": {"dtype": "F32", "data_offsets": [0, 4]}}"#, data: fourBytes,
    .missingKey("shape"), tensor: "w"),
  MalformedFile(
    "missing data_offsets", header: #"{"w": {"dtype": "F32", "shape": [1]}}"#, data: fourBytes,
    .missingKey("data_offsets"), tensor: "w"),
  MalformedFile(
    "unknown dtype", header: #"{"w": \#(RawSafetensors.entry("F128", [1], 0, 4))}"#, data: fourBytes,
    .unknownDType("F128"), tensor: "w"),
  MalformedFile(
    "dtype in lower case", header: #"{"w": \#(RawSafetensors.entry("f32", [1], 0, 4))}"#, data: fourBytes,
    .unknownDType("f32"), tensor: "w"),
  MalformedFile(
    "dtype not a string", header: #"{"w": {"dtype": 4, "shape": [1], "data_offsets": [0, 4]}}"#, data: fourBytes,
    .unknownDType("a number"), tensor: "w"),
  MalformedFile(
    "negative shape extent", header: #"{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#,
    data: fourBytes, .badShape("extents must be non-negative integers"), tensor: "w"),
  MalformedFile(
    "non-integer shape extent", header: #"{"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}"#,
    data: fourBytes, .badShape("extents must be non-negative integers"), tensor: "w"),
  MalformedFile(
    "shape extent a string", header: #"{"w": {"dtype": "F32", "shape": ["1"], "data_offsets": [0, 4]}}"#,
    data: fourBytes, .badShape("extents must be non-negative integers"), tensor: "w"),
  MalformedFile(
    "shape not an array", header: #"{"w": {"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}}"#,
    data: fourBytes, .badShape("expected an array, got a number"), tensor: "w"),
  MalformedFile(
    "shape product overflows", header: #"{"w": \#(RawSafetensors.entry("F32", [4_294_967_296, 4_294_967_296], 0, 4))}"#,
    data: fourBytes, .badShape("[4294967296, 4294967296] is too large"), tensor: "w"),
  MalformedFile(
    "data_offsets one int", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [4]}}"#,
    data: fourBytes, .badOffsets("expected [begin, end] integers"), tensor: "w"),
  MalformedFile(
    "data_offsets three ints", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}"#,
    data: fourBytes, .badOffsets("expected [begin, end] integers"), tensor: "w"),
  MalformedFile(
    "data_offsets not ints", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4.5]}}"#,
    data: fourBytes, .badOffsets("expected [begin, end] integers"), tensor: "w"),
  MalformedFile(
    "data_offsets an object", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": {"0": 4}}}"#,
    data: fourBytes, .badOffsets("expected [begin, end] integers"), tensor: "w"),
  MalformedFile(
    "data_offsets end before begin", header: #"{"w": \#(RawSafetensors.entry("F32", [1], 8, 4))}"#,
    data: fourBytes + fourBytes, .badOffsets("[8, 4] is not a range"), tensor: "w"),
  MalformedFile(
    "data_offsets negative", header: #"{"w": \#(RawSafetensors.entry("F32", [1], -4, 0))}"#,
    .badOffsets("[-4, 0] is not a range"), tensor: "w"),
  MalformedFile(
    "shape and dtype need more bytes than the range", header: #"{"w": \#(RawSafetensors.entry("F32", [2], 0, 4))}"#,
    data: fourBytes, .sizeMismatch(expected: 8, actual: 4), tensor: "w"),
  MalformedFile(
    "shape and dtype need fewer bytes than the range", header: #"{"w": \#(RawSafetensors.entry("F16", [1], 0, 4))}"#,
    data: fourBytes, .sizeMismatch(expected: 2, actual: 4), tensor: "w"),
]

/// Headers whose entries are each fine but whose byte ranges do not tile the data buffer, or
/// whose names repeat.
private let layoutCases: [MalformedFile] = [
  MalformedFile(
    "overlapping ranges",
    header: #"{"a": \#(RawSafetensors.entry("F32", [2], 0, 8)), "b": \#(RawSafetensors.entry("F32", [2], 4, 12))}"#,
    data: [UInt8](repeating: 0, count: 12), .overlap(other: "a"), tensor: "b"),
  MalformedFile(
    "overlap listed before what it overlaps",
    header: #"{"b": \#(RawSafetensors.entry("F32", [2], 4, 12)), "a": \#(RawSafetensors.entry("F32", [2], 0, 8))}"#,
    data: [UInt8](repeating: 0, count: 12), .overlap(other: "a"), tensor: "b"),
  MalformedFile(
    "identical ranges",
    header: #"{"a": \#(f32x1), "b": \#(f32x1)}"#,
    data: fourBytes, .overlap(other: "a"), tensor: "b"),
  MalformedFile(
    "gap between ranges",
    header: #"{"a": \#(RawSafetensors.entry("F32", [1], 0, 4)), "b": \#(RawSafetensors.entry("F32", [1], 8, 12))}"#,
    data: [UInt8](repeating: 0, count: 12), .gap(from: 4, to: 8), tensor: "b"),
  MalformedFile(
    "gap at the start of the buffer", header: #"{"a": \#(RawSafetensors.entry("F32", [1], 4, 8))}"#,
    data: fourBytes + fourBytes, .gap(from: 0, to: 4), tensor: "a"),
  MalformedFile(
    "trailing bytes after the last range", header: #"{"a": \#(f32x1)}"#,
    data: fourBytes + [0, 0], .coverageMismatch(covered: 4, dataLength: 6)),
  MalformedFile(
    "data but no tensors", header: "{}", data: fourBytes, .coverageMismatch(covered: 0, dataLength: 4)),
  MalformedFile(
    "range past the end of the file", header: #"{"a": \#(RawSafetensors.entry("F32", [2], 0, 8))}"#,
    data: fourBytes, .coverageMismatch(covered: 8, dataLength: 4)),
  MalformedFile(
    "duplicate tensor name",
    header: #"{"w": \#(f32x1), "w": \#(RawSafetensors.entry("F32", [1], 4, 8))}"#,
    data: fourBytes + fourBytes, .duplicateName, tensor: "w"),
  MalformedFile(
    "duplicate tensor name spelled with a \\u escape",
    header: #"{"w": \#(f32x1), "\u0077": \#(RawSafetensors.entry("F32", [1], 4, 8))}"#,
    data: fourBytes + fourBytes, .duplicateName, tensor: "w"),
  MalformedFile(
    "duplicate __metadata__",
    header: #"{"__metadata__": {"a": "1"}, "__metadata__": {"a": "2"}}"#, .duplicateName, tensor: "__metadata__"),
]

/// Whether `actual` is the rule `expected` names. Foundation words the reason of
/// `.headerNotJSON` differently across versions, so for that case only the case is compared.
private func sameRule(_ actual: SafetensorsError.Problem, _ expected: SafetensorsError.Problem) -> Bool {
  if case .headerNotJSON = expected, case .headerNotJSON = actual { return true }
  return actual == expected
}

@Suite struct SafetensorsMalformedTests {
  /// Writes `bad` to a file, opens it, and checks the error names the rule, file and tensor.
  private func expectRefused(_ bad: MalformedFile) throws {
    try withTemporaryDirectory { dir in
      let path = try dir.write(bad.bytes, to: "bad.safetensors")
      let error = try #require(throws: SafetensorsError.self) { try SafetensorsFile(path: path) }
      #expect(sameRule(error.problem, bad.problem), "got \(error.problem)")
      #expect(error.file == path)
      #expect(error.tensor == bad.tensor)
      #expect(error.description.hasPrefix(path + ": "), "\(error)")
      if let tensor = bad.tensor { #expect(error.description.contains("tensor '\(tensor)'"), "\(error)") }
    }
  }

  @Test(arguments: framingCases) func refusesBadFraming(_ bad: MalformedFile) throws { try expectRefused(bad) }

  @Test(arguments: entryCases) func refusesBadEntry(_ bad: MalformedFile) throws { try expectRefused(bad) }

  @Test(arguments: layoutCases) func refusesBadLayout(_ bad: MalformedFile) throws { try expectRefused(bad) }

  /// The control for the cases above: the same hand-built framing, with every rule kept, opens.
  @Test func handBuiltValidFileOpens() throws {
    try withTemporaryDirectory { dir in
      let header = #"{"__metadata__": {"k": "v"}, "b": \#(RawSafetensors.entry("F32", [1], 4, 8)), "a": \#(f32x1), "z": \#(RawSafetensors.entry("U8", [0], 8, 8))}"#
      let path = try dir.write(RawSafetensors.image(header: header, data: fourBytes + fourBytes), to: "ok.safetensors")
      let file = try SafetensorsFile(path: path)
      #expect(file.header.entries.map(\.name) == ["a", "b", "z"], "entries are in offset order, not JSON order")
      #expect(file.header.metadata == ["k": "v"])
      #expect(try file.tensor(named: "b").scalars == [1])
    }
  }

  /// Whitespace before the JSON and a `\u` escape in a unique name are both legal.
  @Test func escapedUniqueNamesAndPaddingAreAccepted() throws {
    let header = Array("  {\"\\u0061\\\"b\": \(f32x1)}      ".utf8)
    let parsed = try SafetensorsHeader.parse(header, dataLength: 4, file: "mem")
    #expect(parsed.entries.map(\.name) == ["a\"b"])
  }

  @Test func directoryIsUnreadable() throws {
    try withTemporaryDirectory { dir in
      let error = try #require(throws: SafetensorsError.self) { try SafetensorsFile(path: dir.path) }
      #expect(error.problem == .unreadable("not a regular file"))
      #expect(error.description.hasPrefix(dir.path))
    }
  }

  @Test func missingFileIsUnreadable() throws {
    try withTemporaryDirectory { dir in
      let path = dir.path("absent.safetensors")
      let error = try #require(throws: SafetensorsError.self) { try SafetensorsFile(path: path) }
      guard case .unreadable = error.problem else {
        Issue.record("expected .unreadable, got \(error.problem)")
        return
      }
      #expect(error.description.hasPrefix(path + ": cannot read"))
    }
  }
}
