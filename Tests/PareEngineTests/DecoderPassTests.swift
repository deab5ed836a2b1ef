import Foundation
import Testing
@testable import PareCore
@testable import PareEngine
@testable import PareFormats

/// The pass's score rows against the logits of each window, restarts from the cache against
/// fresh passes, and tensor replacement.
struct DecoderPassTests {
  /// Four windows of 16 of the fixture's ids; batches of 32 tokens make two batches of two.
  static func input(_ name: String) throws -> DecoderInput {
    let ids = try DecoderFixture.ids(name)
    return DecoderInput(windows: (0..<4).map { Array(ids[($0 * 16)..<($0 * 16 + 16)]) })
  }

  static func emptyCache(_ network: DecoderNetwork) -> DecoderNetwork.Cache? {
    ActivationCache(batchSize: 32, restartPoints: network.restartPoints)
  }

  /// Every column of every row, recomputed from `logits(window:)` in Double by plain loops.
  @Test(arguments: ["llama", "gemma3"])
  func scoreRowsAgreeWithTheLogits(name: String) throws {
    let network = try DecoderFixture.network(name)
    let input = try Self.input(name), layout = network.layout
    var cache = Self.emptyCache(network)
    let rows = try network.outputs(for: input, cache: &cache)
    #expect(rows.shape == [64, layout.width])
    for (w, window) in input.windows.enumerated() {
      let logits = try network.logits(window: window), vocab = network.config.vocabSize
      for t in 0..<16 {
        let row = Array(rows.scalars[((w * 16 + t) * layout.width)...].prefix(layout.width))
        let l = Array(logits.scalars[(t * vocab)..<((t + 1) * vocab)])
        let peak = Double(l.max()!)
        let lse = peak + log(l.reduce(0.0) { $0 + exp(Double($1) - peak) })
        #expect(abs(Double(row[TokenScoreLayout.logSumExp]) - lse) <= 1e-4 * max(1, abs(lse)))
        if t < 15 {
          #expect(abs(row[TokenScoreLayout.targetLogit] - l[Int(window[t + 1])]) <= 1e-4 * max(1, abs(l[Int(window[t + 1])])))
        } else {
          #expect(row[TokenScoreLayout.targetLogit].isNaN)
        }
        let order = l.indices.sorted { l[$0] > l[$1] || (l[$0] == l[$1] && $0 < $1) }
        #expect(Int(row[TokenScoreLayout.argmax]) == order[0])
        #expect(row[TokenScoreLayout.divergence] == 0, "no reference, no divergence")
      }
    }
  }

