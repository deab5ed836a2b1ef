import CNcurses
import Glibc
import Synchronization

/// Puts the terminal back when the process ends without `CursesTerminal.shutdown()`: on a
/// signal, a crash or `exit()`. Also keeps standard error off the screen while curses is on.
///
/// Signals:
/// - SIGINT (Ctrl-C), SIGTERM, SIGHUP, SIGUSR1 and SIGPIPE (a closed pipe the explorer writes
///   to), where their disposition is the default, and the
///   crash signals (SIGQUIT from Ctrl-\, SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP)
///   unless ignored, get a handler that calls `endwin()`, runs the handler it replaced and
///   raises the signal again with its default action. So the process still dies of the signal
///   (a shell sees status 128 + signal, and a script running Pare stops on Ctrl-C), and a
///   crash still reaches the Swift runtime's backtracer, which then prints on a restored
///   terminal.
/// - `endwin` is not async-signal-safe; this is the trade ncurses' own handler and htop make
///   (a terminal left in curses mode is worse than the small risk of interrupting a screen
///   update), and it works even when the event loop is busy. A handler for a terminating
///   signal that the program installed before opening is left alone: its owner decides.
///
/// Standard error: while curses is on, file descriptor 2 points at an unlinked temporary file
/// (as htop's `redirectStderr` does), and what was written there is copied to the real
/// standard error when the terminal is restored. Runtime warnings and the message of a fatal
/// error, which Swift prints just before it traps, thus appear after the screen is put back
/// instead of being drawn over it and lost with the alternate screen.
enum EmergencyRestore {
  /// Signals that end the process by default, handled where their disposition is the default.
  /// (SIGKILL and SIGSTOP cannot be handled: after `kill -9` only `reset` restores the terminal.)
  static let terminatingSignals = [SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGPIPE]
  /// Signals that mean a crash, handled unless ignored (the Swift runtime's backtracer
  /// usually holds them).
  static let crashSignals = [SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP]

  /// Installs `restoreTerminalAndReraise` and returns the signals it now handles.
  static func installSignalHandlers() -> [Int32] {
    // Create the globals the handler and the exit hook use now: a global is created on first
    // use, which must not happen inside a signal handler.
    _ = (previousSignalActions, standardErrorFiles, copyBuffer)
    var installed: [Int32] = []
    for signal in terminatingSignals + crashSignals {
      var current = sigaction()
      guard sigaction(signal, nil, &current) == 0 else { continue }
      // Without SA_SIGINFO, a nil handler is SIG_DFL and 1 is SIG_IGN.
      let handler = current.__sigaction_handler.sa_handler.map { unsafeBitCast($0, to: Int.self) } ?? 0
      let hasInfo = current.sa_flags & SA_SIGINFO != 0
      let isDefault = handler == 0 && !hasInfo
      let isIgnored = handler == 1 && !hasInfo
      guard isDefault || (crashSignals.contains(signal) && !isIgnored) else { continue }
      previousSignalActions[Int(signal)] = current
      var action = sigaction()
      action.__sigaction_handler.sa_sigaction = restoreTerminalAndReraise
      // As the backtracer does: block everything but the crash signals, and do not block the
      // signal being handled (SA_NODEFER). The backtracer's memory-server thread inherits this
      // mask and relies on catching its own SIGSEGV and SIGBUS; were they blocked, its first
      // bad read would kill the process. On the alternate stack where there is one (the
      // backtracer sets one up), so that a stack overflow still reaches the handler.
      sigfillset(&action.sa_mask)
      for crashSignal in crashSignals { sigdelset(&action.sa_mask, crashSignal) }
      action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK
      if sigaction(signal, &action, nil) == 0 { installed.append(signal) }
    }
    return installed
  }

  /// Puts back the dispositions that `installSignalHandlers` replaced.
  static func restoreSignalHandlers(_ installed: [Int32]) {
    for signal in installed { sigaction(signal, previousSignalActions + Int(signal), nil) }
  }

