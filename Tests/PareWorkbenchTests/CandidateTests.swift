import Foundation
import Testing
@testable import PareCompression
@testable import PareWorkbench

/// The `--candidates` syntax: parsing, canonical text, the specs candidates become.
struct CandidateTests {
  @Test func parsesEveryStepKind() throws {
    let fc1 = [300, 784]
    #expect(try Candidate.parse("int4").spec(forShape: fc1) == CompressionSpec(quantize: QuantizeSpec(bits: 4)))
    #expect(try Candidate.parse("int8t").spec(forShape: fc1)
      == CompressionSpec(quantize: QuantizeSpec(bits: 8, granularity: .tensor)))
    #expect(try Candidate.parse("int4g64").spec(forShape: fc1)
      == CompressionSpec(quantize: QuantizeSpec(bits: 4, granularity: .group, groupSize: 64)))
    #expect(try Candidate.parse("cb4").spec(forShape: fc1)
      == CompressionSpec(quantize: QuantizeSpec(scheme: .codebook, bits: 4, granularity: .tensor)))
    #expect(try Candidate.parse("fp8").spec(forShape: fc1) == CompressionSpec(quantize: QuantizeSpec(scheme: .fp8E4M3)))
    #expect(try Candidate.parse("fp16").spec(forShape: fc1)
      == CompressionSpec(quantize: QuantizeSpec(scheme: .fp16, granularity: .tensor)))
    #expect(try Candidate.parse("prune90").spec(forShape: fc1) == CompressionSpec(prune: .magnitude(0.9)))
    #expect(try Candidate.parse("2:4+int4").spec(forShape: fc1)
      == CompressionSpec(prune: .nm(2, 4), quantize: QuantizeSpec(bits: 4)))
    // 300 / 8 = 37; a rank never drops below 1.
    #expect(try Candidate.parse("rank/8+int8").spec(forShape: fc1)
      == CompressionSpec(lowrank: LowRankSpec(rank: 37), quantize: QuantizeSpec(bits: 8)))
    #expect(try Candidate.parse("rank/64").spec(forShape: [10, 100]).lowrank?.rank == 1)
    // Convolution kernels are seen as [out, in·kh·kw].
    #expect(try Candidate.parse("rank/2").spec(forShape: [16, 6, 5, 5]).lowrank?.rank == 8)
  }

  @Test func theTextIsCanonical() throws {
    for (given, canonical) in [("int4c", "int4"), ("int4+prune90", "prune90+int4"), ("cb4t", "cb4"), ("cb4c", "cb4c"),
                               ("int8+rank/4", "rank/4+int8"), ("prune97.5", "prune97.5"), ("fp8g32", "fp8g32"),
                               ("bf16", "bf16"), ("2:4", "2:4")] {
      let candidate = try Candidate.parse(given)
      #expect(candidate.description == canonical)
      #expect(try Candidate.parse(candidate.description) == candidate)
    }
  }

  @Test func badCandidatesAreRefusedNamingThem() {
    for (text, fragment) in [("int9", "quantize.bits 9"), ("int", "unknown step 'int'"), ("prune100", "outside (0, 100)"),
                             ("prune50+rank/4", "prune together with lowrank"), ("int4+int8", "more than one quantization"),
                             ("rank/0", "at least 1"), ("5:4", "greater than"), ("fp16g8", "unknown step"),
                             ("int4+", "unknown step ''"), ("q4", "unknown step 'q4'")] {
      #expect { try Candidate.parse(text) } throws: { error in
        let message = (error as? CandidateError)?.message ?? ""
        return message.hasPrefix("candidate '\(text)'") && message.contains(fragment)
      }
    }
    #expect(throws: CandidateError.self) { try Candidate.parseList("int4,,int8") }
  }

  @Test func listsExpandNamedSetsAndDropRepeats() throws {
    let list = try Candidate.parseList("int4, default,rank/8+int4")
    #expect(list.first == (try Candidate.parse("int4")))
    #expect(list.count == Candidate.sensitivityDefaults.count + 1)
    #expect(list.last == (try Candidate.parse("rank/8+int4")))
  }

  @Test func theDefaultSetsAreWhatTheyClaim() {
    #expect(Candidate.sensitivityDefaults.map(\.description)
      == ["int2", "int3", "int4", "int6", "int8", "rank/8", "rank/4", "rank/2", "prune50", "prune75", "prune90"])
    #expect(Candidate.sensitivityDefaults.map(\.description).joined(separator: ",") == Candidate.sensitivityDefaultList)
    #expect(Set(Candidate.sensitivityDefaults).isSubset(of: Set(Candidate.searchDefaults)))
    #expect(Candidate.searchDefaults.count > Candidate.sensitivityDefaults.count)
  }

  @Test func candidatesRoundTripThroughJSON() throws {
    let candidate = try Candidate.parse("prune90+cb4")
    let data = try JSONEncoder().encode([candidate])
    #expect(String(decoding: data, as: UTF8.self) == #"["prune90+cb4"]"#)
    #expect(try JSONDecoder().decode([Candidate].self, from: data) == [candidate])
  }
}
