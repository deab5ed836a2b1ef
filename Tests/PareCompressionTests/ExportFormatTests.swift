import Foundation
import PareCore
import PareFormats
import Testing

@testable import PareCompression

/// The compressed-tensors and MLX exports against what those libraries write and read
/// (Fixtures/export, made by scripts/make_export_fixtures.py with compressed-tensors 0.20.1 and
/// mlx 0.32.4), and the refusals of every export format.
@Suite struct ExportFormatTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/export")
  static let modelPath = fixtures.appendingPathComponent("model").path

  /// The fixture model with the fixture plan applied.
  static func applied(_ plan: Plan? = nil) throws -> (ModelDirectory, AppliedPlan) {
    let model = try ModelDirectory.open(modelPath)
    let plan = try plan ?? Plan.load(path: fixtures.appendingPathComponent("plan.json").path)
    return (model, try AppliedPlan(plan: plan, weights: model.weights))
  }

  /// `files`' `name`, written to `directory` and opened.
  static func safetensors(_ files: [ExportFile], _ name: String, in directory: String) throws -> SafetensorsFile {
    let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
    let file = try #require(files.first { $0.name == name })
    try AtomicFile.write(file.chunks, to: path)
    return try SafetensorsFile(path: path)
  }

  /// Every tensor of `expected` is in `actual` with the same dtype, shape and bytes.
  static func expectSameTensors(_ actual: SafetensorsFile, _ expected: SafetensorsFile) {
    for entry in expected.header.entries {
      guard let other = actual.entry(named: entry.name) else {
        Issue.record("missing \(entry.name)")
        continue
      }
      #expect(other.dtype == entry.dtype, "\(entry.name)")
      #expect(other.shape == entry.shape, "\(entry.name)")
      let a = actual.withRawBytes(of: other) { Array($0) }, b = expected.withRawBytes(of: entry) { Array($0) }
      #expect(a == b, "\(entry.name)")
    }
  }

  static func json(_ files: [ExportFile], _ name: String) throws -> [String: Any] {
    let file = try #require(files.first { $0.name == name })
    return try #require(try JSONSerialization.jsonObject(with: Data(file.chunks.joined())) as? [String: Any])
  }

  @Test func compressedTensorsTensorsAreWhatItsOwnCompressorWrites() throws {
    let (model, applied) = try Self.applied()
    let files = try CompressedTensorsExport.files(applied, model: model)
    try withTemporaryDirectory { directory in
      let exported = try Self.safetensors(files, "model.safetensors", in: directory)
      let expected = try SafetensorsFile(path: Self.fixtures.appendingPathComponent("compressed-tensors.safetensors").path)
      Self.expectSameTensors(exported, expected)
      // Untouched tensors as stored; no planned tensor's .weight left.
      let source = try SafetensorsFile(path: Self.modelPath + "/model.safetensors")
      for name in ["layers.0.f.weight", "norm.weight"] {
        let entry = try #require(source.entry(named: name)), copy = try #require(exported.entry(named: name))
        #expect(exported.withRawBytes(of: copy) { Array($0) } == source.withRawBytes(of: entry) { Array($0) })
      }
      #expect(exported.entry(named: "layers.0.a.weight") == nil)
      #expect(exported.header.entries.count == expected.header.entries.count + 2)
    }
    let config = try Self.json(files, "config.json")
    #expect(config["model_type"] as? String == "tiny-export-test")
    let quantization = try #require(config["quantization_config"] as? [String: Any])
    #expect(quantization["quant_method"] as? String == "compressed-tensors")
    #expect(quantization["format"] as? String == "pack-quantized")
    #expect(quantization["quantization_status"] as? String == "compressed")
    #expect(quantization["ignore"] as? [String] == ["layers.0.f"])
    let groups = try #require(quantization["config_groups"] as? [String: [String: Any]])
    #expect(groups.count == 7)
    let first = try #require(groups["group_0"])
    #expect(first["targets"] as? [String] == ["layers.0.a"])
    let weights = try #require(first["weights"] as? [String: Any])
    #expect(weights["num_bits"] as? Int == 4 && weights["strategy"] as? String == "group" && weights["group_size"] as? Int == 32)
    #expect(weights["symmetric"] as? Bool == true && weights["type"] as? String == "int")
  }

  @Test func mlxTensorsAreWhatMXDequantizeReadsAsPareValues() throws {
    let (model, applied) = try Self.applied()
    let files = try MLXExport.files(applied, model: model)
    try withTemporaryDirectory { directory in
      let exported = try Self.safetensors(files, "model.safetensors", in: directory)
      let expected = try SafetensorsFile(path: Self.fixtures.appendingPathComponent("mlx.safetensors").path)
      Self.expectSameTensors(exported, expected)
    }
    let config = try Self.json(files, "config.json")
    let quantization = try #require(config["quantization"] as? [String: Any])
    // Group 32 at 4 bits is not the most common: (64 or 128 after repetition)... the counts decide.
    #expect(quantization["mode"] as? String == "affine")
    let global = [try #require(quantization["group_size"] as? Int), try #require(quantization["bits"] as? Int)]
    for (module, size, bits) in [("layers.0.a", 32, 4), ("layers.0.b", 64, 3), ("layers.0.c", 32, 8), ("layers.0.d", 128, 5),
                                 ("layers.0.e", 64, 2), ("layers.0.g", 32, 4), ("layers.0.h", 32, 6)] {
      let entry = quantization[module] as? [String: Any]
      if [size, bits] == global {
        #expect(entry == nil, "\(module)")
      } else {
        #expect(entry?["group_size"] as? Int == size && entry?["bits"] as? Int == bits, "\(module)")
      }
    }
    #expect((config["quantization_config"] as? [String: Any])?.count == quantization.count)
  }

  @Test func specsAFormatCannotStoreAreRefusedNamingTheTensor() throws {
    func refusal(_ spec: CompressionSpec, tensor: String = "layers.0.b.weight", _ export: (ModelDirectory, AppliedPlan) throws -> Void) throws -> String {
      let (model, applied) = try Self.applied(Plan(tensors: [tensor: spec]))
      do {
        try export(model, applied)
      } catch {
        return "\(error)"
      }
      Issue.record("\(spec) was not refused")
      return ""
    }
    let ct: (ModelDirectory, AppliedPlan) throws -> Void = { _ = try CompressedTensorsExport.files($1, model: $0) }
    let mlx: (ModelDirectory, AppliedPlan) throws -> Void = { _ = try MLXExport.files($1, model: $0) }
    let types: (ModelDirectory, AppliedPlan) throws -> Void = { _ = try TensorTypeFileExport.file($1, model: $0) }
    let gguf: (ModelDirectory, AppliedPlan) throws -> Void = { _ = try GGUFExport.export($1, model: $0) }

    let fp8 = CompressionSpec(quantize: QuantizeSpec(scheme: .fp8E4M3))
    #expect(try refusal(fp8, ct).contains("layers.0.b.weight"))
    #expect(try refusal(fp8, ct).contains("integer grids only, not fp8_e4m3"))
    #expect(try refusal(CompressionSpec(lowrank: LowRankSpec(rank: 2), quantize: intSpec(4)), mlx).contains("low-rank"))
    #expect(try refusal(CompressionSpec(prune: .magnitude(0.5)), ct).contains("the spec does not quantize"))
    #expect(try refusal(CompressionSpec(quantize: intSpec(4, .group, groupSize: 48)), ct).contains("not whole groups of 48"))
    #expect(try refusal(CompressionSpec(quantize: intSpec(4, .group, groupSize: 16)), mlx).contains("32, 64 or 128 elements, not 16"))
    #expect(try refusal(CompressionSpec(quantize: intSpec(4)), tensor: "norm.weight", ct).contains("must be a matrix"))
    #expect(try refusal(CompressionSpec(quantize: intSpec(4)), types).contains("ggml types only"))
    #expect(try refusal(CompressionSpec(quantize: intSpec(4)), gguf).contains("GGUF export needs a GGUF input; convert with llama.cpp's convert_hf_to_gguf.py first"))
  }

  @Test func pruningBeforeAnIntGridIsStoredExactly() throws {
    let spec = CompressionSpec(prune: .nm(2, 4), quantize: intSpec(4, .group, groupSize: 32, symmetric: false))
    let (model, applied) = try Self.applied(Plan(tensors: ["layers.0.a.weight": spec]))
    let files = try MLXExport.files(applied, model: model)
    try withTemporaryDirectory { directory in
      let exported = try Self.safetensors(files, "model.safetensors", in: directory)
      // Decoded by MLX's documented layout: w = scale·q + bias over each row's bit stream.
      let words = try exported.encodedTensor(named: "layers.0.a.weight")
      let scales = try exported.tensor(named: "layers.0.a.scales").scalars, biases = try exported.tensor(named: "layers.0.a.biases").scalars
      let bytes = exported.withRawBytes(of: try #require(exported.entry(named: "layers.0.a.weight"))) { Array($0) }
      #expect(words.shape == [8, 8])
      let codes = try BitPacking.unpack(bytes, bits: 4, count: 8 * 64)
      let values = try #require(applied.compressed["layers.0.a.weight"]).values.scalars
      for i in 0..<(8 * 64) {
        let g = i / 32
        #expect(scales[g] * Float(codes[i]) + biases[g] == values[i])
      }
    }
  }

  @Test func aPreparedExportIsPutInPlaceWithThePlanAndARefusalComesBeforeAnyFile() throws {
    let (model, applied) = try Self.applied()
    try withTemporaryDirectory { directory in
      let out = directory + "/out"
      let prepared = try ModelExport.prepare(.mlx, model: model, applied: applied)
      let written = try ModelExport.write(prepared, model: model, applied: applied, metric: nil, to: out)
      #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent } == ["config.json", "model.safetensors", "plan.json"])
      let plan = try Plan.load(path: out + "/plan.json")
      #expect(plan.tensors == applied.plan.tensors)
      #expect(plan.model?.path == model.path)
      // The output may not overwrite the input model.
      #expect(throws: (any Error).self) {
        try ModelExport.write(prepared, model: model, applied: applied, metric: nil, to: Self.modelPath)
      }
      let (_, fp16) = try Self.applied(Plan(tensors: ["layers.0.a.weight": CompressionSpec(quantize: QuantizeSpec(scheme: .fp16))]))
      #expect(throws: PackedModelError.self) { try ModelExport.prepare(.compressedTensors, model: model, applied: fp16) }
    }
  }

  /// A Hugging Face directory's tokenizer and generation files go into the drop-in, mlx and
  /// compressed-tensors exports byte for byte (before plan.json), so mlx-lm, vLLM and
  /// transformers load the export as it is; a GGUF export has its tokenizer in its metadata.
  @Test func theTokenizersFilesAreCopiedIntoDirectoryExports() throws {
    try withTemporaryDirectory { directory in
      let source = directory + "/model"
      try FileManager.default.copyItem(atPath: Self.modelPath, toPath: source)
      let companions = ["tokenizer.json": "{\"model\": {}}\n", "generation_config.json": "{\"do_sample\": false}\n",
                        "special_tokens_map.json": "{}"]
      for (name, text) in companions { try Data(text.utf8).write(to: URL(fileURLWithPath: source + "/" + name)) }
      try FileManager.default.createDirectory(atPath: source + "/merges.txt", withIntermediateDirectories: false)
      let model = try ModelDirectory.open(source)
      let applied = try AppliedPlan(plan: try Plan.load(path: Self.fixtures.appendingPathComponent("plan.json").path), weights: model.weights)
      let expected = ["generation_config.json", "special_tokens_map.json", "tokenizer.json"]
      #expect(ModelExport.companionFileNames(of: model).sorted() == expected)
      var outputs: [(String, [String])] = []
      let dropIn = directory + "/drop-in"
      outputs.append((dropIn, try ModelExport.write(model, applied: applied, metric: nil, to: dropIn, packed: false)))
      for format in [ExportFormat.mlx, .compressedTensors] {
        let out = directory + "/" + format.rawValue
        let prepared = try ModelExport.prepare(format, model: model, applied: applied)
        outputs.append((out, try ModelExport.write(prepared, model: model, applied: applied, metric: nil, to: out)))
      }
      for (out, written) in outputs {
        let names = written.map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(names.last == "plan.json" && Set(names).isSuperset(of: expected), "\(out)")
        for (name, text) in companions {
          #expect(try String(contentsOfFile: out + "/" + name, encoding: .utf8) == text, "\(out)/\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/merges.txt"))
      }
      #expect(!ExportFormat.gguf.copiesCompanions && !ExportFormat.llamaQuantize.copiesCompanions)
    }
  }

  @Test func configBlocksGoBeforeTheClosingBraceOfTheModelsOwnText() throws {
    let (model, _) = try Self.applied(Plan())
    let text = String(decoding: try ExportConfig.adding([("quantization", ["bits": 4])], to: model, format: "mlx"), as: UTF8.self)
    #expect(text.hasPrefix("{\n  \"model_type\": \"tiny-export-test\",\n  \"hidden_size\": 32,\n  \"quantization\": {"))
    #expect(text.hasSuffix("}\n}\n"))
  }

  @Test func llamaQuantizeNamesAreRegexEscapedAndMappedToGGUF() throws {
    #expect(TensorTypeFileExport.escaped("blk.0.attn_q.weight") == "blk\\.0\\.attn_q\\.weight")
    let llama = try ModelDirectory.open(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../assets/models/tiny-llama").standardized.path)
    let file = llama.weights.path(of: "model.layers.1.mlp.down_proj.weight") ?? ""
    #expect(try TensorTypeFileExport.ggufName(of: "model.layers.1.mlp.down_proj.weight", model: llama, file: file) == "blk.1.ffn_down.weight")
    #expect(try TensorTypeFileExport.ggufName(of: "model.layers.0.self_attn.q_proj.weight", model: llama, file: file) == "blk.0.attn_q.weight")
    #expect(try TensorTypeFileExport.ggufName(of: "lm_head.weight", model: llama, file: file) == "output.weight")
    #expect(try TensorTypeFileExport.ggufName(of: "model.embed_tokens.weight", model: llama, file: file) == "token_embd.weight")
  }

  @Test func ggufFileTypeIsTheMostCommonMatrixTypeAsLlamaCppGuessesIt() {
    #expect(GGUFExport.fileType(mostly: [.q4_k, .q6_k, .q4_k, .f32]) == 15)
    #expect(GGUFExport.fileType(mostly: [.q5_0, .q8_0, .q5_0, .q8_0]) == 8)
    #expect(GGUFExport.fileType(mostly: [.f16]) == 1)
    #expect(GGUFExport.fileType(mostly: []) == 0)
  }
}

/// The GGUF and llama-quantize exports of the tiny llama GGUF (PareWorkbenchTests' fixture)
/// under Fixtures/export/gguf-plan.json: q8_0 and q4_0 blocks as gguf-py's quantizers make them
/// (Fixtures/export/gguf-blocks.safetensors, scripts/make_gguf_export_fixtures.py), an int spec
/// and an fp16 spec written as exact values, every other tensor as stored.
@Suite struct GGUFExportTests {
  static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../PareWorkbenchTests/Fixtures/tiny-llama.gguf").standardized.path

  static func applied() throws -> (ModelDirectory, AppliedPlan) {
    let model = try ModelDirectory.open(source)
    let plan = try Plan.load(path: ExportFormatTests.fixtures.appendingPathComponent("gguf-plan.json").path)
    try plan.validate(against: model.weights, file: "gguf-plan.json")
    return (model, try AppliedPlan(plan: plan, weights: model.weights))
  }

  @Test func ggufKeepsMetadataAndOrderWithBlocksAndExactValues() throws {
    let (model, applied) = try Self.applied()
    let result = try GGUFExport.export(applied, model: model)
    #expect(result.writtenExactly == ["blk.0.attn_v.weight", "blk.1.attn_q.weight"])
    try withTemporaryDirectory { directory in
      let path = directory + "/model.gguf"
      try AtomicFile.write(result.file.chunks, to: path)
      let written = try GGUFFile(path: path), input = try #require(model.gguf)
      #expect(written.version == 3)
      #expect(written.tensors.map(\.name) == input.tensors.map(\.name))
      #expect(written.metadata.integer("general.quantization_version") == 2)
      // The matrices are mostly F32 still: ALL_F32 as llama.cpp would guess.
      #expect(written.metadata.integer("general.file_type") == 0)
      for key in input.metadata.keys where key != "general.file_type" && key != "general.quantization_version" {
        #expect(written.metadata[key] == input.metadata[key], "\(key)")
      }
      let expected = try SafetensorsFile(path: ExportFormatTests.fixtures.appendingPathComponent("gguf-blocks.safetensors").path)
      for info in written.tensors {
        let original = try #require(input.tensor(named: info.name))
        let bytes = written.withBytes(of: info) { Array($0) }
        #expect(info.shape == original.shape)
        switch info.name {
        case "blk.0.attn_q.weight", "blk.0.attn_k.weight":
          #expect(info.type == (info.name.contains("attn_q") ? .q8_0 : .q4_0))
          let entry = try #require(expected.entry(named: info.name))
          #expect(bytes == expected.withRawBytes(of: entry) { Array($0) }, "\(info.name)")
        case "blk.0.attn_v.weight", "blk.1.attn_q.weight":
          // Exact values: an int grid's products need F32; fp16's values are F16.
          #expect(info.type == (info.name == "blk.1.attn_q.weight" ? .f16 : .f32))
          #expect(try written.decode(info).scalars == applied.compressed[info.name]?.values.scalars)
        default:
          #expect(info.type == original.type)
          #expect(bytes == input.withBytes(of: original) { Array($0) }, "\(info.name)")
        }
      }
    }
  }

  @Test func llamaQuantizeListsTheGGMLTypesAndRefusesTheRest() throws {
    let model = try ModelDirectory.open(Self.source)
    let plan = Plan(tensors: ["blk.0.attn_q.weight": CompressionSpec(quantize: .ggml(.q8_0)),
                              "blk.1.attn_k.weight": CompressionSpec(quantize: .ggml(.q4_0))])
    let applied = try AppliedPlan(plan: plan, weights: model.weights)
    let file = try TensorTypeFileExport.file(applied, model: model)
    #expect(String(decoding: file.chunks.joined(), as: UTF8.self)
      == "^blk\\.0\\.attn_q\\.weight$=q8_0\n^blk\\.1\\.attn_k\\.weight$=q4_0\n")
    let (_, mixed) = try Self.applied()
    #expect(throws: PackedModelError.self) { try TensorTypeFileExport.file(mixed, model: model) }
  }

  @Test func lowRankIsRefusedNamingEveryTensor() throws {
    let model = try ModelDirectory.open(Self.source)
    let plan = Plan(tensors: ["blk.0.attn_q.weight": CompressionSpec(lowrank: LowRankSpec(rank: 4)),
                              "blk.1.attn_q.weight": CompressionSpec(lowrank: LowRankSpec(rank: 8))])
    let applied = try AppliedPlan(plan: plan, weights: model.weights)
    let error = #expect(throws: PackedModelError.self) { try GGUFExport.export(applied, model: model) }
    #expect(error?.message == "GGUF cannot store low-rank factors; plan another spec for blk.0.attn_q.weight, blk.1.attn_q.weight")
  }
}
