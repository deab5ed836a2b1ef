#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PareCore
import PareFormats

/// What `pare apply` writes: a compressed model as a directory that any safetensors consumer
/// loads, plus the plan that made it and, optionally, the packed form (`PackedModel`).
public enum ModelExport {
  /// The drop-in weights: every tensor of `weights` under its name, shape and dtype, in file
  /// order, the compressed ones holding their reconstruction W′ encoded to their dtype and the
  /// others copied byte for byte; the input's `__metadata__` is kept.
  public static func dropIn(_ applied: AppliedPlan, weights: WeightStore) throws -> SafetensorsWriter {
    try PackedModel.assemble(weights, compressed: applied.compressed, metadata: weights.metadata) { entry, c, file in
      [PackedPart(name: entry.name, dtype: entry.dtype, shape: entry.shape,
                  bytes: try PackedModel.encoded(c.values, as: entry.dtype, tensor: entry.name, file: file))]
    }
  }

  /// `applied.plan` with `model` (path and SHA-256 of the weights) and `summary` (sizes and
  /// `metric`) filled in: what plan.json and the packed file's metadata record.
  public static func completedPlan(_ applied: AppliedPlan, model: ModelDirectory, metric: MetricSummary?) -> Plan {
    var plan = applied.plan
    plan.model = ModelReference(path: model.path, sha256: model.weights.sha256())
    plan.summary = applied.summary(metric: metric)
    return plan
  }

  /// The files of an export, in the order they are put in place.
  enum File: String, CaseIterable, Sendable {
    /// The packed model (`--packed` only).
    case packed = "model.packed.safetensors"
    /// The drop-in weights.
    case weights = "model.safetensors"
    /// The model directory's config.json, byte for byte (none for a bare .safetensors model).
    case config = "config.json"
    /// The completed plan, last: its presence marks a finished export.
    case plan = "plan.json"
  }

  /// Writes `model` compressed by `applied` to `directory` (created when missing): the drop-in
  /// model.safetensors, config.json, plan.json with its summary, and with `packed` the packed
  /// model. Returns the paths written, in order.
  ///
  /// Everything is computed in memory first, so a compression or encoding error writes nothing.
  /// Then each file is written in full (and fsync'd) under a hidden staging name in `directory`,
  /// and only when all of them are complete are they renamed into place, plan.json last; a
  /// failure while staging removes the staged files and leaves any previous export untouched.
  /// Refuses a `directory` that is a file, a destination that is a directory, and an export that
  /// would overwrite the input model.
  @discardableResult
  public static func write(
    _ model: ModelDirectory, applied: AppliedPlan, metric: MetricSummary?, to directory: String, packed: Bool
  ) throws -> [String] {
    if isDirectory(directory) == false {
      throw PackedModelError(file: directory, "exists and is not a directory; pass a directory for --output")
    }
    let configPath = URL(fileURLWithPath: model.path).appendingPathComponent(File.config.rawValue).path
    let files = File.allCases.filter { ($0 != .packed || packed) && ($0 != .config || model.config != nil) }
    let destinations = files.map { URL(fileURLWithPath: directory).appendingPathComponent($0.rawValue).path }
    let inputs = Set((model.weights.paths + [configPath]).map(canonical))
    if let clash = destinations.first(where: { inputs.contains(canonical($0)) }) {
      throw PackedModelError(file: clash, "is part of the input model; choose another --output directory")
    }
    if let folder = destinations.first(where: { isDirectory($0) == true }) {
      throw PackedModelError(file: folder, "is a directory; cannot write the exported file there")
    }

    let plan = completedPlan(applied, model: model, metric: metric)
    let contents: [[[UInt8]]] = try files.map { file in
      switch file {
      case .packed: return try PackedModel.packed(applied, weights: model.weights, recording: plan).serialized()
      case .weights: return try dropIn(applied, weights: model.weights).serialized()
      case .config:
        do { return [Array(try InputFile.contents(of: configPath))] } catch {
          throw PackedModelError(file: configPath, "cannot read the model's config.json: \(error)")
        }
      case .plan: return [Array(try plan.jsonData()) + [UInt8(ascii: "\n")]]
      }
    }

    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw PackedModelError(file: directory, "cannot create the directory: \(error.localizedDescription)")
    }
    let staged = destinations.map { path in
      let url = URL(fileURLWithPath: path)
      return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".pare-staged").path
    }
    do {
      for (chunks, path) in zip(contents, staged) { try AtomicFile.write(chunks, to: path) }
    } catch {
      for path in staged { unlink(path) }
      throw error
    }
    for index in destinations.indices {
      guard rename(staged[index], destinations[index]) == 0 else {
        let reason = String(cString: strerror(errno))
        for path in staged[index...] { unlink(path) }
        throw PackedModelError(file: destinations[index], "cannot move the finished file into place: \(reason)")
      }
    }
    return destinations
  }

  /// Whether `path` is a directory; nil when nothing is there.
  private static func isDirectory(_ path: String) -> Bool? {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) ? isDirectory.boolValue : nil
  }

  /// `path` absolute, with symbolic links resolved (to compare file identities).
  private static func canonical(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
  }
}
