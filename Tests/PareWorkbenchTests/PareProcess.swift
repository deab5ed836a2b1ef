import Foundation

/// One run of the built `pare` binary (`ReportTests.binary`), for tests of what a user sees:
/// the exit status, whether a signal ended it, and its output.
struct PareProcess {
  /// The exit status, or the signal's number when `signalled`.
  let status: Int32
  /// Whether a signal (a crash, or the timeout's kill) ended the process.
  let signalled: Bool
  /// Whether the run outlived its timeout and was killed.
  let timedOut: Bool
  let stdout: String
  let stderr: String

  /// Runs `pare arguments` in the package root, killing it after `timeout` seconds.
  static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> PareProcess {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ReportTests.binary!)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.currentDirectoryURL = NetworkEvaluatorTests.root
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    // Read both pipes while it runs, so a chatty process cannot block on a full pipe.
    let outputData = Collected(output.fileHandleForReading), errorData = Collected(errors.fileHandleForReading)
    let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
    if timedOut {
      process.terminate()
      finished.wait()
    }
    return PareProcess(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                       timedOut: timedOut, stdout: outputData.text(), stderr: errorData.text())
  }

  /// Everything read from a pipe until its end, on a background thread.
  private final class Collected: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
      Thread.detachNewThread { [self] in
        data = handle.readDataToEndOfFile()
        done.signal()
      }
    }

    func text() -> String {
      done.wait()
      return String(decoding: data, as: UTF8.self)
    }
  }
}
