/// A scripted terminal for tests: events come from a queue, frames are recorded.
///
/// Drive the explorer's run loop with it headless, then compare `frames.last?.text` with a
/// golden screen.
public final class FakeTerminal: Terminal {
  /// The current size; change it with `resize(width:height:)`.
  public private(set) var size: TerminalSize
  /// What the fake terminal claims it can show.
  public var capabilities: TerminalCapabilities
  /// Events still to be delivered, first to last.
  public private(set) var pendingEvents: [KeyEvent]
  /// Every canvas drawn, oldest first.
  public private(set) var frames: [Canvas] = []
  /// Whether mouse reporting is on.
  public private(set) var mouseEnabled = false

  /// A fake terminal of a given size (80x24 by default, Pare's minimum) with events queued.
  public init(
    width: Int = 80, height: Int = 24,
    capabilities: TerminalCapabilities = TerminalCapabilities(colors: true, unicode: true),
    events: [KeyEvent] = []
  ) {
    size = TerminalSize(width: width, height: height)
    self.capabilities = capabilities
    pendingEvents = events
  }

  /// Queues events after those already pending.
  public func send(_ events: KeyEvent...) {
    pendingEvents += events
  }

  /// Changes the size and queues the `.resize` event a real terminal would report.
  public func resize(width: Int, height: Int) {
    size = TerminalSize(width: width, height: height)
    pendingEvents.append(.resize(width: width, height: height))
  }

  /// The next queued event, or `nil` at once (as if the timeout passed) when none is left.
  public func nextEvent(timeout milliseconds: Int) -> KeyEvent? {
    pendingEvents.isEmpty ? nil : pendingEvents.removeFirst()
  }

  /// Records the canvas.
  public func draw(_ canvas: Canvas) {
    frames.append(canvas)
  }

  /// Records whether the mouse is on.
  public func setMouse(_ enabled: Bool) {
    mouseEnabled = enabled
  }
}
