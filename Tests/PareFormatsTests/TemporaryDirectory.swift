import Foundation

/// A fresh, uniquely named directory under the system temporary directory, so that tests running
/// in parallel never see each other's files.
struct TemporaryDirectory {
  /// The directory's absolute path.
  let path: String

  /// The absolute path of `name` inside the directory.
  func path(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

  /// Writes `bytes` to `name` (creating intermediate directories) and returns its path.
  @discardableResult
  func write(_ bytes: [UInt8], to name: String) throws -> String {
    let url = URL(fileURLWithPath: path(name))
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
    return url.path
  }

  /// Writes `text` as UTF-8 to `name` and returns its path.
  @discardableResult
  func write(_ text: String, to name: String) throws -> String {
    try write(Array(text.utf8), to: name)
  }

  /// The bytes of `name`, or nil when it does not exist.
  func contents(of name: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path(name)).map { Array($0) }
  }

  /// The names directly inside the directory (or inside its subdirectory `name`), sorted.
  func listing(_ name: String = "") throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: name.isEmpty ? path : path(name)).sorted()
  }
}

/// Runs `body` with a new temporary directory and removes the directory afterwards, even when
/// `body` throws. A closure (rather than a deinit) bounds the directory's lifetime exactly.
func withTemporaryDirectory<R>(_ body: (TemporaryDirectory) throws -> R) throws -> R {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("pare-formats-tests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: url) }
  return try body(TemporaryDirectory(path: url.path))
}
