import Foundation

/// A one-line progress bar with an estimate of the time left, redrawn in place on stderr; drawn
/// only when stderr is a terminal, so logs and pipes stay clean.
struct ProgressBar {
  private let label: String
  private let enabled = isatty(STDERR_FILENO) == 1
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var drawn = false

  /// A bar whose line starts with `label`.
  init(label: String) { self.label = label }

  /// Shows `done` of `total` steps, with `detail` (what was just done) after the estimate.
  mutating func update(_ done: Int, of total: Int, detail: String = "") {
    let now = Date()
    guard enabled, total > 0, done == total || now.timeIntervalSince(lastDraw) >= 0.05 else { return }
    lastDraw = now
    let width = 24
    let filled = min(width, width * done / total)
    let elapsed = now.timeIntervalSince(start)
    let eta = done > 0 ? String(format: "ETA %.0fs", elapsed / Double(done) * Double(total - done)) : "ETA ?"
    let line = "\(label) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
      + "] \(done)/\(total)  \(eta)  \(detail)"
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    drawn = true
  }

  /// Clears the bar's line.
  mutating func finish() {
    guard drawn else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    drawn = false
  }
}