  /// Given the uncompressed network's states (and, from a pass that measured them, its
  /// directions), a compressed network's rows hold the exact KL of the uncompressed distributions
  /// from its own (Double loops over the full logits): with one head product while the head is
  /// the uncompressed one, with two when a plan changed the head. The uncompressed network given
  /// its own reference measures 0.
  @Test(arguments: ["model.layers.1.mlp.down_proj.weight", "lm_head.weight"])
  func aReferenceGivesTheExactDivergence(changed tensor: String) throws {
    let network = try DecoderFixture.network("qwen3"), weights = try DecoderFixture.weights("qwen3")
    let windows = try Self.input("qwen3").windows, layout = network.layout, vocab = network.config.vocabSize
    var cache: DecoderNetwork.Cache?
    let own = try network.outputs(for: DecoderInput(windows: windows, measuresDirections: true), cache: &cache)
    var states: [Float] = [], directions: [Float] = []
    for p in 0..<64 {
      states += own.scalars[(p * layout.width + layout.states.lowerBound)..<(p * layout.width + layout.states.upperBound)]
      directions += own.scalars[(p * layout.width + layout.directions.lowerBound)..<(p * layout.width + layout.directions.upperBound)]
      #expect(!own.scalars[p * layout.width + TokenScoreLayout.offset].isNaN)
      directions.append(own.scalars[p * layout.width + TokenScoreLayout.logSumExp])
    }
    let w = try weights.tensor(named: tensor)
    let changed = try network.replacingTensors([tensor: .dense(try Tensor(shape: w.shape, scalars: w.scalars.map { $0 * 1.5 }))],
                                               original: { try weights.tensor(named: $0) })
    #expect(changed.headIsReference == (tensor != "lm_head.weight"))
    func logProbabilities(_ logits: Tensor, _ t: Int) -> [Double] {
      let l = logits.scalars[(t * vocab)..<((t + 1) * vocab)].map(Double.init), peak = l.max() ?? 0
      let lse = peak + log(l.reduce(0) { $0 + exp($1 - peak) })
      return l.map { $0 - lse }
    }
    for referenceDirections in [nil, directions] {
      let input = DecoderInput(windows: windows, reference: states, referenceDirections: referenceDirections)
      let itself = try network.outputs(for: input, cache: &cache)
      let rows = try changed.outputs(for: input, cache: &cache)
      for p in 0..<64 {
        #expect(itself.scalars[p * layout.width + TokenScoreLayout.divergence] < 1e-5)
        let window = windows[p / 16], t = p % 16
        let lp = logProbabilities(try network.logits(window: window), t), lq = logProbabilities(try changed.logits(window: window), t)
        let kl = zip(lp, lq).reduce(0.0) { $0 + exp($1.0) * ($1.0 - $1.1) }
        #expect(abs(Double(rows.scalars[p * layout.width + TokenScoreLayout.divergence]) - kl) <= 1e-4 * max(1, kl),
                "position \(p), directions \(referenceDirections != nil)")
        // The other columns do not depend on the reference.
        let plain = try changed.outputs(for: DecoderInput(windows: [window]), cache: &cache)
        #expect(rows.scalars[(p * layout.width)..<(p * layout.width + 3)].map(\.bitPattern)
          == plain.scalars[(t * layout.width)..<(t * layout.width + 3)].map(\.bitPattern))
      }
    }
    #expect(throws: DecoderInputError.referenceCount(count: 3, expected: 64 * 64, hiddenSize: 64)) {
      try network.outputs(for: DecoderInput(windows: windows, reference: [1, 2, 3]), cache: &cache)
    }
  }

  /// Restarting at any block (or the final norm) from a filled cache gives the fresh pass's bits.
  @Test(arguments: ["llama3-tied", "gemma3"])
  func restartsEqualAFreshPass(name: String) throws {
    let network = try DecoderFixture.network(name)
    let input = try Self.input(name)
    var cache = Self.emptyCache(network)
    let fresh = try network.outputs(for: input, cache: &cache)
    #expect(network.restartPoints == Set(1...(network.config.layerCount + 1)))
    for start in network.restartPoints.sorted() {
      #expect(sameBits(try network.outputs(for: input, from: start, cache: &cache), fresh), "restart at \(start)")
    }
  }

  /// A changed tensor of the last block: its layer index, a restart from it equals a fresh pass
  /// of the changed network, and the outputs change; the same values change nothing.
  @Test func replacingATensorChangesWhatItShould() throws {
    let name = "llama"
    let network = try DecoderFixture.network(name)
    let weights = try DecoderFixture.weights(name)
    let original: (String) throws -> Tensor? = { try weights.tensor(named: $0) }
    let input = try Self.input(name)
    var cache = Self.emptyCache(network)
    let before = try network.outputs(for: input, cache: &cache)

    let target = "model.layers.1.mlp.down_proj.weight"
    #expect(network.layerIndex(ofTensor: target) == 2)
    var changed = try weights.tensor(named: target)
    for i in changed.scalars.indices { changed.scalars[i] *= 0.5 }
    let edited = try network.replacingTensors([target: .dense(changed)], original: original)
    var freshCache: DecoderNetwork.Cache?
    let fresh = try edited.outputs(for: input, cache: &freshCache)
    let restarted = try edited.outputs(for: input, from: 2, cache: &cache)
    #expect(sameBits(restarted, fresh))
    #expect(!isCloseOrBothNaN(fresh, before, tolerance: 1e-3))
    // Blocks before the change are the same values.
    #expect(edited.blocks[0].mlp.down is Linear)

    let same = try network.replacingTensors([target: .dense(try weights.tensor(named: target))], original: original)
    var sameCache: DecoderNetwork.Cache?
    #expect(sameBits(try same.outputs(for: input, cache: &sameCache), before))

    // A factored projection whose factors multiply back exactly: W = W · I.
    let w = try weights.tensor(named: target)
    let identity = try Tensor(shape: [80, 80], scalars: (0..<6400).map { $0 / 80 == $0 % 80 ? 1 : 0 })
    let factored = try network.replacingTensors([target: .factored(a: w, b: identity, product: w)], original: original)
    #expect(factored.blocks[1].mlp.down is FactoredLinear)
    var factoredCache: DecoderNetwork.Cache?
    #expect(isCloseOrBothNaN(try factored.outputs(for: input, cache: &factoredCache), before, tolerance: 1e-5))
  }

  @Test func layerIndicesFollowTheNames() throws {
    let llama = try DecoderFixture.network("llama")  // separate head
    #expect(llama.layerIndex(ofTensor: "model.embed_tokens.weight") == 0)
    #expect(llama.layerIndex(ofTensor: "model.layers.0.self_attn.q_proj.weight") == 1)
    #expect(llama.layerIndex(ofTensor: "model.layers.1.input_layernorm.weight") == 2)
    #expect(llama.layerIndex(ofTensor: "model.norm.weight") == 3)
    #expect(llama.layerIndex(ofTensor: "lm_head.weight") == 3)
    #expect(llama.layerIndex(ofTensor: "model.layers.2.input_layernorm.weight") == nil)
    #expect(llama.layerIndex(ofTensor: "model.layers.0.self_attn.q_proj.bias") == nil)
    let qwen2 = try DecoderFixture.network("qwen2")  // tied, q/k/v biases
    #expect(qwen2.layerIndex(ofTensor: "model.layers.0.self_attn.k_proj.bias") == 1)
    #expect(qwen2.layerIndex(ofTensor: "lm_head.weight") == nil)
  }

  /// A tied embedding changed: everything is recomputed and the head reads the new table.
  @Test func aTiedEmbeddingChangesTheHead() throws {
    let name = "qwen2"
    let network = try DecoderFixture.network(name)
    let weights = try DecoderFixture.weights(name)
    var table = try weights.tensor(named: "model.embed_tokens.weight")
    for i in table.scalars.indices { table.scalars[i] *= -1 }
    let edited = try network.replacingTensors(["model.embed_tokens.weight": .dense(table)], original: { try weights.tensor(named: $0) })
    let head = try #require(edited.head as? Linear)
    #expect(head.weight == table && edited.embedding == table)
  }

  @Test func badWindowsAreRefused() throws {
    let network = try DecoderFixture.network("llama")
    #expect(throws: DecoderInputError.unequalWindows(index: 1, length: 2, expected: 3)) { try network.check(DecoderInput(windows: [[1, 2, 3], [1, 2]])) }
    #expect(throws: DecoderInputError.unknownToken(window: 0, position: 1, id: 256, vocabSize: 256)) { try network.check(DecoderInput(windows: [[1, 256]])) }
    #expect(throws: DecoderInputError.noWindows) { try network.check(DecoderInput(windows: [])) }
  }

  /// The head in vocabulary blocks of 37 (the last one partial) writes what one block does.
  @Test func vocabularyBlocksGiveTheSameRows() throws {
    let network = try DecoderFixture.network("gemma3")
    let ids = try DecoderFixture.ids("gemma3"), layout = network.layout
    var x = network.embed(ids)
    for block in network.blocks { x = block(x, windowLength: 32) }
    x = network.finalNorm.forward(x)
    // Any states make a reference: these are the network's own, scaled.
    let reference = x.scalars.map { $0 * 0.9 }
    for reference in [nil, reference[...]] {
      var whole = Tensor(zeros: [64, layout.width]), blocked = whole
      whole.scalars.withUnsafeMutableBufferPointer {
        network.scoreRows(x, tokens: ids, windowLength: 32, reference: reference, into: $0, at: 0, block: 256)
      }
      blocked.scalars.withUnsafeMutableBufferPointer {
        network.scoreRows(x, tokens: ids, windowLength: 32, reference: reference, into: $0, at: 0, block: 37)
      }
      #expect(isCloseOrBothNaN(blocked, whole, tolerance: 1e-5))
      for p in 0..<64 {
        let row = { (t: Tensor) in Array(t.scalars[(p * layout.width)..<((p + 1) * layout.width)]) }
        #expect(row(blocked)[2] == row(whole)[2] && row(blocked)[layout.states] == row(whole)[layout.states])
      }
    }
  }

  /// A factored head (W = W · I) scores as the dense one.
  @Test func aFactoredHeadScoresAsTheDenseOne() throws {
    let network = try DecoderFixture.network("qwen3")
    let weights = try DecoderFixture.weights("qwen3")
    let w = try weights.tensor(named: "lm_head.weight")
    let identity = try Tensor(shape: [64, 64], scalars: (0..<4096).map { $0 / 64 == $0 % 64 ? 1 : 0 })
    let factored = try network.replacingTensors(["lm_head.weight": .factored(a: w, b: identity, product: w)],
                                                original: { try weights.tensor(named: $0) })
    #expect(factored.head is FactoredLinear)
    let input = try Self.input("qwen3")
    var none: DecoderNetwork.Cache?
    #expect(isCloseOrBothNaN(try factored.outputs(for: input, cache: &none), try network.outputs(for: input, cache: &none), tolerance: 1e-5))
  }
}
