import ArgumentParser
import Foundation
import Synchronization

/// Set by the first Ctrl-C; read by the running sweep or search between batches.
private let interrupted = Atomic<Bool>(false)

/// Ctrl-C as cancellation for the long-running commands: the first SIGINT asks the work to stop
/// at the next batch (cache files are written whole or not at all), a second one ends the
/// process at once.
enum Interrupt {
  /// Runs `body` with a cancellation check wired to Ctrl-C; a cancelled run ends with one line on
  /// stderr and exit status 130.
  static func run(_ body: (@escaping @Sendable () -> Bool) throws -> Void) throws {
    _ = interrupted.load(ordering: .relaxed)  // initialised before the handler may read it
    signal(SIGINT) { _ in
      if interrupted.exchange(true, ordering: .relaxed) { _exit(130) }
    }
    defer { signal(SIGINT, SIG_DFL) }
    do {
      try body { interrupted.load(ordering: .relaxed) }
    } catch is CancellationError {
      FileHandle.standardError.write(Data("interrupted; measurements already finished stay in the cache\n".utf8))
      throw ExitCode(130)
    }
  }
}
