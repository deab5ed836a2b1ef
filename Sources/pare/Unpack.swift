import ArgumentParser
import PareCompression
import PareFormats

/// `pare unpack PACKED --output OUT`: a packed model back to its drop-in form.
struct Unpack: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "unpack",
    abstract: "Turn a packed model (pare-packed/1) back into a drop-in safetensors file, identical to what `pare apply` writes as model.safetensors.")

  @Argument(help: "A model.packed.safetensors written by `pare apply --packed`.")
  var packed: String

  @Option(help: "Where to write the drop-in model (.safetensors); written atomically.")
  var output: String

  func run() throws {
    try OutputPath.refuseOverwriting([packed], with: output)
    try PackedModel.unpack(packed, to: output)
  }
}
