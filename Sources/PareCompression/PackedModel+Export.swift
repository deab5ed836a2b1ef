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
  /// `metric`) filled in: what plan.json and the packed file's metadata record. `weightsSHA256`
  /// is the weights' hash when the caller has it already (the explorer's background digest),
  /// else it is computed here.
  public static func completedPlan(_ applied: AppliedPlan, model: ModelDirectory, metric: MetricSummary?,
                                   weightsSHA256: String? = nil) -> Plan {
    var plan = applied.plan
    plan.model = ModelReference(path: model.path, sha256: weightsSHA256 ?? model.weights.sha256())
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

  /// Refuses an export `write` would refuse, before anything is computed: a `directory` that is
  /// a file, a destination that is a directory, and one that would overwrite the input model or
  /// any of `otherInputs` (the plan, the data). `pare apply` checks this before measuring the
  /// metric, which can take minutes.
  public static func checkDestination(
    of model: ModelDirectory, in directory: String, packed: Bool, otherInputs: [String] = []
  ) throws {
    let names = files(of: model, packed: packed).map(\.rawValue)
    try checkDestination(of: model, in: directory, names: names.dropLast() + companionFileNames(of: model) + [File.plan.rawValue],
                         otherInputs: otherInputs)
  }

  /// `checkDestination` for an export writing the files `names`.
  static func checkDestination(
    of model: ModelDirectory, in directory: String, names: [String], otherInputs: [String]
  ) throws {
    if isDirectory(directory) == false {
      throw PackedModelError(file: directory, "exists and is not a directory; pass a directory for --output")
    }
    let destinations = names.map { URL(fileURLWithPath: directory).appendingPathComponent($0).path }
    for destination in destinations { try OutputPath.refuseOverwriting(model.inputFiles + otherInputs, with: destination) }
    if let folder = destinations.first(where: { isDirectory($0) == true }) {
      throw PackedModelError(file: folder, "is a directory; cannot write the exported file there")
    }
  }

  /// Writes `model` compressed by `applied` to `directory` (created when missing): the drop-in
  /// model.safetensors, config.json, the tokenizer's and generation files the model's directory
  /// holds (`companionNames`), plan.json with its summary, and with `packed` the packed model.
  /// Returns the paths written, in order.
  ///
  /// Everything is computed in memory first, so a compression or encoding error writes nothing.
  /// Then each file is written in full (and fsync'd) into a private staging directory inside
  /// `directory` (`mkdtemp`, named with the process id so a killed run's is cleaned up by the
  /// next), and only when all of them are complete are they renamed into place, plan.json last,
  /// under an exclusive lock on `directory`: two exports into one directory each put a whole set
  /// in place, one after the other, never a mix. A failure while staging leaves any previous
  /// export untouched. Refuses what `checkDestination` refuses.
  @discardableResult
  public static func write(
    _ model: ModelDirectory, applied: AppliedPlan, metric: MetricSummary?, to directory: String, packed: Bool,
    otherInputs: [String] = [], weightsSHA256: String? = nil
  ) throws -> [String] {
    try checkDestination(of: model, in: directory, packed: packed, otherInputs: otherInputs)
    let configPath = URL(fileURLWithPath: model.path).appendingPathComponent(File.config.rawValue).path
    let files = files(of: model, packed: packed)

    let plan = completedPlan(applied, model: model, metric: metric, weightsSHA256: weightsSHA256)
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

    // The tokenizer's files and the generation defaults, byte for byte, before plan.json.
    let exported = zip(files, contents).map { ExportFile(name: $0.rawValue, chunks: $1) }
    return try install(exported.dropLast() + companionFiles(of: model) + [exported.last!], in: directory)
  }

  /// Puts `files`, computed in full, into `directory` (created when missing) as `write`
  /// describes: staged, then renamed into place in order under the directory's lock. Returns
  /// the paths written, in order.
  static func install(_ files: [ExportFile], in directory: String) throws -> [String] {
    let destinations = files.map { URL(fileURLWithPath: directory).appendingPathComponent($0.name).path }
    try OutputFolder.create(directory)
    StaleTemporaries.remove(in: directory)
    let staging = try stagingDirectory(in: directory)
    defer { try? FileManager.default.removeItem(atPath: staging) }
    let staged = files.map { URL(fileURLWithPath: staging).appendingPathComponent($0.name).path }
    for (file, path) in zip(files, staged) { try AtomicFile.write(file.chunks, to: path) }

    let lock = try exclusiveLock(on: directory)
    defer { close(lock) }  // releases the lock
    for (source, destination) in zip(staged, destinations) {
      guard rename(source, destination) == 0 else {
        throw PackedModelError(file: destination, "cannot move the finished file into place: \(String(cString: strerror(errno)))")
      }
    }
    return destinations
  }

  /// The files an export of `model` writes, in order.
  private static func files(of model: ModelDirectory, packed: Bool) -> [File] {
    File.allCases.filter { ($0 != .packed || packed) && ($0 != .config || model.config != nil) }
  }

  /// A new private directory in `directory` (`mkdtemp`: created exclusively, mode 0700), named
  /// `.pare-staging-PID-XXXXXX` (see `StaleTemporaries`).
  private static func stagingDirectory(in directory: String) throws(PackedModelError) -> String {
    let prefix = URL(fileURLWithPath: directory).appendingPathComponent(StaleTemporaries.directoryPrefix).path
    var template = Array((prefix + "\(getpid())-XXXXXX").utf8CString)
    guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
      throw PackedModelError(file: directory, "cannot create a staging directory: \(String(cString: strerror(errno)))")
    }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// A descriptor of `directory` holding an exclusive `flock`, waited for; closing it unlocks.
  private static func exclusiveLock(on directory: String) throws(PackedModelError) -> Int32 {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw PackedModelError(file: directory, "cannot open the directory: \(String(cString: strerror(errno)))") }
    while flock(fd, LOCK_EX) != 0 {
      guard errno == EINTR else {
        let reason = String(cString: strerror(errno))
        close(fd)
        throw PackedModelError(file: directory, "cannot lock the directory: \(reason)")
      }
    }
    return fd
  }

  /// Whether `path` is a directory; nil when nothing is there.
  private static func isDirectory(_ path: String) -> Bool? {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) ? isDirectory.boolValue : nil
  }
}
