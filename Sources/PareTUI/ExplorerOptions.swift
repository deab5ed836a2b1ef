import Foundation

/// How the explorer was started, beyond its session: what it says and offers at start, what
/// its header says about the data, and where `~` in a prompt leads.
public struct ExplorerOptions: Sendable {
  /// The `--plan` file the session starts from. The command line wins: no restore offer; and a
  /// plan made for other weights is warned about, as `pare eval` does.
  public var planFile: String?
  /// What a measured item is called ("sentences") when the explorer measures only the first
  /// items of the data, so the header says how many; nil when it measures all of it.
  public var sampledItems: String?
  /// The directory `~` stands for in a prompt's path, as in a shell ($HOME).
  public var homeDirectory: String?

  public init(planFile: String? = nil, sampledItems: String? = nil,
              homeDirectory: String? = ProcessInfo.processInfo.environment["HOME"]) {
    (self.planFile, self.sampledItems, self.homeDirectory) = (planFile, sampledItems, homeDirectory)
  }
}
