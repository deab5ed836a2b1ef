import Foundation
import PareCore
import PareFormats
import Testing

@testable import PareCompression

/// The packed format against the drop-in export: unpacking a packed file gives the bytes `pare
/// apply` writes, for every scheme; sizes match StorageCost up to byte padding; broken files are
/// refused naming the file and the tensor; and the export directory's files.
@Suite struct PackedModelTests {
  /// One tensor of the test model and the spec it gets (nil: left untouched).
  private struct Case {
    let name: String
    let dtype: DType
    let shape: [Int]
    let spec: CompressionSpec?
  }

  private static func int(_ bits: Int, _ granularity: Granularity, group: Int? = nil, symmetric: Bool = true) -> QuantizeSpec {
    QuantizeSpec(scheme: .int, bits: bits, granularity: granularity, groupSize: group, symmetric: symmetric)
  }

  /// Every scheme, granularity and combination the packed format has a layout for.
  private static let cases: [Case] = [
    Case(name: "int.sym.tensor", dtype: .f32, shape: [6, 10], spec: .init(quantize: int(4, .tensor))),
    Case(name: "int.sym.channel", dtype: .f32, shape: [6, 10], spec: .init(quantize: int(3, .channel))),
    Case(name: "int.sym.group", dtype: .f32, shape: [4, 2, 3, 3], spec: .init(quantize: int(8, .group, group: 4))),
    Case(name: "int.asym.tensor", dtype: .f32, shape: [6, 10], spec: .init(quantize: int(5, .tensor, symmetric: false))),
    Case(name: "int.asym.channel", dtype: .f32, shape: [6, 10], spec: .init(quantize: int(2, .channel, symmetric: false))),
    Case(name: "int.asym.group", dtype: .f32, shape: [6, 10], spec: .init(quantize: int(7, .group, group: 3, symmetric: false))),
    Case(name: "fp16", dtype: .f32, shape: [6, 10], spec: .init(quantize: .init(scheme: .fp16))),
    Case(name: "bf16", dtype: .f32, shape: [6, 10], spec: .init(quantize: .init(scheme: .bf16))),
    Case(name: "fp8.e4m3", dtype: .f32, shape: [6, 10], spec: .init(quantize: .init(scheme: .fp8E4M3, granularity: .channel))),
    Case(name: "fp8.e5m2", dtype: .f32, shape: [6, 10], spec: .init(quantize: .init(scheme: .fp8E5M2, granularity: .group, groupSize: 4))),
    Case(name: "codebook", dtype: .f32, shape: [6, 10], spec: .init(quantize: .init(scheme: .codebook, bits: 3, granularity: .channel))),
    Case(name: "ggml.q8_0", dtype: .f32, shape: [3, 64], spec: .init(quantize: .ggml(.q8_0))),
    Case(name: "ggml.q4_0", dtype: .f16, shape: [2, 32], spec: .init(quantize: .ggml(.q4_0))),
    Case(name: "magnitude.int4", dtype: .f32, shape: [6, 10],
         spec: .init(prune: .magnitude(0.6), quantize: int(4, .channel))),
    Case(name: "nm24.int8", dtype: .f32, shape: [6, 10], spec: .init(prune: .nm(2, 4), quantize: int(8, .channel))),
    Case(name: "nm38.codebook", dtype: .f32, shape: [4, 20],
         spec: .init(prune: .nm(3, 8), quantize: .init(scheme: .codebook, bits: 2, granularity: .tensor))),
    Case(name: "nm11.fp16", dtype: .f32, shape: [3, 5], spec: .init(prune: .nm(1, 1), quantize: .init(scheme: .fp16))),
    Case(name: "magnitude.alone", dtype: .f32, shape: [6, 10], spec: .init(prune: .magnitude(0.5, granularity: .channel))),
    Case(name: "f16.magnitude", dtype: .f16, shape: [6, 10], spec: .init(prune: .magnitude(0.3))),
    Case(name: "lowrank.alone", dtype: .f32, shape: [6, 10], spec: .init(lowrank: .init(rank: 3))),
    // Unquantized factors are stored as F16 and multiplied as stored: still bit-exact.
    Case(name: "f16.lowrank.alone", dtype: .f16, shape: [6, 10], spec: .init(lowrank: .init(rank: 3))),
    Case(name: "lowrank.int8", dtype: .f32, shape: [6, 10], spec: .init(lowrank: .init(rank: 2), quantize: int(8, .channel))),
    Case(name: "f16.lowrank.energy", dtype: .f16, shape: [8, 12],
         spec: .init(lowrank: .init(energy: 0.8), quantize: int(4, .group, group: 5, symmetric: false))),
    Case(name: "bias", dtype: .f32, shape: [10], spec: .init(quantize: int(8, .tensor))),
    Case(name: "untouched", dtype: .f32, shape: [3, 4], spec: nil),
    Case(name: "untouched.bf16", dtype: .bf16, shape: [5], spec: nil),
    Case(name: "steps", dtype: .i64, shape: [2], spec: nil),
  ]

