import Foundation
import PareCompression
import PareFormats

/// Where the explorer keeps the current plan of each model between runs, so that no choice is
/// ever lost: `$XDG_STATE_HOME/pare/sessions/` (default `~/.local/state/pare/sessions/`), one
/// plan file per model, named by a hash of the model's absolute path and its weights' sha256.
public struct SessionStore: Sendable {
  /// The file holding this model's plan.
  public let path: String

  /// The store for `model`, whose weights hash to `weightsSHA256`, under `environment`'s state
  /// directory.
  public init(model: ModelDirectory, weightsSHA256: String,
              environment: [String: String] = ProcessInfo.processInfo.environment) {
    let home = environment["HOME"] ?? NSHomeDirectory()
    let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.local/state"
    let absolute = URL(fileURLWithPath: model.path).standardizedFileURL.path
    let key = sha256Hex(of: Data("\(absolute)\n\(weightsSHA256)".utf8)).prefix(24)
    path = "\(state)/pare/sessions/\(model.name)-\(key).json"
  }

  /// The plan saved by an earlier session, if there is a readable one.
  public func load() -> Plan? { try? Plan.load(path: path) }

  /// Saves `plan` (atomically; creates the folder when missing).
  public func save(_ plan: Plan) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try AtomicFile.write([Array(plan.jsonData())], to: path)
  }
}