  /// Points standard error at a temporary file until `releaseStandardError()`. Does nothing
  /// if no temporary file can be made. Returns the file, to be closed after the release.
  static func captureStandardError() -> UnsafeMutablePointer<FILE>? {
    guard let file = tmpfile() else { return nil }
    let saved = dup(STDERR_FILENO)
    guard saved >= 0, dup2(fileno(file), STDERR_FILENO) >= 0 else {
      if saved >= 0 { close(saved) }
      fclose(file)
      return nil
    }
    standardErrorFiles[0] = saved
    standardErrorFiles[1] = fileno(file)
    return file
  }

  /// Points standard error back at where it was and copies out what was captured. Uses only
  /// async-signal-safe calls, so the signal handler can call it; does nothing when not capturing.
  static func releaseStandardError() {
    let saved = standardErrorFiles[0]
    let capture = standardErrorFiles[1]
    guard saved >= 0 else { return }
    standardErrorFiles[0] = -1
    dup2(saved, STDERR_FILENO)
    close(saved)
    guard lseek(capture, 0, SEEK_SET) == 0 else { return }
    while true {
      let count = read(capture, copyBuffer, copyBufferSize)
      guard count > 0 else { return }
      var written = 0
      while written < count {
        let result = write(STDERR_FILENO, copyBuffer + written, count - written)
        guard result > 0 else { return }
        written += result
      }
    }
  }

  /// Registers, once per process, an `atexit` hook that ends curses mode and releases
  /// standard error, for a program that calls `exit()` with the terminal still open.
  static func registerExitHook() {
    guard !exitHookRegistered.exchange(true, ordering: .acquiringAndReleasing) else { return }
    atexit {
      endwin()  // returns ERR, harmlessly, when no screen is open
      EmergencyRestore.releaseStandardError()
    }
  }
}

/// Whether the `atexit` hook is registered.
private let exitHookRegistered = Atomic<Bool>(false)

/// The dispositions replaced by `EmergencyRestore`, by signal number (all below 32), for the
/// signal handler to chain to and for `restoreSignalHandlers` to put back. Written only before
/// our handler for that signal is installed; plain memory, so that the handler reads it
/// without Swift runtime calls.
nonisolated(unsafe) private let previousSignalActions: UnsafeMutablePointer<sigaction> = {
  let buffer = UnsafeMutablePointer<sigaction>.allocate(capacity: 32)
  buffer.initialize(repeating: sigaction(), count: 32)
  return buffer
}()

/// The saved standard error and the capture file's descriptor, or -1 when not capturing.
/// Plain memory for the same reason.
nonisolated(unsafe) private let standardErrorFiles: UnsafeMutablePointer<Int32> = {
  let buffer = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
  buffer.initialize(repeating: -1, count: 2)
  return buffer
}()

/// Scratch space for copying the capture out; allocated up front, as a signal handler cannot.
nonisolated(unsafe) private let copyBuffer = UnsafeMutableRawPointer.allocate(byteCount: copyBufferSize, alignment: 8)
private let copyBufferSize = 4096

/// Ends curses mode and releases standard error, runs the handler it replaced (the Swift
/// runtime's backtracer, which prints the crash report), then makes sure the process dies of
/// the signal by raising it again with its default action: the backtracer alone lets the
/// process run on after a signal that was sent rather than caused by a fault, such as Ctrl-\.
/// A terminating signal stays blocked, and so pending, until the handler returns; a crash
/// signal is delivered at once.
private let restoreTerminalAndReraise: @convention(c) (
  Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?
) -> Void = { signal, info, context in
  // First, so that a fault inside this handler ends the process instead of re-entering it.
  var defaultAction = sigaction()
  sigaction(signal, &defaultAction, nil)
  endwin()
  EmergencyRestore.releaseStandardError()
  // Never SIG_IGN: ignored signals are not taken over.
  let previous = previousSignalActions[Int(signal)]
  if previous.sa_flags & SA_SIGINFO != 0 {
    previous.__sigaction_handler.sa_sigaction?(signal, info, context)
  } else {
    previous.__sigaction_handler.sa_handler?(signal)
  }
  raise(signal)
}