  private static let plan = Plan(tensors: Dictionary(uniqueKeysWithValues: cases.compactMap { c in c.spec.map { (c.name, $0) } }))

  /// Deterministic values with the awkward ones mixed in: exact zeros, tiny values of both
  /// signs (which round to a zero code) and -0.
  private static func values(_ count: Int, seed: Int) -> [Float] {
    var state = UInt64(seed + 1) &* 0x9E37_79B9_7F4A_7C15
    return (0..<count).map { i in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      let uniform = Float(state >> 40) / Float(1 << 24) * 2 - 1
      switch i % 11 {
      case 3: return 0
      case 5: return -1e-6
      case 7: return -0.0
      default: return uniform * Float(1 + i % 3)
      }
    }
  }

  /// The test model written to `directory`/model.safetensors, with `__metadata__`.
  private static func writeModel(in directory: String) throws -> WeightStore {
    var writer = SafetensorsWriter()
    writer.metadata = ["format": "pt", "note": "test model"]
    for (index, c) in cases.enumerated() {
      try writer.add(c.name, Tensor(shape: c.shape, scalars: values(Tensor.elementCount(c.shape), seed: index)), as: c.dtype)
    }
    let path = directory + "/model.safetensors"
    try writer.write(to: path)
    return try WeightStore(file: path)
  }

  private static func bytes(_ file: SafetensorsFile, _ name: String) -> [UInt8]? {
    file.entry(named: name).map { entry in file.withRawBytes(of: entry) { Array($0) } }
  }

  /// Applies the plan to the test model and writes the drop-in and the packed file.
  private static func export(in directory: String) throws -> (weights: WeightStore, applied: AppliedPlan, dropIn: String, packed: String) {
    let weights = try writeModel(in: directory)
    try plan.validate(against: weights, file: "test plan")
    let applied = try AppliedPlan(plan: plan, weights: weights)
    let dropIn = directory + "/drop-in.safetensors", packed = directory + "/packed.safetensors"
    try ModelExport.dropIn(applied, weights: weights).write(to: dropIn)
    try PackedModel.packed(applied, weights: weights, recording: plan).write(to: packed)
    return (weights, applied, dropIn, packed)
  }

