import ArgumentParser
import PareFormats

/// `pare [MODEL]`: the interactive explorer.
struct Explore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore", abstract: "Open MODEL in the interactive explorer (the default command).")

  @Argument(help: "Model directory or .safetensors file (default: the bundled lenet-300-100).")
  var model: String?

  func run() throws {
    let path = try model ?? BundledAssets.locate().defaultModel
    let opened = try ModelDirectory.open(path)
    // The ncurses explorer is the next milestone; until it lands, show what it will open.
    print("""
      pare: the interactive explorer is not built yet.
      It will open \(opened.name) (\(opened.weights.entries.count) tensors) from \(path).
      Meanwhile try:
        pare inspect \(path)
        pare eval \(path)
      """)
  }
}
