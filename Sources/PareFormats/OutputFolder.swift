import Glibc

/// Folders made for output (sessions, caches, exports), with an error in one line naming the
/// folder at fault instead of Foundation's "The file … couldn't be saved" text.
public enum OutputFolder {
  /// Makes `path` and its missing parents (as `mkdir -p`).
  public static func create(_ path: String) throws(FileWriteError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
      if mkdir(prefix, 0o777) == 0 { continue }
      let error = errno
      var status = stat()
      guard error == EEXIST else { throw FileWriteError(path: prefix, reason: String(cString: strerror(error))) }
      guard stat(prefix, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
        throw FileWriteError(path: prefix, reason: "it is a file, not a folder")
      }
    }
  }
}
