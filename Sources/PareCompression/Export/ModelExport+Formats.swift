import Foundation
import PareFormats

extension ModelExport {
  /// The files an export to `format` writes, plan.json last (`.safetensors` is `write`'s own).
  public static func fileNames(_ format: ExportFormat, model: ModelDirectory) -> [String] {
    let files: [String] = switch format {
    case .safetensors: model.config == nil ? [File.weights.rawValue] : [File.weights.rawValue, File.config.rawValue]
    case .gguf: [GGUFExport.fileName]
    case .llamaQuantize: [TensorTypeFileExport.fileName]
    case .compressedTensors, .mlx: [File.config.rawValue, File.weights.rawValue]
    }
    return files + (format.copiesCompanions ? companionFileNames(of: model) : []) + [File.plan.rawValue]
  }

  /// Refuses an export to `format` that `write(_:...)` would refuse for its destination, before
  /// anything is computed (see `checkDestination(of:in:packed:otherInputs:)`).
  public static func checkDestination(
    of model: ModelDirectory, in directory: String, format: ExportFormat, otherInputs: [String] = []
  ) throws {
    try checkDestination(of: model, in: directory, names: fileNames(format, model: model), otherInputs: otherInputs)
  }

  /// An export to a format other than `.safetensors`, computed in full but not yet written.
  public struct PreparedExport: Sendable {
    /// The format.
    public let format: ExportFormat
    /// Its files, plan.json aside.
    let files: [ExportFile]
    /// Lines naming tensors the format stores other than as planned (GGUF: non-ggml specs as
    /// exact F16/F32 values), for the user.
    public let warnings: [String]
  }

  /// Computes the export of `model` compressed by `applied` to `format` (not `.safetensors`,
  /// which `write(_:applied:...)` handles), refusing a tensor the format cannot store exactly by
  /// name. `pare apply` prepares before it measures the metric, so a refusal comes first.
  public static func prepare(_ format: ExportFormat, model: ModelDirectory, applied: AppliedPlan) throws -> PreparedExport {
    switch format {
    case .safetensors:
      throw PackedModelError(file: model.path, "the safetensors export is written by ModelExport.write(_:applied:...)")
    case .gguf:
      let result = try GGUFExport.export(applied, model: model)
      let warnings = result.writtenExactly.isEmpty ? [] : [
        "GGUF has no type for their specs, so these tensors are written as their exact values (F16 where exact, else F32): "
          + result.writtenExactly.joined(separator: ", "),
      ]
      return PreparedExport(format: format, files: [result.file], warnings: warnings)
    case .llamaQuantize:
      return PreparedExport(format: format, files: [try TensorTypeFileExport.file(applied, model: model)], warnings: [])
    case .compressedTensors:
      return PreparedExport(format: format, files: try CompressedTensorsExport.files(applied, model: model) + companionFiles(of: model),
                            warnings: [])
    case .mlx:
      return PreparedExport(format: format, files: try MLXExport.files(applied, model: model) + companionFiles(of: model),
                            warnings: [])
    }
  }

  /// Writes `prepared` and plan.json (`applied.plan` completed with `metric`) to `directory`,
  /// put in place together as `write(_:applied:...)` does. Returns the paths written, in order.
  @discardableResult
  public static func write(
    _ prepared: PreparedExport, model: ModelDirectory, applied: AppliedPlan, metric: MetricSummary?, to directory: String,
    otherInputs: [String] = []
  ) throws -> [String] {
    try checkDestination(of: model, in: directory, format: prepared.format, otherInputs: otherInputs)
    let plan = completedPlan(applied, model: model, metric: metric)
    let planFile = ExportFile(name: File.plan.rawValue, chunks: [Array(try plan.jsonData()) + [UInt8(ascii: "\n")]])
    return try install(prepared.files + [planFile], in: directory)
  }
}
