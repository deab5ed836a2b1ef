import Foundation
import Testing
@testable import PareCompression
@testable import PareWorkbench

/// The JSON shapes of `pare sensitivity --json` and `pare search --json` (their report builders),
/// and of the binary's output when it has been built.
struct ReportTests {
  func keys(_ value: some Encodable) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
  }

  let model = ModelReference(path: "assets/models/lenet-300-100", sha256: "abc")
  let data = DataReference(path: "assets/data/mnist-test.safetensors", sha256: "def")

  @Test func sensitivityReportHasEveryCell() throws {
    let candidate = try Candidate.parse("int4")
    let table = SensitivityTable(
      metric: SequentialClassifier.metric, baseline: 0.9, tensors: [SensitivityTensor(name: "w", shape: [4, 8], bytes: 128)],
      candidates: [candidate],
      cells: [SensitivityCell(tensor: "w", candidate: candidate, spec: candidate.spec(forShape: [4, 8]), bytes: 24,
                              value: 0.85, agreement: 0.95, meanKL: 0.01)])
    let json = try keys(SensitivityReport(table: table, model: model, data: data))
    #expect(Set(json.keys) == ["model", "data", "metric", "direction", "baseline", "candidates", "tensors", "cells"])
    #expect((json["model"] as? [String: Any])?["sha256"] as? String == "abc")
    #expect((json["data"] as? [String: Any])?["sha256"] as? String == "def")
    #expect(json["candidates"] as? [String] == ["int4"])
    let cell = try #require((json["cells"] as? [[String: Any]])?.first)
    #expect(Set(cell.keys) == ["tensor", "candidate", "spec", "bytes", "value", "change", "agreement", "mean_kl"])
    #expect(abs((cell["change"] as? Double ?? 0) + 0.05) < 1e-12)
    #expect((cell["spec"] as? [String: Any])?["quantize"] != nil)
    let tensor = try #require((json["tensors"] as? [[String: Any]])?.first)
    #expect(Set(tensor.keys) == ["name", "shape", "bytes"])
  }

  /// `pare sensitivity --json` and `pare search --json` from the built binary, when there is one
  /// next to the test bundle (it is, after `swift build --build-tests`).
  @Test(.enabled(if: ReportTests.binary != nil)) func theBinaryPrintsTheseShapes() throws {
    let scratch = ScratchDirectory()
    let root = NetworkEvaluatorTests.root
    func run(_ arguments: [String]) throws -> [String: Any] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: ReportTests.binary!)
      process.arguments = arguments
      process.environment = ProcessInfo.processInfo.environment.merging(scratch.environment) { $1 }
      process.currentDirectoryURL = root
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let output = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "pare \(arguments.joined(separator: " "))")
      return try #require(JSONSerialization.jsonObject(with: output) as? [String: Any])
    }
    let model = "assets/models/lenet-300-100"
    let sensitivity = try run(["sensitivity", model, "--candidates", "int4,prune90", "--json"])
    #expect((sensitivity["cells"] as? [Any])?.count == 6)
    let plan = "\(scratch.path)/plan.json"
    let search = try run(["search", model, "--target-ratio", "8", "--candidates", "int2,int4,int8,prune90+int4",
                          "--evaluations", "5", "--output", plan, "--json"])
    #expect(Set(search.keys) == ["model", "data", "metric", "direction", "baseline", "original_bytes", "budget_bytes", "allocated",
                                 "found", "uniform", "evaluations", "improvements", "bits_per_weight"])
    let found = try #require(search["found"] as? [String: Any])
    #expect(Set(found.keys).isSuperset(of: ["compressed_bytes", "ratio", "value", "agreement", "mean_kl", "predicted_value",
                                            "predicted_mean_kl", "tensors"]))
    let written = try Plan.load(path: plan)
    #expect(written.model?.sha256 == (search["model"] as? [String: Any])?["sha256"] as? String)
    #expect(written.summary?.compressedBytes == found["compressed_bytes"] as? Int)
  }

  /// The `pare` executable built beside this test bundle, if any.
  static var binary: String? {
    let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL]
    return folders.map { $0.appendingPathComponent("pare").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }
}
