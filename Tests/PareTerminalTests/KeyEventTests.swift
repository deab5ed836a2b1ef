import CNcurses
import Testing
@testable import PareTerminal

struct KeyEventTests {
  private static let size = TerminalSize(width: 100, height: 30)

  private static func key(_ code: Int32) -> KeyEvent? {
    KeyEvent(cursesKey: UInt32(code), isKeyCode: true, size: size)
  }

  private static func character(_ code: UInt32) -> KeyEvent? {
    KeyEvent(cursesKey: code, isKeyCode: false, size: size)
  }

  @Test func keyCodes() {
    #expect(Self.key(KEY_UP) == .up)
    #expect(Self.key(KEY_DOWN) == .down)
    #expect(Self.key(KEY_LEFT) == .left)
    #expect(Self.key(KEY_RIGHT) == .right)
    #expect(Self.key(KEY_PPAGE) == .pageUp)
    #expect(Self.key(KEY_NPAGE) == .pageDown)
    #expect(Self.key(KEY_HOME) == .home)
    #expect(Self.key(KEY_END) == .end)
    #expect(Self.key(KEY_ENTER) == .enter)
    #expect(Self.key(KEY_BACKSPACE) == .backspace)
    #expect(Self.key(KEY_DC) == .delete)
    #expect(Self.key(KEY_BTAB) == .backTab)
    #expect(Self.key(KEY_RESIZE) == .resize(width: 100, height: 30))
  }

  @Test func functionKeys() {
    #expect(Self.key(KEY_F0 + 1) == .function(1))
    #expect(Self.key(KEY_F0 + 12) == .function(12))
    #expect(Self.key(KEY_F0 + 63) == .function(63))
    #expect(Self.key(KEY_F0) == nil)
    #expect(Self.key(KEY_F0 + 64) == nil)
  }

  @Test func unusedKeyCodesGiveNoEvent() {
    #expect(Self.key(KEY_MOUSE) == nil)
    #expect(Self.key(KEY_IC) == nil)
    #expect(Self.key(KEY_SLEFT) == nil)
    #expect(Self.key(KEY_MIN) == nil)
  }

  @Test func controlCharacters() {
    #expect(Self.character(0x12) == .control("r"))
    #expect(Self.character(0x01) == .control("a"))
    #expect(Self.character(0x03) == .control("c"))
    #expect(Self.character(0x1A) == .control("z"))
    #expect(Self.character(0x00) == .control("@"))
    #expect(Self.character(0x1C) == .control("\\"))
    #expect(Self.character(0x1F) == .control("_"))
    #expect(Self.character(9) == .tab)
    #expect(Self.character(10) == .enter)
    #expect(Self.character(13) == .enter)
    #expect(Self.character(27) == .escape)
    #expect(Self.character(127) == .backspace)
    #expect(Self.character(8) == .backspace)
  }

  @Test func printableCharacters() {
    #expect(Self.character(UInt32(UInt8(ascii: "q"))) == .character("q"))
    #expect(Self.character(UInt32(UInt8(ascii: " "))) == .character(" "))
    #expect(Self.character(UInt32(UInt8(ascii: "?"))) == .character("?"))
    #expect(Self.character(0xE9) == .character("é"))
    #expect(Self.character(0x4E2D) == .character("中"))
    #expect(Self.character(0x1F600) == .character("😀"))
  }

  @Test func invalidCharactersGiveNoEvent() {
    #expect(Self.character(0x85) == nil)      // C1 control
    #expect(Self.character(0xD800) == nil)    // surrogate
    #expect(Self.character(0x11_0000) == nil) // beyond Unicode
    #expect(Self.character(.max) == nil)
  }

  @Test func mouseReports() {
    #expect(KeyEvent(mouseButtons: MouseMask.button1Pressed, row: 3, column: 7) == .mouse(row: 3, column: 7))
    #expect(KeyEvent(mouseButtons: MouseMask.button1Clicked, row: 0, column: 1) == .mouse(row: 0, column: 1))
    #expect(KeyEvent(mouseButtons: MouseMask.wheelUp, row: 3, column: 7) == .wheelUp)
    #expect(KeyEvent(mouseButtons: MouseMask.wheelDown, row: 3, column: 7) == .wheelDown)
    #expect(KeyEvent(mouseButtons: 0x1, row: 3, column: 7) == nil)  // button 1 released
    #expect(KeyEvent(mouseButtons: 0, row: 0, column: 0) == nil)
  }
}
