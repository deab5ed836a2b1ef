/// A terminal's size in character cells.
public struct TerminalSize: Hashable, Sendable {
  /// Columns.
  public var width: Int
  /// Rows.
  public var height: Int

  /// A size from its parts.
  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }
}

/// What the terminal can show, decided once when it is opened.
public struct TerminalCapabilities: Hashable, Sendable {
  /// Whether to use colour: the terminal has colours and the user has not asked for none.
  public var colors: Bool
  /// Whether the locale's character set is UTF-8, so block and box glyphs can be shown.
  public var unicode: Bool

  /// Capabilities from their parts (for tests and for `FakeTerminal`).
  public init(colors: Bool, unicode: Bool) {
    self.colors = colors
    self.unicode = unicode
  }

  /// Capabilities as detected: colour when curses reports colours (`has_colors()`) and
  /// `NO_COLOR` is unset or empty (no-color.org); Unicode when the codeset of the locale
  /// (`nl_langinfo(CODESET)` after `setlocale`) names UTF-8.
  init(environment: [String: String], hasColors: Bool, codeset: String) {
    colors = hasColors && (environment["NO_COLOR"] ?? "").isEmpty
    let normalized = codeset.uppercased().filter { $0.isLetter || $0.isNumber }
    unicode = normalized == "UTF8"
  }

  /// The glyph set that this terminal can show.
  public var glyphs: Glyphs { unicode ? .unicode : .ascii }
}

/// An input event: a key, a mouse action or a change of terminal size.
///
/// The explorer's pure `update` consumes these; `Terminal.nextEvent(timeout:)` produces them.
public enum KeyEvent: Hashable, Sendable {
  /// A printable character, including space.
  case character(Character)
  /// Arrow up.
  case up
  /// Arrow down.
  case down
  /// Arrow left.
  case left
  /// Arrow right.
  case right
  /// Page Up.
  case pageUp
  /// Page Down.
  case pageDown
  /// Home.
  case home
  /// End.
  case end
  /// Enter or Return.
  case enter
  /// Escape, reported 25 ms after the key when no escape sequence follows.
  case escape
  /// Tab.
  case tab
  /// Shift-Tab.
  case backTab
  /// Backspace (whether the terminal sends DEL, Ctrl-H or the backspace key code).
  case backspace
  /// Delete (forward).
  case delete
  /// A control key, named by its lowercase letter or symbol: Ctrl-R is `.control("r")`.
  /// Ctrl-H, Ctrl-I, Ctrl-J, Ctrl-M and Ctrl-[ arrive as `.backspace`, `.tab`, `.enter`,
  /// `.enter` and `.escape`, because terminals send the same bytes for them.
  case control(Character)
  /// A function key: F1 is `.function(1)`.
  case function(Int)
  /// The terminal was resized; the new size.
  case resize(width: Int, height: Int)
  /// A click (or press) of the left mouse button at a cell, 0-based.
  case mouse(row: Int, column: Int)
  /// The mouse wheel turned up (scroll towards the top).
  case wheelUp
  /// The mouse wheel turned down (scroll towards the bottom).
  case wheelDown
}

/// The screen and keyboard that the explorer runs on: a real terminal (`CursesTerminal`) or a
/// scripted one for tests (`FakeTerminal`).
///
/// The run loop is: draw the canvas for the current state, wait for the next event, update the
/// state, repeat. Implementations are used from one thread only.
public protocol Terminal: AnyObject {
  /// The current size in cells; a view should render a canvas of this size.
  var size: TerminalSize { get }
  /// What the terminal can show.
  var capabilities: TerminalCapabilities { get }
  /// Waits up to `milliseconds` (forever if negative, not at all if 0) for an input event and
  /// returns it, or `nil` when the time is up. A `nil` is the loop's chance to poll background
  /// work and expire transient messages.
  func nextEvent(timeout milliseconds: Int) -> KeyEvent?
  /// Shows the canvas. Cells beyond the terminal are clipped and a smaller canvas leaves the
  /// rest of the screen blank, so a frame rendered for the previous size is harmless.
  func draw(_ canvas: Canvas)
  /// Turns mouse reporting on or off (off by default: while it is on, the terminal's own text
  /// selection needs Shift).
  func setMouse(_ enabled: Bool)
}
