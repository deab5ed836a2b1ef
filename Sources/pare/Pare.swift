import ArgumentParser

/// The `pare` command: the explorer by default, and one subcommand per scriptable action.
///
/// Every command names itself (`commandName`): otherwise ArgumentParser derives the names from
/// the type names by reflection, about a millisecond of every start-up.
@main
struct Pare: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pare",
    abstract: "Explore how far a neural network can be compressed, tensor by tensor.",
    discussion: """
      With no subcommand, opens MODEL (default: the bundled lenet-300-100) in the explorer. \
      Models are Hugging Face-style directories (config.json + model.safetensors) or bare \
      .safetensors files (browse only).
      """,
    subcommands: [Explore.self, Inspect.self, Eval.self, Forward.self, Apply.self, Unpack.self, Sensitivity.self, Search.self],
    defaultSubcommand: Explore.self)

  /// Tunes the heap (see `HeapTuning`), then parses the command line and runs the command.
  static func main() {
    HeapTuning.apply()
    main(nil)
  }
}
