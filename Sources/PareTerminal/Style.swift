/// One of the eight ANSI colours every colour terminal has.
///
/// Pare keeps to these eight so that a theme looks the same on any terminal that has colour
/// at all; the raw values are the curses colour numbers (`COLOR_BLACK` ... `COLOR_WHITE`).
public enum TerminalColor: Int16, CaseIterable, Hashable, Sendable {
  /// ANSI colour 0.
  case black = 0
  /// ANSI colour 1.
  case red
  /// ANSI colour 2.
  case green
  /// ANSI colour 3.
  case yellow
  /// ANSI colour 4.
  case blue
  /// ANSI colour 5.
  case magenta
  /// ANSI colour 6.
  case cyan
  /// ANSI colour 7.
  case white
}

/// How a cell is drawn: colours and attributes.
///
/// Colours are dropped on monochrome terminals and under `NO_COLOR`, while the attributes are
/// always drawn, so a style whose meaning matters (the selection, a warning) should carry an
/// attribute as well as a colour.
public struct Style: Hashable, Sendable {
  /// Text colour; `nil` keeps the terminal's default.
  public var foreground: TerminalColor?
  /// Cell colour; `nil` keeps the terminal's default.
  public var background: TerminalColor?
  /// Bold (often also brighter).
  public var bold: Bool
  /// Dim (half-bright); some terminals ignore it.
  public var dim: Bool
  /// Foreground and background swapped: the usual monochrome selection highlight.
  public var reverse: Bool
  /// Underlined.
  public var underline: Bool

  /// A style from its parts; every part defaults to "unchanged from the terminal's default".
  public init(
    foreground: TerminalColor? = nil, background: TerminalColor? = nil,
    bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false
  ) {
    self.foreground = foreground
    self.background = background
    self.bold = bold
    self.dim = dim
    self.reverse = reverse
    self.underline = underline
  }

  /// The terminal's default colours with no attributes: what a blank cell has.
  public static let plain = Style()
}
