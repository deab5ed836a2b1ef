// `@preconcurrency`: ncurses exposes `stdscr` and `COLOR_PAIRS` as plain C globals, which
// Swift 6 otherwise refuses to read. They are only read on the thread that uses the terminal
// (a `Terminal` is used from one thread), between `newterm` and `endwin`.
@preconcurrency import CNcurses
import Glibc
import Synchronization

/// Why a `CursesTerminal` could not be opened.
public enum TerminalError: Error, Hashable, CustomStringConvertible {
  /// Standard input or output is not a terminal (piped, redirected or detached).
  case notATerminal
  /// Another `CursesTerminal` is open; curses drives one screen per process.
  case alreadyOpen
  /// curses does not know the terminal type named by `TERM` (the value, or "" if unset).
  case unknownTerminalType(String)
  /// The terminal could not be opened for a reason the system gave (its message).
  case systemError(String)

  /// A one-line explanation for the user.
  public var description: String {
    switch self {
    case .notATerminal: "standard input and output must be a terminal"
    case .alreadyOpen: "the terminal is already in use by another screen"
    case .unknownTerminalType(let name):
      name.isEmpty ? "TERM is not set" : "unknown terminal type '\(name)' (TERM)"
    case .systemError(let message): "cannot open the terminal: \(message)"
    }
  }
}

/// Whether a `CursesTerminal` is open in this process.
private let cursesIsOpen = Atomic<Bool>(false)

/// The real terminal, driven through ncursesw.
///
/// Opening it puts the terminal into curses mode: the alternate screen, no echo, keys read one
/// at a time (`cbreak`, so Ctrl-C, Ctrl-Z and Ctrl-\ keep their signals), Esc reported after
/// 25 ms, the cursor hidden. `shutdown()` (also run by `deinit`) puts it back. While it is
/// open nothing else may write to standard output, which would scribble over the screen;
/// standard error is held in a temporary file and shown after the terminal is restored.
///
/// The terminal is also restored when the process ends another way: on SIGINT (Ctrl-C),
/// SIGTERM, SIGHUP, SIGUSR1, SIGPIPE, a crash or `exit()` (see `EmergencyRestore`). Ctrl-C is no
/// signal while the terminal is open but the key `.control("c")`, so the explorer can ask before
/// unsaved work is lost, as for `q`; a SIGINT sent otherwise (`kill -INT`) still ends the process
/// at once.
/// SIGTSTP (Ctrl-Z) is left to ncurses, which restores the terminal before the process stops
/// and redraws the screen when it continues; SIGWINCH too, which becomes `KeyEvent.resize`.
public final class CursesTerminal: Terminal {
  /// What the terminal can show, decided when it was opened.
  public let capabilities: TerminalCapabilities

  /// The curses screen; `nil` once shut down.
  private var screen: OpaquePointer?
  private let window: UnsafeMutablePointer<WINDOW>
  /// Duplicates of standard input and output, handed to `newterm` and closed at shutdown.
  private let input: UnsafeMutablePointer<FILE>
  private let output: UnsafeMutablePointer<FILE>
  /// The signals whose handlers were installed at open, put back at shutdown.
  private var handledSignals: [Int32]
  /// Where standard error goes while the terminal is open; `nil` if it could not be captured.
  private var standardErrorCapture: UnsafeMutablePointer<FILE>?
  /// Whether `-1` (the terminal's own colour) may be used in colour pairs.
  private let hasDefaultColors: Bool
  /// Colour pairs allocated so far, by (foreground, background).
  private var colorPairs: [ColorKey: Int16] = [:]
  /// The size last seen while open, kept for `size` after shutdown.
  private var lastSize: TerminalSize

  private struct ColorKey: Hashable {
    var foreground: TerminalColor?
    var background: TerminalColor?
  }

  /// Turns off the tty's interrupt character, so Ctrl-C reaches the reader as byte 3, and makes
  /// that curses' program mode, which it puts back after a Ctrl-Z. `endwin` restores the shell
  /// mode saved when the screen was created, Ctrl-C's signal included.
  private static func deliverInterruptKeyAsKey(_ fd: Int32) {
    var modes = termios()
    guard tcgetattr(fd, &modes) == 0 else { return }
    withUnsafeMutableBytes(of: &modes.c_cc) { $0[Int(VINTR)] = 0 }  // 0 is _POSIX_VDISABLE on Linux
    guard tcsetattr(fd, TCSANOW, &modes) == 0 else { return }
    def_prog_mode()
  }

  /// Opens the terminal on standard input and output.
  ///
  /// - Parameter allowColors: `false` for monochrome regardless of the terminal (a
  ///   `--no-color` option); colour is also off when the terminal has none or `NO_COLOR` is set.
  /// - Throws: `TerminalError` when standard input or output is not a terminal, another
  ///   `CursesTerminal` is open, or `TERM` names a terminal curses does not know.
  public init(allowColors: Bool = true) throws(TerminalError) {
    guard isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
    guard cursesIsOpen.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing)
      .exchanged
    else { throw .alreadyOpen }

