/// The formats `pare apply --format` writes: Pare's own drop-in safetensors, or a form another
/// runtime loads (README "Exports").
public enum ExportFormat: String, Sendable, CaseIterable {
  /// model.safetensors with every tensor's compressed values in its original dtype (the default).
  case safetensors
  /// model.gguf for llama.cpp, from a GGUF input.
  case gguf
  /// tensor-types.txt for `llama-quantize --tensor-type-file`.
  case llamaQuantize = "llama-quantize"
  /// config.json + model.safetensors in compressed-tensors' pack-quantized format (vLLM, transformers).
  case compressedTensors = "compressed-tensors"
  /// config.json + model.safetensors in MLX's affine layout (mlx-lm).
  case mlx

  /// Whether the export is a Hugging Face-style directory, into which the model's tokenizer and
  /// generation files are copied (`ModelExport.companionNames`) so a runtime loads it as it is.
  public var copiesCompanions: Bool { self == .safetensors || self == .compressedTensors || self == .mlx }
}

/// One file of an export: its name in the output directory and its bytes.
public struct ExportFile: Sendable {
  /// The file name (no directory).
  public let name: String
  /// The contents, in chunks written one after the other.
  public let chunks: [[UInt8]]

  public init(name: String, chunks: [[UInt8]]) { (self.name, self.chunks) = (name, chunks) }
}
