import Foundation
import Testing

/// The built binary against inputs a careless user or a hostile file gives it: each ends in a
/// clean error (non-zero exit, no signal, no hang) and overwrites nothing.
@Suite(.enabled(if: ReportTests.binary != nil))
struct HostileInputTests {
  let model = "assets/models/lenet-300-100"

  /// Expects a usage or input error: not a signal, not a hang, a non-zero status and `mention`
  /// on stderr.
  func expectRefused(_ arguments: [String], mentioning mention: String, timeout: TimeInterval = 60,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    let run = try PareProcess.run(arguments, timeout: timeout)
    let command = "pare " + arguments.joined(separator: " ")
    #expect(!run.timedOut, "\(command) hung", sourceLocation: sourceLocation)
    #expect(!run.signalled, "\(command) died by signal \(run.status)", sourceLocation: sourceLocation)
    #expect(run.status != 0, "\(command) succeeded", sourceLocation: sourceLocation)
    #expect(run.stderr.contains(mention), "\(command): \(run.stderr)", sourceLocation: sourceLocation)
  }

  @Test(arguments: ["1e-308", "0.5", "inf", "nan", "-3"])
  func searchRatiosOutOfRangeAreUsageErrors(ratio: String) throws {
    try expectRefused(["search", model, "--target-ratio", ratio], mentioning: "--target-ratio")
    try expectRefused(["search", model, "--frontier", "--ratios", "4,\(ratio)"], mentioning: "--ratios")
  }
}
