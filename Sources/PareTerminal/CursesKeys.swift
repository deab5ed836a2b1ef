import CNcurses

/// Mouse button masks. ncurses defines them with function-like macros that Swift cannot
/// import; these are `NCURSES_MOUSE_MASK(b, m)` for mouse version 2 (5 bits per button).
enum MouseMask {
  static let button1Pressed: mmask_t = 0x2
  static let button1Clicked: mmask_t = 0x4
  static let wheelUp: mmask_t = 0x1_0000      // BUTTON4_PRESSED
  static let wheelDown: mmask_t = 0x20_0000   // BUTTON5_PRESSED
  /// Everything `CursesTerminal` asks curses to report while the mouse is on.
  static let reported = button1Pressed | button1Clicked | wheelUp | wheelDown
}

extension KeyEvent {
  /// The first key code of `KEY_F(n)`; `KEY_F(n)` is a function-like macro Swift cannot import.
  static let functionKeyBase = UInt32(KEY_F0)
  /// ncurses reserves 64 function key codes, F0 to F63.
  static let functionKeyCount: UInt32 = 64

  /// The event for one result of `wget_wch`: a key code when it returned `KEY_CODE_YES`,
  /// otherwise a character. `size` is the terminal size, reported with `KEY_RESIZE`.
  /// Returns `nil` for codes Pare does not use (and for `KEY_MOUSE`, which needs `getmouse`).
  init?(cursesKey code: UInt32, isKeyCode: Bool, size: TerminalSize) {
    if isKeyCode {
      guard let event = KeyEvent.keyCodeEvent(code, size: size) else { return nil }
      self = event
    } else {
      guard let event = KeyEvent.characterEvent(code) else { return nil }
      self = event
    }
  }

  private static func keyCodeEvent(_ code: UInt32, size: TerminalSize) -> KeyEvent? {
    switch Int32(bitPattern: code) {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_ENTER: return .enter
    case KEY_BACKSPACE: return .backspace
    case KEY_DC: return .delete
    case KEY_BTAB: return .backTab
    case KEY_RESIZE: return .resize(width: size.width, height: size.height)
    default:
      let index = code &- functionKeyBase
      guard index >= 1 && index < functionKeyCount else { return nil }
      return .function(Int(index))
    }
  }

  private static func characterEvent(_ code: UInt32) -> KeyEvent? {
    switch code {
    case 8, 127: return .backspace
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    case 0..<32:
      // Ctrl-A ... Ctrl-Z are 1 ... 26 (named by lowercase letters); Ctrl-@ is 0 and
      // Ctrl-\ ] ^ _ are 28 ... 31.
      let offset: UInt8 = code >= 1 && code <= 26 ? 0x60 : 0x40
      return .control(Character(Unicode.Scalar(UInt8(code) + offset)))
    default:
      guard let scalar = Unicode.Scalar(code), scalar.properties.generalCategory != .control else {
        return nil
      }
      return .character(Character(scalar))
    }
  }

  /// The event for a mouse report from `getmouse`, or `nil` for buttons Pare does not use.
  init?(mouseButtons: mmask_t, row: Int, column: Int) {
    if mouseButtons & (MouseMask.button1Pressed | MouseMask.button1Clicked) != 0 {
      self = .mouse(row: row, column: column)
    } else if mouseButtons & MouseMask.wheelUp != 0 {
      self = .wheelUp
    } else if mouseButtons & MouseMask.wheelDown != 0 {
      self = .wheelDown
    } else {
      return nil
    }
  }
}
