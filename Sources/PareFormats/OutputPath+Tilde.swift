extension OutputPath {
  /// Whether `path` starts with a `~` component ("~" or "~/…"): the home directory to a shell,
  /// but to the file system a folder named `~` in the current directory.
  public static func startsWithTilde(_ path: String) -> Bool { path == "~" || path.hasPrefix("~/") }

  /// `path` with a leading `~` or `~/` replaced by `home`, as shells expand it (`~user` is left
  /// alone); nil when it starts with `~` and there is no home to put there.
  public static func expandingTilde(_ path: String, home: String?) -> String? {
    guard startsWithTilde(path) else { return path }
    guard let home, !home.isEmpty else { return nil }
    let base = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
    return base + path.dropFirst()
  }

  /// Throws when `output` starts with `~`, which the shell left unexpanded (it was quoted):
  /// writing it would create a folder named `~` here. `./~/…` still names that folder.
  public static func refuseUnexpandedTilde(_ output: String, home: String?) throws(FileWriteError) {
    guard startsWithTilde(output) else { return }
    let meant = expandingTilde(output, home: home).map { "write \($0) for your home directory, or " } ?? ""
    throw FileWriteError(path: output, reason: "it would create a folder named '~' here (the shell did not expand the quoted ~); "
                           + meant + "./\(output) for a folder named '~'")
  }
}
