import PareCompression
import PareFormats
import Testing
@testable import PareWorkbench

/// ggml types as candidates: `q8_0`, `q8_0+imatrix`, read back from their text.
struct CandidateGGMLTests {
  @Test func ggmlTypesParseAndPrint() throws {
    let plain = try Candidate.parse("q8_0")
    #expect(plain.quantize == .ggml(.q8_0))
    #expect(plain.description == "q8_0")
    let weighted = try Candidate.parse("imatrix+q4_0")
    #expect(weighted.quantize == .ggml(.q4_0, imatrix: true))
    #expect(weighted.description == "q4_0+imatrix")
    #expect(try Candidate.parse(weighted.description) == weighted)
    #expect(plain.spec(forShape: [4, 64]) == CompressionSpec(quantize: .ggml(.q8_0)))
  }

  @Test(arguments: [("int4+imatrix", "imatrix goes with a ggml type"), ("prune50+q8_0", "prune and lowrank cannot come before it"),
                    ("q4_k_m", "unknown step 'q4_k_m'")])
  func badGGMLCandidatesAreRefused(text: String, message: String) {
    do {
      _ = try Candidate.parse(text)
      Issue.record("\(text) was accepted")
    } catch {
      #expect(error.message.contains(message), "\(error.message)")
    }
  }
}
