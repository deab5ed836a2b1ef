import Glibc
import Testing
@testable import PareTerminal

/// The explorer restores the terminal on every signal that can be handled and ends the process
/// by default: USR1 and PIPE as TERM.
@Suite(.serialized) struct EmergencyRestoreTests {
  @Test func terminatingSignalsAtTheirDefaultGetTheRestoringHandler() {
    let signals = [SIGTERM, SIGUSR1, SIGPIPE]
    var saved = Array(repeating: sigaction(), count: signals.count)
    var defaultAction = sigaction()
    for (i, signal) in signals.enumerated() { sigaction(signal, &defaultAction, &saved[i]) }
    defer { for (i, signal) in signals.enumerated() { sigaction(signal, &saved[i], nil) } }

    let installed = EmergencyRestore.installSignalHandlers()
    EmergencyRestore.restoreSignalHandlers(installed)
    #expect(Set(signals).isSubset(of: installed))
  }
}