    // The locale decides how ncurses encodes, decodes and measures characters, so it must be
    // set before the screen is created. Only LC_CTYPE: LC_ALL would also switch LC_NUMERIC,
    // and with it the decimal separator of C's printf and strtod for the whole process.
    setlocale(LC_CTYPE, "")
    // Before `newterm`, which installs ncurses' own SIGINT/SIGTERM handlers (exit status 1)
    // only where it still finds the default disposition.
    let handled = EmergencyRestore.installSignalHandlers()

    // Streams of their own, so that closing them at shutdown leaves fds 0 and 1 open.
    let inputFD = dup(STDIN_FILENO)
    let outputFD = dup(STDOUT_FILENO)
    let input = inputFD >= 0 ? fdopen(inputFD, "r") : nil
    let output = outputFD >= 0 ? fdopen(outputFD, "w") : nil
    let failure = errno
    let screen = input != nil && output != nil ? newterm(nil, output, input) : nil
    // `newterm` makes the new screen current, so `stdscr` is its window.
    let window: UnsafeMutablePointer<WINDOW>? = screen != nil ? stdscr : nil
    guard let input, let output, let screen, let window else {
      if let screen {
        endwin()
        delscreen(screen)
      }
      if let input { fclose(input) } else if inputFD >= 0 { close(inputFD) }
      if let output { fclose(output) } else if outputFD >= 0 { close(outputFD) }
      EmergencyRestore.restoreSignalHandlers(handled)
      cursesIsOpen.store(false, ordering: .releasing)
      if input == nil || output == nil { throw .systemError(String(cString: strerror(failure))) }
      throw .unknownTerminalType(getenv("TERM").map { String(cString: $0) } ?? "")
    }
    self.screen = screen
    self.input = input
    self.output = output
    self.handledSignals = handled
    self.window = window
    standardErrorCapture = EmergencyRestore.captureStandardError()
    EmergencyRestore.registerExitHook()

    cbreak()
    noecho()
    keypad(window, true)
    set_escdelay(25)
    curs_set(0)
    mouseinterval(0)  // report presses at once instead of waiting to recognise a click
    Self.deliverInterruptKeyAsKey(inputFD)

    let environment = getenv("NO_COLOR").map { ["NO_COLOR": String(cString: $0)] } ?? [:]
    let codeset = nl_langinfo(nl_item(CODESET)).map { String(cString: $0) } ?? ""
    let detected = TerminalCapabilities(environment: environment, hasColors: has_colors(), codeset: codeset)
    capabilities = TerminalCapabilities(colors: detected.colors && allowColors, unicode: detected.unicode)
    if capabilities.colors {
      start_color()
      hasDefaultColors = use_default_colors() == OK
    } else {
      hasDefaultColors = false
    }
    lastSize = TerminalSize(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
  }

  deinit { shutdown() }

  /// Restores the terminal (leaves the alternate screen, shows the cursor, restores the tty
  /// modes and the signal handlers). Safe to call more than once; after it, `draw` does
  /// nothing and `nextEvent` returns `nil`.
  public func shutdown() {
    guard let screen else { return }
    lastSize = size
    self.screen = nil
    endwin()
    EmergencyRestore.releaseStandardError()
    // After endwin, so that a signal arriving in between still finds a handler and exits
    // with a restored terminal either way.
    EmergencyRestore.restoreSignalHandlers(handledSignals)
    handledSignals = []
    delscreen(screen)
    fclose(input)
    fclose(output)
    if let standardErrorCapture { fclose(standardErrorCapture) }
    standardErrorCapture = nil
    cursesIsOpen.store(false, ordering: .releasing)
  }