  @Test func unpackingThePackedFileGivesTheDropInBytesForEveryScheme() throws {
    try withScratchDirectory { directory in
      let (weights, applied, dropInPath, packedPath) = try Self.export(in: directory)
      let unpackedPath = directory + "/unpacked.safetensors"
      try PackedModel.unpack(packedPath, to: unpackedPath)
      let dropIn = try SafetensorsFile(path: dropInPath), unpacked = try SafetensorsFile(path: unpackedPath)

      #expect(dropIn.header.entries.map(\.name) == Self.cases.map(\.name))
      #expect(unpacked.header.entries.map(\.name) == Self.cases.map(\.name))
      #expect(unpacked.header.metadata == ["format": "pt", "note": "test model"])
      for c in Self.cases {
        let entry = try #require(unpacked.entry(named: c.name))
        #expect(entry.dtype == c.dtype && entry.shape == c.shape, "\(c.name)")
        #expect(Self.bytes(unpacked, c.name) == Self.bytes(dropIn, c.name), "\(c.name) differs after unpacking")
        if let compressed = applied.compressed[c.name] {
          #expect(try dropIn.tensor(named: c.name).scalars.map(\.bitPattern)
                  == Tensor(shape: c.shape, scalars: compressed.values.scalars).encodedRoundTrip(c.dtype).map(\.bitPattern), "\(c.name)")
        } else {
          #expect(Self.bytes(dropIn, c.name) == (try weights.withRawBytes(of: c.name) { Array($0) }), "\(c.name) not copied")
        }
      }
      #expect(FileManager.default.contents(atPath: dropInPath) == FileManager.default.contents(atPath: unpackedPath))
      // The plan really compressed something (the drop-in differs from the input).
      #expect(Self.bytes(dropIn, "int.sym.channel") != (try weights.withRawBytes(of: "int.sym.channel") { Array($0) }))
    }
  }

  @Test func packedPartsFollowTheDocumentedLayout() throws {
    try withScratchDirectory { directory in
      let (_, applied, _, packedPath) = try Self.export(in: directory)
      let packed = try SafetensorsFile(path: packedPath)
      func part(_ name: String) -> String? { packed.entry(named: name).map { "\($0.dtype.rawValue) \($0.shape)" } }

      #expect(part("int.sym.channel.codes") == "U8 [\((60 * 3 + 7) / 8)]")
      #expect(part("int.sym.channel.scales") == "F16 [6]")
      #expect(part("int.sym.channel.zero_points") == nil)
      #expect(part("int.sym.group.scales") == "F16 [\(4 * 5)]")  // 18 columns in chunks of 4: 5 groups a row
      #expect(part("int.asym.group.zero_points") == "F16 [\(6 * 4)]")
      #expect(part("fp16.codes") == "U8 [120]")
      #expect(part("fp16.scales") == nil)
      #expect(part("codebook.codebook") == "F16 [6, 8]")
      #expect(part("magnitude.int4.mask") == "U8 [8]")
      #expect(part("magnitude.int4.codes") == "U8 [\((24 * 4 + 7) / 8)]")  // 60 - round(0.6·60) = 24 kept
      #expect(part("nm24.int8.positions") == "U8 [\((6 * 6 * 2 + 7) / 8)]")  // blocks 4, 4, 2: 6 kept a row
      #expect(part("nm11.fp16.positions") == "U8 [0]")
      #expect(part("magnitude.alone.values") == "F32 [30]")
      #expect(part("f16.magnitude.values") == "F16 [42]")
      #expect(part("lowrank.alone.a") == "F32 [6, 3]")
      #expect(part("lowrank.alone.b") == "F32 [3, 10]")
      #expect(part("lowrank.int8.a.codes") == "U8 [12]")
      #expect(part("lowrank.int8.b.scales") == "F16 [2]")
      #expect(part("untouched.bf16") == "BF16 [5]")
      #expect(part("int.sym.channel") == nil)

      // The magnitude mask: bit k of the stream is entry k, 1 = kept.
      let maskBytes = try #require(Self.bytes(packed, "magnitude.int4.mask"))
      let kept = try #require(applied.compressed["magnitude.int4"]?.kept)
      #expect(try BitPacking.unpack(maskBytes, bits: 1, count: 60).map { $0 == 1 } == kept)

      let metadata = packed.header.metadata
      #expect(metadata["format"] == "pare-packed/1")
      #expect(try JSONDecoder().decode(Plan.self, from: Data(try #require(metadata["plan"]).utf8)) == Self.plan)
      let tensors = try JSONDecoder().decode([String: PackedTensorInfo].self, from: Data(try #require(metadata["tensors"]).utf8))
      #expect(Set(tensors.keys) == Set(applied.compressed.keys))
      #expect(tensors["lowrank.alone"] == PackedTensorInfo(shape: [6, 10], dtype: .f32, rank: 3))
      #expect(tensors["f16.magnitude"] == PackedTensorInfo(shape: [6, 10], dtype: .f16, rank: nil))
      #expect(try JSONDecoder().decode([String: String].self, from: Data(try #require(metadata["source_metadata"]).utf8))
              == ["format": "pt", "note": "test model"])
    }
  }

  @Test func packedSizesAreTheStorageCostUpToBytePadding() throws {
    try withScratchDirectory { directory in
      let (weights, applied, _, packedPath) = try Self.export(in: directory)
      let packed = try SafetensorsFile(path: packedPath)
      for (name, compressed) in applied.compressed {
        let parts = packed.header.entries.filter { $0.name.hasPrefix(name + ".") && weights.entry(named: $0.name) == nil }
        let bytes = parts.reduce(0) { $0 + $1.byteRange.count }
        // Each bit-packed stream (U8 part) rounds up to whole bytes on its own.
        let streams = parts.filter { $0.dtype == .u8 }.count
        #expect(bytes >= compressed.storage.bytes && bytes <= compressed.storage.bytes + streams,
                "\(name): packed \(bytes) bytes, storage cost \(compressed.storage.bytes)")
      }
      #expect(Self.isStorageCostUpToPadding(packed, applied))
    }
  }

  /// Whether the packed file's data is `applied`'s storage cost plus at most one padding byte
  /// per bit stream (each U8 part rounds up on its own; the storage cost once per tensor).
  private static func isStorageCostUpToPadding(_ packed: SafetensorsFile, _ applied: AppliedPlan) -> Bool {
    let data = packed.header.entries.reduce(0) { $0 + $1.byteRange.count }
    let streams = packed.header.entries.filter { $0.dtype == .u8 }.count
    return data >= applied.compressedBytes && data <= applied.compressedBytes + streams
  }

  @Test func deepCompressionExamplePacksToItsStorageCost() throws {
    let model = try ModelDirectory.open(Self.assets + "/models/lenet-300-100")
    let plan = try Plan.load(path: Self.assets + "/plans/lenet-300-100-deep-compression.json")
    let applied = try AppliedPlan(plan: plan, weights: model.weights)
    try withScratchDirectory { directory in
      try PackedModel.packed(applied, weights: model.weights, recording: plan).write(to: directory + "/p.safetensors")
      let packed = try SafetensorsFile(path: directory + "/p.safetensors")
      #expect(Self.isStorageCostUpToPadding(packed, applied))
    }
  }

  // MARK: - Refused files

  /// The packed file rewritten with `change` applied to its entries and metadata.
  private static func rewrite(
    _ path: String, to output: String,
    _ change: (inout [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])], inout [String: String]) -> Void
  ) throws {
    let file = try SafetensorsFile(path: path)
    var entries = file.header.entries.map { e in (name: e.name, dtype: e.dtype, shape: e.shape, bytes: file.withRawBytes(of: e) { Array($0) }) }
    var metadata = file.header.metadata
    change(&entries, &metadata)
    var writer = SafetensorsWriter()
    writer.metadata = metadata
    for e in entries { try writer.add(e.name, dtype: e.dtype, shape: e.shape, bytes: e.bytes) }
    try writer.write(to: output)
  }

  /// The error unpacking `path` throws (nil when it does not).
  private static func unpackError(_ path: String) -> String? {
    do {
      _ = try PackedModel.unpacked(path: path)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func refusesAFileMissingAPart() throws {
    try withScratchDirectory { directory in
      let (_, _, _, packed) = try Self.export(in: directory)
      let broken = directory + "/broken.safetensors"
      try Self.rewrite(packed, to: broken) { entries, _ in entries.removeAll { $0.name == "int.asym.channel.codes" } }
      let message = try #require(Self.unpackError(broken))
      #expect(message == "\(broken): tensor 'int.asym.channel': missing 'int.asym.channel.codes' (U8 [15])")

      try Self.rewrite(packed, to: broken) { entries, _ in entries.removeAll { $0.name == "lowrank.int8.b.scales" } }
      #expect(Self.unpackError(broken)?.contains("tensor 'lowrank.int8': missing 'lowrank.int8.b.scales'") == true)
    }
  }

  @Test func refusesAPartOfTheWrongSize() throws {
    try withScratchDirectory { directory in
      let (_, _, _, packed) = try Self.export(in: directory)
      let broken = directory + "/broken.safetensors"
      try Self.rewrite(packed, to: broken) { entries, _ in
        if let i = entries.firstIndex(where: { $0.name == "nm24.int8.positions" }) {
          entries[i].bytes.removeLast()
          entries[i].shape = [entries[i].bytes.count]
        }
      }
      #expect(Self.unpackError(broken) == "\(broken): tensor 'nm24.int8': 'nm24.int8.positions' is U8 [8], expected U8 [9]")
    }
  }

  @Test func refusesInconsistentNMPositions() throws {
    try withScratchDirectory { directory in
      let (_, _, _, packed) = try Self.export(in: directory)
      let broken = directory + "/broken.safetensors"
      // Every position 3 (2 bits each): the second kept entry of a block is not after the first.
      try Self.rewrite(packed, to: broken) { entries, _ in
        if let i = entries.firstIndex(where: { $0.name == "nm24.int8.positions" }) {
          entries[i].bytes = [UInt8](repeating: 0xFF, count: entries[i].bytes.count)
        }
      }
      let message = try #require(Self.unpackError(broken))
      #expect(message.hasPrefix("\(broken): tensor 'nm24.int8': 'nm24.int8.positions': position 3 in row 0"))
    }
  }

  @Test func refusesAFileThatIsNotPareFormatOne() throws {
    try withScratchDirectory { directory in
      let (_, _, dropIn, packed) = try Self.export(in: directory)
      #expect(Self.unpackError(dropIn) == "\(dropIn): not a packed model: format is \"pt\", expected \"pare-packed/1\"")

      let broken = directory + "/broken.safetensors"
      try Self.rewrite(packed, to: broken) { _, metadata in metadata["format"] = "pare-packed/2" }
      #expect(Self.unpackError(broken) == "\(broken): not a packed model: format is \"pare-packed/2\", expected \"pare-packed/1\"")

      try Self.rewrite(packed, to: broken) { _, metadata in metadata = [:] }
      #expect(Self.unpackError(broken)?.hasPrefix("\(broken): not a packed model") == true)

      try Self.rewrite(packed, to: broken) { _, metadata in metadata["plan"] = "{\"format\": \"pare-plan/1\", \"tensors\": 3}" }
      #expect(Self.unpackError(broken)?.hasPrefix("\(broken): __metadata__ \"plan\": ") == true)
    }
  }

  @Test func refusesMetadataThatDisagreesWithThePlan() throws {
    try withScratchDirectory { directory in
      let (_, _, _, packed) = try Self.export(in: directory)
      let broken = directory + "/broken.safetensors"
      try Self.rewrite(packed, to: broken) { _, metadata in
        var tensors = (try? JSONDecoder().decode([String: PackedTensorInfo].self, from: Data((metadata["tensors"] ?? "").utf8))) ?? [:]
        tensors["fp16"] = PackedTensorInfo(shape: [6, -10], dtype: .f32, rank: nil)
        metadata["tensors"] = (try? PackedModel.compactJSON(tensors)) ?? ""
      }
      #expect(Self.unpackError(broken) == "\(broken): tensor 'fp16': bad shape [6, -10] in __metadata__ \"tensors\"")

      try Self.rewrite(packed, to: broken) { _, metadata in
        var tensors = (try? JSONDecoder().decode([String: PackedTensorInfo].self, from: Data((metadata["tensors"] ?? "").utf8))) ?? [:]
        tensors["bias"] = nil
        metadata["tensors"] = (try? PackedModel.compactJSON(tensors)) ?? ""
      }
      #expect(Self.unpackError(broken) == "\(broken): tensor 'bias': is in the plan but not in __metadata__ \"tensors\"")
    }
  }

  /// A shape in `__metadata__` that the file's parts cannot hold is refused before anything its
  /// size is allocated ([1e5, 1e5] would be 40 GB), for every scheme; one whose size in bits
  /// overflows ([1e9, 1e9]) is a bad shape.
  @Test func refusesAShapeTheFileCannotHold() throws {
    try withScratchDirectory { directory in
      let (_, _, _, packed) = try Self.export(in: directory)
      let broken = directory + "/broken.safetensors"
      for c in Self.cases where c.spec != nil {
        for (shape, expected) in [([100_000, 100_000], nil), ([1_000_000_000, 1_000_000_000], "bad shape")] {
          try Self.rewrite(packed, to: broken) { _, metadata in
            var tensors = (try? JSONDecoder().decode([String: PackedTensorInfo].self, from: Data((metadata["tensors"] ?? "").utf8))) ?? [:]
            tensors[c.name] = PackedTensorInfo(shape: shape, dtype: c.dtype, rank: tensors[c.name]?.rank)
            metadata["tensors"] = (try? PackedModel.compactJSON(tensors)) ?? ""
          }
          let message = try #require(Self.unpackError(broken), "\(c.name) \(shape)")
          #expect(message.hasPrefix("\(broken): tensor '\(c.name)': \(expected ?? "")"), "\(message)")
        }
      }
    }
  }

  @Test func refusesToPackAPartNamedLikeAnotherTensor() throws {
    try withScratchDirectory { directory in
      var writer = SafetensorsWriter()
      try writer.add("w", Tensor(shape: [2, 4], scalars: Self.values(8, seed: 1)))
      try writer.add("w.codes", Tensor(shape: [1], scalars: [0]))
      try writer.write(to: directory + "/m.safetensors")
      let weights = try WeightStore(file: directory + "/m.safetensors")
      let plan = Plan(tensors: ["w": CompressionSpec(quantize: Self.int(8, .channel))])
      let applied = try AppliedPlan(plan: plan, weights: weights)
      #expect(throws: PackedModelError(file: directory + "/m.safetensors", tensor: "w.codes",
                                       "its part 'w.codes' has the name of another tensor; rename one of them")) {
        try PackedModel.packed(applied, weights: weights, recording: plan)
      }
    }
  }

  // MARK: - The export directory

  private static let assets = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("assets").path

  @Test func exportWritesTheDropInConfigAndCompletedPlan() throws {
    let model = try ModelDirectory.open(Self.assets + "/models/lenet-300-100")
    let plan = try Plan.load(path: Self.assets + "/plans/lenet-300-100-int8.json")
    try plan.validate(against: model.weights, file: "int8 plan")
    let applied = try AppliedPlan(plan: plan, weights: model.weights)
    let metric = MetricSummary(name: "accuracy", baseline: 0.945, value: 0.944)
    try withScratchDirectory { directory in
      let output = directory + "/out/nested"
      let written = try ModelExport.write(model, applied: applied, metric: metric, to: output, packed: true)
      #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent }
              == ["model.packed.safetensors", "model.safetensors", "config.json", "plan.json"])
      #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted()
              == ["config.json", "model.packed.safetensors", "model.safetensors", "plan.json"])

      #expect(FileManager.default.contents(atPath: output + "/config.json")
              == FileManager.default.contents(atPath: Self.assets + "/models/lenet-300-100/config.json"))

      let saved = try Plan.load(path: output + "/plan.json")
      #expect(saved.tensors == plan.tensors)
      #expect(saved.model == ModelReference(path: model.path, sha256: model.weights.sha256()))
      #expect(saved.summary == applied.summary(metric: metric))
      #expect(saved.summary?.compressedBytes == applied.compressedBytes && applied.compressedBytes < applied.originalBytes)

      let dropIn = try SafetensorsFile(path: output + "/model.safetensors")
      #expect(dropIn.header.entries.map { [$0.name, $0.dtype.rawValue, "\($0.shape)"] }
              == model.weights.entries.map { [$0.name, $0.dtype.rawValue, "\($0.shape)"] })
      #expect(dropIn.header.metadata == model.weights.metadata)
      #expect(try dropIn.tensor(named: "fc2.weight") == applied.compressed["fc2.weight"]?.values)

      try PackedModel.unpack(output + "/model.packed.safetensors", to: directory + "/unpacked.safetensors")
      #expect(FileManager.default.contents(atPath: directory + "/unpacked.safetensors")
              == FileManager.default.contents(atPath: output + "/model.safetensors"))
    }
  }

  @Test func exportOfABareWeightsFileHasNoConfig() throws {
    try withScratchDirectory { directory in
      _ = try Self.writeModel(in: directory)
      let model = try ModelDirectory.open(directory + "/model.safetensors")
      let applied = try AppliedPlan(plan: Self.plan, weights: model.weights)
      try ModelExport.write(model, applied: applied, metric: nil, to: directory + "/out", packed: false)
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/out").sorted() == ["model.safetensors", "plan.json"])
      #expect(try Plan.load(path: directory + "/out/plan.json").summary?.metric == nil)
    }
  }

  @Test func exportRefusesAFileAsTheDirectoryAndTheInputModel() throws {
    try withScratchDirectory { directory in
      _ = try Self.writeModel(in: directory)
      let model = try ModelDirectory.open(directory + "/model.safetensors")
      let applied = try AppliedPlan(plan: Self.plan, weights: model.weights)
      let file = directory + "/model.safetensors"
      #expect(throws: PackedModelError(file: file, "exists and is not a directory; pass a directory for --output")) {
        try ModelExport.write(model, applied: applied, metric: nil, to: file, packed: false)
      }
      #expect(throws: FileWriteError(path: file, reason: "is an input of this command (\(file)); choose another output")) {
        try ModelExport.write(model, applied: applied, metric: nil, to: directory, packed: true)
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.safetensors"])
    }
  }
}

extension Tensor {
  /// The values as a `dtype` file stores them, read back (identity for F32).
  fileprivate func encodedRoundTrip(_ dtype: DType) throws -> [Float] {
    try encoded(as: dtype).withUnsafeBytes { try Tensor(decoding: $0, dtype: dtype, shape: shape).scalars }
  }
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
private func withScratchDirectory<R>(_ body: (String) throws -> R) throws -> R {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("pare-packed-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: url) }
  return try body(url.path)
}
