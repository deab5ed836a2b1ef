import Foundation
import PareCompression
import PareFormats
import Synchronization

/// Where the explorer keeps the current plan of each model between runs, so that no choice is
/// ever lost: `$XDG_STATE_HOME/pare/sessions/` (default `~/.local/state/pare/sessions/`), one
/// plan file per model, named by a hash of the model's absolute path and its weights'
/// fingerprint (`WeightStore.fingerprint()`: headers, sizes, modification times; no weight byte is
/// read, so a 14 GB model's session is found at once).
public final class SessionStore: Sendable {
  /// The file holding this model's plan.
  public let path: String
  /// Whether the last save failed: a failure is reported once, not after every key.
  private let lastSaveFailed = Mutex(false)

  /// The store for `model`, whose weights' fingerprint is `weightsFingerprint`, under
  /// `environment`'s state directory.
  public init(model: ModelDirectory, weightsFingerprint: String,
              environment: [String: String] = ProcessInfo.processInfo.environment) {
    let home = environment["HOME"] ?? NSHomeDirectory()
    let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.local/state"
    let absolute = URL(fileURLWithPath: model.path).standardizedFileURL.path
    let key = sha256Hex(of: Data("\(absolute)\n\(weightsFingerprint)".utf8)).prefix(24)
    path = "\(state)/pare/sessions/\(model.name)-\(key).json"
  }

  /// The plan saved by an earlier session; nil when there is none. Throws, naming the file,
  /// when there is one that cannot be read.
  public func load() throws(PlanError) -> Plan? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    do { return try Plan.load(path: path) } catch { throw PlanError(file: error.file, "session not restored: \(error.message)") }
  }

  /// Saves `plan` (atomically; creates the folder when missing). Returns a one-line message
  /// naming the file when this save failed and the one before did not, else nil: the user is
  /// told once, and again only after a save worked.
  public func save(_ plan: Plan) -> String? {
    do {
      try OutputFolder.create(URL(fileURLWithPath: path).deletingLastPathComponent().path)
      try AtomicFile.write([Array(plan.jsonData())], to: path)
      lastSaveFailed.withLock { $0 = false }
      return nil
    } catch {
      let firstFailure = lastSaveFailed.withLock { failed in defer { failed = true }; return !failed }
      return firstFailure ? "session not saved (\(error)); your changes are kept until you quit" : nil
    }
  }
}
