import Foundation
import Testing

/// `pare search --like` and `--target-bpw` against bad input: one line each, before any sweep.
@Suite(.enabled(if: ReportTests.binary != nil))
struct SearchLikeCLITests {
  let hostile = HostileInputTests()
  let lenet = "assets/models/lenet-300-100"
  let tinyLlama = "Tests/PareWorkbenchTests/Fixtures/tiny-llama.gguf"

  @Test func anUnknownFileTypeIsRefusedWithTheList() throws {
    try hostile.expectRefused(["search", tinyLlama, "--like", "q9_k"],
                              mentioning: "--like: unknown llama.cpp file type 'q9_k' (expected one of q2_k, q3_k_s")
  }

  @Test func likeNeedsALanguageModel() throws {
    try hostile.expectRefused(["search", lenet, "--like", "Q4_K_M"], mentioning: "--like needs a language model")
  }

  @Test(arguments: ["0", "-1", "inf", "nan"])
  func aBitsPerWeightOutOfRangeIsAUsageError(bits: String) throws {
    try hostile.expectRefused(["search", lenet, "--target-bpw", bits], mentioning: "--target-bpw")
  }

  @Test func budgetsAreExclusive() throws {
    try hostile.expectRefused(["search", tinyLlama, "--like", "q4_0", "--target-bpw", "4"],
                              mentioning: "give exactly one of --target-ratio, --target-bytes, --target-bpw, --like and --frontier")
    try hostile.expectRefused(["search", tinyLlama, "--target-bpw", "4", "--like-output", "/tmp/x.json"],
                              mentioning: "--like-output needs --like")
  }

  /// The whole command on the tiny Llama GGUF: Q4_0's mix is its budget and is measured beside
  /// the plan found, without and with the imatrix, and the plan found measures no worse than
  /// either (the search starts from the best of them).
  @Test func likeReportsTheMixBesideThePlanFound() throws {
    let run = try PareProcess.run(["search", tinyLlama, "--like", "q4_0", "--candidates", "q4_0,q8_0,fp16",
                                   "--evaluations", "2", "--chunks", "1", "--ctx", "32", "--json"], timeout: 300)
    #expect(run.status == 0, "\(run.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let like = try #require(report["like"] as? [String: Any])
    #expect(like["file_type"] as? String == "q4_0")
    let mix = try #require(like["plan"] as? [String: Any])
    let found = try #require(report["found"] as? [String: Any])
    #expect(mix["compressed_bytes"] as? Int == report["budget_bytes"] as? Int)
    #expect((found["compressed_bytes"] as? Int ?? .max) <= (report["budget_bytes"] as? Int ?? 0))
    #expect(mix["perplexity"] is Double && found["perplexity"] is Double && mix["value"] is Double)
    #expect((mix["tensors"] as? [String: String])?["blk.0.ffn_down.weight"] == "fp16")
    let weighted = try #require(like["imatrix_plan"] as? [String: Any])
    #expect((weighted["tensors"] as? [String: String])?["blk.0.ffn_gate.weight"] == "q4_0+imatrix")
    #expect((weighted["tensors"] as? [String: String])?["token_embd.weight"] == "q4_0")
    #expect(weighted["compressed_bytes"] as? Int == report["budget_bytes"] as? Int)
    let kl = { (plan: [String: Any]) in plan["value"] as? Double ?? .nan }  // a language model's metric: mean KL
    #expect(kl(found) <= min(kl(mix), kl(weighted)))
    if let start = report["started_from"] as? String {
      #expect(["llama.cpp Q4_0", "llama.cpp Q4_0 + imatrix"].contains(start))
      #expect(kl(report["allocated"] as? [String: Any] ?? [:]) > min(kl(mix), kl(weighted)))
    }
  }
}
