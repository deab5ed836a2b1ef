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

  /// A usage error is the error's line and the hint, not the command's whole usage.
  @Test(arguments: [["eval"], ["inspect", "a", "b"], ["search", "assets/models/lenet-300-100", "--target-ratio", "0.5"]])
  func aUsageErrorIsOneLineAndTheHint(arguments: [String]) throws {
    let run = try PareProcess.run(arguments)
    #expect(run.status == 64 && !run.signalled)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 2 && lines.first?.hasPrefix("Error: ") == true, "\(run.stderr)")
    #expect(lines.last == "See 'pare \(arguments[0]) --help' for more information.")
  }
}

/// Outputs that are inputs, concurrent exports, planted links and killed writers: nothing the
/// user has is overwritten, and every export is whole.
@Suite(.enabled(if: ReportTests.binary != nil), .serialized)
struct OutputSafetyTests {
  let hostile = HostileInputTests()
  let weights = NetworkEvaluatorTests.root.path + "/assets/models/lenet-300-100/model.safetensors"

  /// Writes a plan quantizing every matrix of lenet-300-100 to `bits` and returns its path.
  func plan(bits: Int, in directory: String) throws -> String {
    let spec = #"{"quantize": {"scheme": "int", "bits": \#(bits), "granularity": "channel"}}"#
    let tensors = ["fc1.weight", "fc2.weight", "fc3.weight"].map { "\"\($0)\": \(spec)" }.joined(separator: ", ")
    let path = directory + "/int\(bits).json"
    try Data(#"{"format": "pare-plan/1", "tensors": {\#(tensors)}}"#.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

  @Test func outputsThatAreInputsAreRefusedAndLeftAlone() throws {
    try hostile.withScratch { scratch in
      let model = scratch + "/model"
      try FileManager.default.copyItem(atPath: NetworkEvaluatorTests.root.path + "/" + hostile.model, toPath: model)
      let original = contents(model + "/model.safetensors")
      let planPath = try plan(bits: 8, in: scratch)
      try FileManager.default.createSymbolicLink(atPath: scratch + "/link.safetensors", withDestinationPath: model + "/model.safetensors")
      try FileManager.default.linkItem(atPath: model + "/model.safetensors", toPath: scratch + "/hard.safetensors")
      for output in [model + "/model.safetensors", model + "/./model.safetensors", scratch + "/link.safetensors", scratch + "/hard.safetensors"] {
        try hostile.expectRefused(["forward", model, "--input", "assets/data/mnist-test.safetensors", "--output", output],
                                  mentioning: "an input of this command")
      }
      try hostile.expectRefused(["forward", model, "--plan", planPath, "--input", "assets/data/mnist-test.safetensors",
                                 "--output", planPath], mentioning: "an input of this command")
      try hostile.expectRefused(["apply", model, "--plan", planPath, "--output", model], mentioning: "an input of this command")
      try hostile.expectRefused(["search", model, "--target-ratio", "4", "--data", "assets/data/mnist-test.safetensors",
                                 "--output", model + "/config.json"],
                                mentioning: "an input of this command")
      #expect(contents(model + "/model.safetensors") == original)

      let out = scratch + "/out"
      #expect(try PareProcess.run(["apply", model, "--plan", planPath, "--output", out, "--packed"]).status == 0)
      let packed = out + "/model.packed.safetensors", packedBytes = contents(packed)
      try hostile.expectRefused(["unpack", packed, "--output", packed], mentioning: "an input of this command")
      try hostile.expectRefused(["unpack", packed, "--output", out + "/../out/model.packed.safetensors"], mentioning: "an input")
      #expect(contents(packed) == packedBytes)
    }
  }

  /// `apply` refuses an output that is an input before measuring the metric, which can take
  /// minutes: given evaluation data that cannot be read, it reports the refusal, not the data.
  @Test func applyRefusesAnInputAsOutputBeforeMeasuring() throws {
    try hostile.withScratch { scratch in
      let model = scratch + "/model"
      try FileManager.default.copyItem(atPath: NetworkEvaluatorTests.root.path + "/" + hostile.model, toPath: model)
      let planPath = try plan(bits: 8, in: scratch), data = scratch + "/data.safetensors"
      try Data("not safetensors".utf8).write(to: URL(fileURLWithPath: data))
      try hostile.expectRefused(["apply", model, "--plan", planPath, "--data", data, "--output", model],
                                mentioning: "an input of this command")
    }
  }

  /// Two exports of different plans into one directory at once, 20 times: each ends with one
  /// whole export (the weights, packed file and plan of the same plan), never a mix.
  @Test func concurrentAppliesEachLeaveOneWholeExport() throws {
    try hostile.withScratch { scratch in
      let plans = [try plan(bits: 4, in: scratch), try plan(bits: 8, in: scratch)]
      // What each plan's export holds, written alone.
      let expected = try plans.map { planPath in
        let out = scratch + "/alone-" + URL(fileURLWithPath: planPath).lastPathComponent
        let run = try PareProcess.run(["apply", weights, "--plan", planPath, "--output", out, "--packed"])
        #expect(run.status == 0, "\(run.stderr)")
        return (contents(out + "/model.safetensors"), contents(out + "/model.packed.safetensors"))
      }
      for round in 0..<20 {
        let out = scratch + "/shared-\(round)"
        let group = DispatchGroup()
        for planPath in plans {
          group.enter()
          DispatchQueue.global().async {
            let run = try? PareProcess.run(["apply", weights, "--plan", planPath, "--output", out, "--packed"])
            #expect(run?.status == 0, "round \(round): \(run?.stderr ?? "did not run")")
            group.leave()
          }
        }
        group.wait()
        let written = (contents(out + "/model.safetensors"), contents(out + "/model.packed.safetensors"))
        #expect(expected.contains { $0 == written }, "round \(round): a mixed export")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted()
                == ["model.packed.safetensors", "model.safetensors", "plan.json"])
      }
    }
  }

  /// Links planted at the names earlier versions staged under are never followed, and the
  /// temporaries of a process that died (kill -9) are removed by the next export.
  @Test func plantedLinksAreNotFollowedAndDeadWritersTemporariesAreRemoved() throws {
    try hostile.withScratch { scratch in
      let planPath = try plan(bits: 8, in: scratch)
      let victim = scratch + "/victim.txt", out = scratch + "/out"
      try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
      try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
      for name in [".model.safetensors.pare-staged", ".plan.json.pare-staged", "model.safetensors.pare-tmp-1"] {
        try FileManager.default.createSymbolicLink(atPath: out + "/" + name, withDestinationPath: victim)
      }
      let dead = Process()
      dead.executableURL = URL(fileURLWithPath: "/bin/true")
      try dead.run()
      dead.waitUntilExit()
      let stale = [".pare-staging-\(dead.processIdentifier)-AbC123", "plan.json.pare-tmp-\(dead.processIdentifier)-XyZ789"]
      try FileManager.default.createDirectory(atPath: out + "/" + stale[0], withIntermediateDirectories: false)
      try Data(count: 1000).write(to: URL(fileURLWithPath: out + "/" + stale[1]))

      let run = try PareProcess.run(["apply", weights, "--plan", planPath, "--output", out])
      #expect(run.status == 0, "\(run.stderr)")
      #expect(contents(victim) == Data("precious".utf8))
      let left = try FileManager.default.contentsOfDirectory(atPath: out)
      #expect(stale.allSatisfy { !left.contains($0) }, "\(left)")
      #expect(left.contains("model.safetensors") && left.contains("plan.json"))
    }
  }
}
