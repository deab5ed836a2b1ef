import ArgumentParser
import Foundation

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
    subcommands: [Explore.self, Inspect.self, Eval.self, Forward.self, Apply.self, Unpack.self, Sensitivity.self, Search.self,
                  Imatrix.self],
    defaultSubcommand: Explore.self)

  /// Moves OpenBLAS to better kernels if its detection fell short (`BLASCoreChoice`), tunes the
  /// heap (`HeapTuning`), then parses the command line and runs the command.
  static func main() {
    _ = BLASCoreChoice.made
    HeapTuning.apply()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      exitShowingOneLine(error)
    }
  }

  /// Exits as ArgumentParser does, except that a usage error is one line and the hint
  /// ("See 'pare eval --help'…"), without the usage and argument help between them, which wrap
  /// over many lines for the larger commands.
  private static func exitShowingOneLine(_ error: any Error) -> Never {
    let lines = fullMessage(for: error).split(separator: "\n")
    guard exitCode(for: error) == .validationFailure, let first = lines.first,
          let hint = lines.last(where: { $0.contains("--help") }) else { exit(withError: error) }
    FileHandle.standardError.write(Data("\(first)\n\(hint.trimmingCharacters(in: .whitespaces))\n".utf8))
    Foundation.exit(ExitCode.validationFailure.rawValue)
  }
}
