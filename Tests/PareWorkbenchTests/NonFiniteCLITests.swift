import Foundation
import PareCore
import PareFormats
import Testing

/// Issue #17 through the built binary: what must still work on weights holding NaN or Inf.
/// `inspect` counts them and prints no inverted extremes, every `--json` writes null for a
/// non-finite number (never an EncodingError), and a plan leaving them alone applies with the
/// tensors copied byte for byte and a packed file that unpacks to the drop-in. (The refusals are
/// Tests/inputs/nonfinite, run by Tests/check-inputs.sh.)
@Suite(.enabled(if: ReportTests.binary != nil))
struct NonFiniteCLITests {
  /// numpy's fixture: one tensor per float dtype, and "all_nan" (6 NaN, no finite value).
  let fixture = "Tests/PareCompressionTests/Fixtures/nonfinite.safetensors"
  /// A bare 4x8 model: "w" holds 3 NaN and 1 Inf, "v" is finite, "b" (F16) holds one -Inf.
  let model = "Tests/inputs/nonfinite/model.safetensors"

  @Test func inspectCountsThemAndTakesExtremesOverFiniteValues() throws {
    let run = try PareProcess.run(["inspect", fixture])
    #expect(run.status == 0 && !run.signalled, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(lines.first?.last == "non-finite")
    let allNaN = try #require(lines.first { $0.first == "all_nan" })
    #expect(Array(allNaN.suffix(5)) == ["nan", "nan", "nan", "0.0%", "6"])
    let f32 = try #require(lines.first { $0.first == "f32" })
    #expect(Array(f32.suffix(5)) == ["-2.285", "2.026", "nan", "0.0%", "5"])
  }

  @Test func inspectJSONWritesNullForNonFiniteNumbers() throws {
    let run = try PareProcess.run(["inspect", fixture, "--json"])
    #expect(run.status == 0 && !run.signalled, "\(run.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let tensors = try #require(report["tensors"] as? [[String: Any]])
    let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0["name"] as? String ?? "", $0) })
    let allNaN = try #require(byName["all_nan"])
    #expect(allNaN["min"] is NSNull && allNaN["max"] is NSNull && allNaN["std"] is NSNull)
    #expect(allNaN["non_finite"] as? Int == 6)
    #expect(byName["f32"]?["std"] is NSNull && byName["f32"]?["non_finite"] as? Int == 5)
    #expect(byName["finite"]?["non_finite"] as? Int == 0 && byName["finite"]?["std"] is Double)
  }

  @Test func untouchedTensorsApplyByteForByteAndUnpackToTheDropIn() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pare-nonfinite-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let plan = scratch + "/plan.json"
    try Data(#"{"format": "pare-plan/1", "tensors": {"v": {"quantize": {"bits": 4}}}}"#.utf8).write(to: URL(fileURLWithPath: plan))
    let apply = try PareProcess.run(["apply", model, "--plan", plan, "--output", scratch + "/out", "--packed"])
    #expect(apply.status == 0 && !apply.signalled, "\(apply.stderr)")
    let unpack = try PareProcess.run(["unpack", scratch + "/out/model.packed.safetensors", "--output", scratch + "/unpacked.safetensors"])
    #expect(unpack.status == 0 && !unpack.signalled, "\(unpack.stderr)")
    #expect(FileManager.default.contents(atPath: scratch + "/out/model.safetensors")
      == FileManager.default.contents(atPath: scratch + "/unpacked.safetensors"))
    let input = try WeightStore(file: NetworkEvaluatorTests.root.appendingPathComponent(model).path)
    let output = try WeightStore(file: scratch + "/out/model.safetensors")
    for name in ["w", "b"] {
      #expect(try output.withRawBytes(of: name) { Array($0) } == input.withRawBytes(of: name) { Array($0) }, "\(name)")
    }
    #expect(try output.withRawBytes(of: "v") { Array($0) } != input.withRawBytes(of: "v") { Array($0) })
  }

  /// lenet-300-100 with a NaN and an Inf left in fc2.weight: its outputs are NaN, so the KL is
  /// NaN; `eval --json` writes it as null and exits 0.
  @Test func evalJSONOnAModelWithNaNOutputsWritesNull() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pare-nanlenet-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let lenet = NetworkEvaluatorTests.root.appendingPathComponent("assets/models/lenet-300-100")
    try FileManager.default.copyItem(atPath: lenet.appendingPathComponent("config.json").path, toPath: scratch + "/config.json")
    let weights = try WeightStore(file: lenet.appendingPathComponent("model.safetensors").path)
    var writer = SafetensorsWriter()
    for entry in weights.entries {
      var tensor = try weights.tensor(named: entry.name)
      if entry.name == "fc2.weight" {
        var values = tensor.scalars
        (values[0], values[7]) = (.nan, .infinity)
        tensor = try Tensor(shape: tensor.shape, scalars: values)
      }
      try writer.add(entry.name, tensor, as: entry.dtype)
    }
    try writer.write(to: scratch + "/model.safetensors")
    let plan = scratch + "/plan.json"
    try Data(#"{"format": "pare-plan/1", "tensors": {"fc1.weight": {"quantize": {"bits": 4}}}}"#.utf8).write(to: URL(fileURLWithPath: plan))
    let run = try PareProcess.run(["eval", scratch, "--plan", plan, "--data", "assets/data/mnist-test.safetensors", "--json"])
    #expect(run.status == 0 && !run.signalled, "\(run.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    #expect(report["mean_kl"] is NSNull)
    #expect(report["samples"] as? Int == 1000)
  }
}
