import Testing
@testable import PareTerminal

struct CapabilitiesTests {
  @Test func colorNeedsHasColorsAndNoNOCOLOR() {
    #expect(TerminalCapabilities(environment: [:], hasColors: true, codeset: "UTF-8").colors)
    #expect(!TerminalCapabilities(environment: [:], hasColors: false, codeset: "UTF-8").colors)
    #expect(!TerminalCapabilities(environment: ["NO_COLOR": "1"], hasColors: true, codeset: "UTF-8").colors)
    // no-color.org: an empty NO_COLOR does not count.
    #expect(TerminalCapabilities(environment: ["NO_COLOR": ""], hasColors: true, codeset: "UTF-8").colors)
  }

  @Test(arguments: [("UTF-8", true), ("utf8", true), ("UTF8", true), ("ANSI_X3.4-1968", false), ("ISO-8859-1", false), ("", false)])
  func unicodeFollowsTheCodeset(codeset: String, unicode: Bool) {
    #expect(TerminalCapabilities(environment: [:], hasColors: true, codeset: codeset).unicode == unicode)
  }
}

struct FakeTerminalTests {
  @Test func deliversQueuedEventsThenTimesOut() {
    let terminal = FakeTerminal(events: [.character("j"), .down])
    terminal.send(.control("r"), .escape)
    #expect(terminal.nextEvent(timeout: 100) == .character("j"))
    #expect(terminal.nextEvent(timeout: 100) == .down)
    #expect(terminal.nextEvent(timeout: -1) == .control("r"))
    #expect(terminal.nextEvent(timeout: 0) == .escape)
    #expect(terminal.nextEvent(timeout: 100) == nil)
  }

  @Test func resizeChangesTheSizeAndQueuesAnEvent() {
    let terminal = FakeTerminal(width: 80, height: 24)
    #expect(terminal.size == TerminalSize(width: 80, height: 24))
    terminal.resize(width: 100, height: 30)
    #expect(terminal.size == TerminalSize(width: 100, height: 30))
    #expect(terminal.nextEvent(timeout: 0) == .resize(width: 100, height: 30))
  }

  @Test func recordsFramesAndMouseState() {
    let terminal = FakeTerminal(capabilities: TerminalCapabilities(colors: false, unicode: false))
    var canvas = Canvas(width: terminal.size.width, height: terminal.size.height)
    terminal.draw(canvas)
    canvas.put("hello", row: 0, column: 0)
    terminal.draw(canvas)
    #expect(terminal.frames.count == 2)
    #expect(terminal.frames.last?.text.hasPrefix("hello\n") == true)
    #expect(!terminal.mouseEnabled)
    terminal.setMouse(true)
    #expect(terminal.mouseEnabled)
    #expect(terminal.capabilities.glyphs == .ascii)
  }

  @Test func worksThroughTheProtocol() {
    let terminal: any Terminal = FakeTerminal(width: 40, height: 10, events: [.character("q")])
    #expect(terminal.size.width == 40)
    #expect(terminal.nextEvent(timeout: 50) == .character("q"))
  }
}
