/// The drawing characters a view uses, in a Unicode set and an ASCII set with the same shape.
///
/// Block, braille and box-drawing characters only render in a UTF-8 locale; elsewhere a view
/// draws the same layout with ASCII stand-ins (as htop does for its tree). Every glyph in
/// both sets is one column wide, so a layout never depends on which set is in use. Pick the
/// set with `TerminalCapabilities.glyphs`.
public struct Glyphs: Hashable, Sendable {
  /// Eight bar heights from lowest to full, for sparklines and histogram tops.
  public let bars: [Character]
  /// Horizontal rule.
  public let horizontal: Character
  /// Vertical rule, also used as a marker in plots (the chosen rank).
  public let vertical: Character
  /// Box corner, top left.
  public let topLeft: Character
  /// Box corner, top right.
  public let topRight: Character
  /// Box corner, bottom left.
  public let bottomLeft: Character
  /// Box corner, bottom right.
  public let bottomRight: Character
  /// Marks text cut short, as in `Canvas.truncated(_:toWidth:ellipsis:)`.
  public let ellipsis: Character
  /// "Becomes", as in "size before → after".
  public let arrow: Character
  /// Frames of a busy indicator, shown in turn.
  public let spinner: [Character]
  /// Whether braille dot patterns are drawn as braille; see `braille(_:)`.
  public let usesBraille: Bool
  /// Marks a column sorted in increasing and in decreasing order.
  public let ascending: Character
  public let descending: Character
  /// How the arrow keys are named in key hints and help ("↑", or "Up" where arrows would show
  /// as "?"), by the arrow character the keymap writes.
  public let arrowKeyNames: [Character: String]

  /// `label` with every arrow key written as this set names it ("↑/k" becomes "Up/k").
  public func keyLabel(_ label: String) -> String {
    label.map { arrowKeyNames[$0] ?? String($0) }.joined()
  }

  /// Block, braille and box-drawing characters, for UTF-8 locales.
  public static let unicode = Glyphs(
    bars: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
    horizontal: "─", vertical: "│",
    topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
    ellipsis: "…", arrow: "→",
    spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
    usesBraille: true, ascending: "▲", descending: "▼",
    arrowKeyNames: ["↑": "↑", "↓": "↓", "←": "←", "→": "→"])

  /// Plain ASCII stand-ins, for other locales.
  public static let ascii = Glyphs(
    bars: ["_", ".", ":", "-", "=", "+", "*", "#"],
    horizontal: "-", vertical: "|",
    topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
    ellipsis: "~", arrow: ">",
    spinner: ["|", "/", "-", "\\"],
    usesBraille: false, ascending: "^", descending: "v",
    arrowKeyNames: ["↑": "Up", "↓": "Dn", "←": "Left", "→": "Right"])

  /// The bar for a fraction of full height: 0 (or less, or NaN) gives the lowest bar, 1 (or
  /// more) the full one.
  public func bar(_ fraction: Double) -> Character {
    let top = bars.count - 1
    guard fraction > 0 else { return bars[0] }
    guard fraction < 1 else { return bars[top] }
    return bars[Int((fraction * Double(top)).rounded())]
  }

  /// The character for a 2x4 dot pattern, for plots at twice the horizontal and four times
  /// the vertical resolution of the cell grid.
  ///
  /// Bit `n` is Unicode braille dot `n + 1`: bits 0, 1, 2 and 6 are the left column from top
  /// to bottom, bits 3, 4, 5 and 7 the right one. In ASCII the pattern is reduced to where
  /// its dots are: `'` upper half only, `.` lower half only, `:` both, space for none.
  public func braille(_ dots: UInt8) -> Character {
    if usesBraille {
      // U+2800 + dots, encoded by hand (E2 A0+dots>>6 80+dots&63) to avoid a failable init.
      return Character(String(decoding: [0xE2, 0xA0 | (dots >> 6), 0x80 | (dots & 0x3F)], as: UTF8.self))
    }
    let upper = dots & 0b0001_1011 != 0
    let lower = dots & 0b1110_0100 != 0
    switch (upper, lower) {
    case (true, true): return ":"
    case (true, false): return "'"
    case (false, true): return "."
    case (false, false): return " "
    }
  }
}
