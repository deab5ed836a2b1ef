import ArgumentParser

/// The `pare` command: the explorer by default, and one subcommand per scriptable action.
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
}