  /// The current size in cells (the size at shutdown, once shut down).
  public var size: TerminalSize {
    guard screen != nil else { return lastSize }
    return TerminalSize(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
  }

  /// Waits for the next event; see `Terminal.nextEvent(timeout:)`. Keys Pare has no event for
  /// are skipped. Also returns `nil` early when a signal interrupts the wait (after a resume
  /// from Ctrl-Z, for example).
  public func nextEvent(timeout milliseconds: Int) -> KeyEvent? {
    guard screen != nil else { return nil }
    let clock = ContinuousClock()
    let deadline = milliseconds < 0 ? nil : clock.now.advanced(by: .milliseconds(min(milliseconds, Int(Int32.max))))
    while true {
      var wait: Int32 = -1
      if let deadline {
        let left = clock.now.duration(to: deadline).components
        wait = Int32(clamping: max(0, left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000))
      }
      wtimeout(window, wait)
      guard let (code, isKeyCode) = readKey() else { return nil }
      if isKeyCode && code == UInt32(KEY_MOUSE) {
        if let event = mouseEvent() { return event }
      } else if let event = KeyEvent(cursesKey: code, isKeyCode: isKeyCode, size: size) {
        return event
      }
      if let deadline, clock.now >= deadline { return nil }
    }
  }

  /// Shows the canvas; see `Terminal.draw(_:)`.
  ///
  /// The whole canvas is written into curses' virtual screen, and curses sends the terminal
  /// only the cells that changed since the last frame. Outside a UTF-8 locale non-ASCII
  /// characters show as `?` (one per column) so that the layout holds.
  public func draw(_ canvas: Canvas) {
    guard screen != nil else { return }
    werase(window)
    let size = self.size
    var line: [cchar_t] = []
    for row in 0..<max(0, min(canvas.height, size.height)) {
      line.removeAll(keepingCapacity: true)
      for column in 0..<max(0, min(canvas.width, size.width)) {
        let cell = canvas[row, column]
        if capabilities.unicode {
          // curses places a wide character over two columns by itself.
          if !cell.isContinuation { line.append(cursesCell(cell.text, style: cell.style)) }
        } else {
          let text = cell.text.unicodeScalars.allSatisfy(\.isASCII) && !cell.isContinuation ? cell.text : "?"
          line.append(cursesCell(text, style: cell.style))
        }
      }
      // Writes the row without moving the cursor, so the bottom-right cell cannot scroll.
      mvwadd_wchnstr(window, Int32(row), 0, line, Int32(line.count))
    }
    wnoutrefresh(window)
    doupdate()
  }

  /// Turns mouse reporting on or off; see `Terminal.setMouse(_:)`.
  public func setMouse(_ enabled: Bool) {
    guard screen != nil else { return }
    mousemask(enabled ? MouseMask.reported : 0, nil)
  }

  // MARK: - Drawing

  /// Attribute bits; curses defines `A_BOLD` and friends with casts Swift cannot import.
  /// `NCURSES_BITS(1, n)` is `1 << (n + 8)`.
  private enum Attribute {
    static let underline: attr_t = 1 << 17
    static let reverse: attr_t = 1 << 18
    static let dim: attr_t = 1 << 20
    static let bold: attr_t = 1 << 21
  }

  private func cursesCell(_ text: String, style: Style) -> cchar_t {
    var attributes: attr_t = 0
    if style.bold { attributes |= Attribute.bold }
    if style.dim { attributes |= Attribute.dim }
    if style.reverse { attributes |= Attribute.reverse }
    if style.underline { attributes |= Attribute.underline }
    let characters = text.unicodeScalars.map { wchar_t($0.value) } + [0]
    var cell = cchar_t()
    setcchar(&cell, characters, attributes, colorPair(for: style), nil)
    return cell
  }

  /// The colour pair for a style's colours, allocated on first use; 0 (the terminal's
  /// colours) without colour, or when the terminal has no pairs left.
  private func colorPair(for style: Style) -> Int16 {
    guard capabilities.colors, style.foreground != nil || style.background != nil else { return 0 }
    let key = ColorKey(foreground: style.foreground, background: style.background)
    if let pair = colorPairs[key] { return pair }
    let pair = colorPairs.count + 1
    guard pair < Int(COLOR_PAIRS), pair <= Int(Int16.max) else { return 0 }
    // Without default colours, "the terminal's colour" falls back to white on black.
    let foreground = style.foreground?.rawValue ?? (hasDefaultColors ? -1 : TerminalColor.white.rawValue)
    let background = style.background?.rawValue ?? (hasDefaultColors ? -1 : TerminalColor.black.rawValue)
    guard init_pair(Int16(pair), foreground, background) == OK else { return 0 }
    colorPairs[key] = Int16(pair)
    return Int16(pair)
  }

  // MARK: - Input

  /// One key from curses as `wget_wch` reports it, or `nil` when the wait timed out.
  ///
  /// Outside a UTF-8 locale keys are read a byte at a time and bytes above ASCII are passed
  /// on as 0x80 (a C1 control, which has no event): there `wget_wch` keeps gathering the
  /// bytes of a character it cannot decode, up to 16, and so would swallow the keys typed
  /// after it.
  private func readKey() -> (code: UInt32, isKeyCode: Bool)? {
    if capabilities.unicode {
      var code: wint_t = 0
      let result = wget_wch(window, &code)
      return result == ERR ? nil : (code, result == KEY_CODE_YES)
    }
    let key = wgetch(window)
    if key == ERR { return nil }
    if key >= KEY_MIN { return (UInt32(key), true) }
    return (UInt32(clamping: min(key, 0x80)), false)
  }

  private func mouseEvent() -> KeyEvent? {
    var event = MEVENT()
    guard getmouse(&event) == OK else { return nil }
    return KeyEvent(mouseButtons: event.bstate, row: Int(event.y), column: Int(event.x))
  }
}
