import ArgumentParser

/// The `pare` command: the explorer by default, and one subcommand per scriptable action.
///
/// Every command names itself (`commandName`): otherwise ArgumentParser derives the names from
/// the type names by reflection, about a millisecond of every start-up.
@main
struct Pare: ParsableCommand {
  static let version = "0.1.0"

  /// Built when first read, after start-up: `--version` names the OpenBLAS core in use.
  static let configuration = CommandConfiguration(
    commandName: "pare",
    abstract: "Explore how far a neural network can be compressed, tensor by tensor.",
    discussion: """
      With no subcommand, opens MODEL (default: the bundled lenet-300-100) in the explorer. \
      Models are Hugging Face-style directories (config.json + model.safetensors) or bare \
      .safetensors files (browse only).
      """,
    version: "pare \(version) (\(BLASCoreChoice.description))",
    subcommands: [Explore.self, Inspect.self, Eval.self, Forward.self, Apply.self, Unpack.self, Sensitivity.self, Search.self],
    defaultSubcommand: Explore.self)

  /// Moves OpenBLAS to better kernels if its detection fell short (`BLASCoreChoice`), tunes the
  /// heap (`HeapTuning`), then parses the command line and runs the command.
  static func main() {
    _ = BLASCoreChoice.made
    HeapTuning.apply()
    main(nil)
  }
}
