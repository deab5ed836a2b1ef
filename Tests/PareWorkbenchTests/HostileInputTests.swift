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

  /// A scratch directory, removed afterwards.
  func withScratch(_ body: (String) throws -> Void) throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pare-hostile-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try body(path)
  }

  /// FIFOs with no writer in place of the weights or the data: `open` would wait forever.
  @Test func nonRegularFilesAreRefusedAtOnce() throws {
    try withScratch { scratch in
      let fifoModel = scratch + "/model"
      try FileManager.default.createDirectory(atPath: fifoModel, withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: NetworkEvaluatorTests.root.path + "/\(model)/config.json", toPath: fifoModel + "/config.json")
      #expect(mkfifo(fifoModel + "/model.safetensors", 0o600) == 0)
      try expectRefused(["inspect", fifoModel], mentioning: "not a regular file", timeout: 20)
      #expect(mkfifo(scratch + "/data.safetensors", 0o600) == 0)
      try expectRefused(["eval", model, "--data", scratch + "/data.safetensors"], mentioning: "not a regular file", timeout: 20)
    }
  }

  @Test(arguments: ["1e-308", "0.5", "inf", "nan", "-3"])
  func searchRatiosOutOfRangeAreUsageErrors(ratio: String) throws {
    try expectRefused(["search", model, "--target-ratio", ratio], mentioning: "--target-ratio")
    try expectRefused(["search", model, "--frontier", "--ratios", "4,\(ratio)"], mentioning: "--ratios")
  }
}
