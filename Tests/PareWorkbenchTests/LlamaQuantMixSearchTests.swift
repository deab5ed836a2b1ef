import Foundation
import PareCompression
import PareFormats
import Testing

@testable import PareWorkbench

/// The mix on Pare's own models: Hugging Face names mapped to GGUF names, the mix as a plan,
/// and a search within the mix's size (`pare search --like`), on the tiny Llama fixtures.
@Suite(.serialized) struct LlamaQuantMixSearchTests {
  static let gguf = DecoderLanguageModelTests.path("Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf")

  /// The HF checkpoint and its GGUF conversion get the same mix, tensor for tensor: rows of 64
  /// fit no 256-element block, so q4_k falls back to q5_0, and ffn_down's rows of 80 fit no
  /// 32-element block either: F16.
  @Test func huggingFaceNamesGetTheirGGUFTensorsTypes() throws {
    // The checkpoint tiny-llama.gguf was converted from (scripts/make_tiny_gguf.py).
    let folder = DecoderLanguageModelTests.path("Tests/PareEngineTests/Fixtures/decoders/llama")
    let hfWeights = try WeightStore(file: folder + "/model.safetensors")
    let hfConfig = try DecoderConfig.load(configData: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json")),
                                          file: folder + "/config.json", weights: hfWeights)
    let converted = try DecoderLanguageModelTests.family(Self.gguf)
    let ggufWeights = try OpenedModel(path: Self.gguf).directory.weights
    let mix = LlamaQuantMix(fileType: .q4_k_m)
    let fromHF = try mix.assign(config: hfConfig, weights: hfWeights)
    let fromGGUF = try mix.assign(config: converted.config, weights: ggufWeights)
    let names = LlamaQuantMix.ggufNames(config: hfConfig)
    #expect(fromHF.types.count == fromGGUF.types.count && fromHF.types.count == 16)
    for (name, type) in fromHF.types { #expect(fromGGUF.types[names[name] ?? ""] == type, "\(name)") }
    #expect(fromGGUF.types["blk.0.ffn_down.weight"] == .f16 && fromGGUF.types["blk.1.attn_q.weight"] == .q5_0)
    // Two blocks: use_more_bits(i, 2) holds for both attn_v (i >= 7*2/8 = 1, and i < 2/8 = 0 fails for 0:
    // (0 - 0) % 3 == 2 fails too), so blk.0's attn_v stays q4_k -> q5_0 and blk.1's gets q6_k -> q8_0.
    #expect(fromGGUF.types["blk.0.attn_v.weight"] == .q5_0 && fromGGUF.types["blk.1.attn_v.weight"] == .q8_0)
    #expect(fromGGUF.types["output.weight"] == .q8_0 && fromGGUF.types["token_embd.weight"] == .q5_0)
  }

  /// The mix measured as a plan, and a search within its size finds a plan no larger. (Q4_0:
  /// its types are q4_0, the head's q6_k fallen back to q8_0, and F16 for ffn_down's rows of 80.)
  @Test func aSearchWithinTheMixsSize() throws {
    let model = try DecoderLanguageModelTests.family(Self.gguf)
    let weights = try OpenedModel(path: Self.gguf).directory.weights
    let data = EvaluationData(path: DecoderLanguageModelTests.sentences, limit: 2, itemLength: 32)
    let compression = CompressionCache(byteLimit: 64 << 20)
    let evaluator = try model.evaluator(on: data, compression: compression, cachesActivations: true)
    let candidates = try Candidate.parseList("q4_0,q8_0,fp16")
    let table = try SensitivityAnalysis(weights: weights, evaluator: evaluator, compression: compression, cache: nil)
      .run(candidates: candidates)
    // q4_0 and q8_0 fit all but ffn_down's rows of 80, fp16 fits all.
    #expect(table.cells.count == 2 * (table.tensors.count - 2) + table.tensors.count)
    #expect(table.cells.allSatisfy { !$0.tensor.hasSuffix("ffn_down.weight") || $0.candidate.description == "fp16" })
    let search = PlanSearch(table: table, weights: weights, evaluator: evaluator, compression: compression)
    let mix = LlamaQuantMix(fileType: .q4_0)
    #expect(Set(try mix.types(for: weights.entries.map { ($0.name, $0.shape) }, model: LlamaQuantMix.model(of: model.config)).values)
      == [.q4_0, .q8_0, .f16])
    let budget = try mix.bytes(config: model.config, weights: weights)
    let seeds = try mix.seeds(config: model.config, weights: weights)
    #expect(seeds.map(\.name) == ["llama.cpp Q4_0", "llama.cpp Q4_0 + imatrix"])
    // With the imatrix, every q4_0 but the embedding's (llama-imatrix records the blocks only).
    for (name, candidate) in seeds[0].choices {
      let weighted = candidate.description == "q4_0" && name != "token_embd.weight"
      #expect(seeds[1].choices[name]?.description == candidate.description + (weighted ? "+imatrix" : ""), "\(name)")
    }
    let outcome = try search.run(budget: budget, options: .init(evaluations: 3, seed: 1), seeds: seeds)
    #expect(outcome.seeds.map(\.name) == seeds.map(\.name))
    // The mix's plan, measured: exactly its size. Every quantized tensor at its type's exact
    // size, norms as stored (F32).
    let norms = weights.entries.filter { $0.shape.count == 1 }.reduce(0) { $0 + $1.byteRange.count }
    let expected = try mix.assign(config: model.config, weights: weights).types.reduce(norms) { total, item in
      total + (LlamaQuantMix.bytes(of: item.value, shape: try #require(weights.entry(named: item.key)).shape) ?? 0)
    }
    #expect(budget == expected)
    for seed in outcome.seeds {
      #expect(seed.plan.compressedBytes == budget)
      #expect(seed.plan.measured.value > 0)
      // The plan found is never worse than a seed that fits.
      #expect(!seed.plan.measured.isBetter(than: outcome.found.measured))
    }
    // The weighted mix's q4_0+imatrix is no cell of the table: no prediction for it.
    #expect(outcome.seeds[0].plan.predicted != nil && outcome.seeds[1].plan.predicted == nil)
    #expect(outcome.found.compressedBytes <= budget)
    #expect(!outcome.allocated.measured.isBetter(than: outcome.found.measured))
  }

  /// With only q4_0 and q8_0 measured, ffn_down's rows of 80 fit no candidate: only the mix's
  /// F16 for them brings a plan within the mix's size, and the knapsack takes it from the seed.
  @Test func aSeedsOwnChoiceMakesTheBudgetReachable() throws {
    let search = try Self.search(candidates: "q4_0,q8_0")
    let model = try DecoderLanguageModelTests.family(Self.gguf)
    let mix = LlamaQuantMix(fileType: .q4_0)
    let budget = try mix.bytes(config: model.config, weights: search.weights)
    #expect { try search.run(budget: budget, options: .init(evaluations: 0)) } throws: { $0 is SearchError }
    let outcome = try search.run(budget: budget, options: .init(evaluations: 2, seed: 1),
                                 seeds: try mix.seeds(config: model.config, weights: search.weights))
    #expect(outcome.allocated.compressedBytes <= budget && outcome.found.compressedBytes <= budget)
    #expect(outcome.allocated.choices["blk.0.ffn_down.weight"]?.description == "fp16")
    #expect(outcome.allocated.predicted == nil)
  }

  /// The warning `--like` and the explorer give on a model stored quantized: none for F32
  /// tensors, the count of the others (types.gguf: one tensor of each type gguf-py writes).
  @Test func aQuantizedSourceIsWarnedAbout() throws {
    #expect(LlamaQuantMix.quantizedSourceWarning(weights: try OpenedModel(path: Self.gguf).directory.weights) == nil)
    let types = DecoderLanguageModelTests.path("Tests/PareFormatsTests/Fixtures/gguf/types.gguf")
    let warning = LlamaQuantMix.quantizedSourceWarning(weights: try ModelDirectory.open(types).weights)
    #expect(warning?.hasPrefix("12 of the model's tensors are stored quantized: left as stored") == true)
  }

  /// A seed compressing a tensor the search does not choose for is refused, naming it.
  @Test func aSeedOutsideTheTableIsRefused() throws {
    let search = try Self.search(candidates: "int8")
    let seed = SearchSeed(name: "odd", choices: ["blk.0.attn_norm.weight": try Candidate.parse("int8")])
    #expect { try search.run(budget: search.originalBytes, options: .init(evaluations: 0), seeds: [seed]) } throws: { error in
      (error as? SearchError)?.message == "the odd plan compresses blk.0.attn_norm.weight, which the search does not choose for"
    }
  }

  /// A search over `candidates` on the tiny Llama GGUF, measured on one window of 32 tokens.
  static func search(candidates: String) throws -> PlanSearch {
    let model = try DecoderLanguageModelTests.family(Self.gguf)
    let weights = try OpenedModel(path: Self.gguf).directory.weights
    let data = EvaluationData(path: DecoderLanguageModelTests.sentences, limit: 1, itemLength: 32)
    let compression = CompressionCache(byteLimit: 64 << 20)
    let evaluator = try model.evaluator(on: data, compression: compression, cachesActivations: true)
    let table = try SensitivityAnalysis(weights: weights, evaluator: evaluator, compression: compression, cache: nil)
      .run(candidates: try Candidate.parseList(candidates))
    return PlanSearch(table: table, weights: weights, evaluator: evaluator, compression: compression)
  }

  /// --target-bpw: the budget holds the untouched tensors as stored plus bits × parameters / 8.
  @Test func aBitsPerWeightBudget() throws {
    let search = try Self.search(candidates: "int4,int8")
    let (table, weights) = (search.table, search.weights)
    let parameters = table.tensors.reduce(0) { $0 + $1.shape.reduce(1, *) }
    #expect(search.compressibleParameters == parameters)
    #expect(search.fixedBytes == weights.entries.filter { $0.shape.count == 1 }.reduce(0) { $0 + $1.byteRange.count })
    #expect(search.budget(bitsPerWeight: 6) == search.fixedBytes + 6 * parameters / 8)
    #expect(search.budget(bitsPerWeight: 32) == search.originalBytes)
    let outcome = try search.run(budget: search.budget(bitsPerWeight: 6), options: .init(evaluations: 2, seed: 1))
    #expect(search.bitsPerWeight(outcome.found) <= 6)
  }
}
