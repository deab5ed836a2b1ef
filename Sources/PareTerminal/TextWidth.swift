import Glibc

/// One cell's worth of text: a printable scalar followed by its combining marks, and the
/// columns it covers (1, or 2 for East Asian wide characters and emoji).
///
/// Cells are built per scalar rather than per extended grapheme cluster on purpose: ncurses
/// (`cchar_t`) and wcwidth-based terminals such as xterm and tmux advance the cursor by the
/// width of each spacing scalar, so a ZWJ emoji sequence or a flag covers the columns of all
/// its spacing scalars there. Counting the same way keeps the canvas and the screen in step.
struct TextUnit: Equatable {
  var text: String
  var width: Int
}

/// The display-width rules shared by `Canvas.put`, `Canvas.displayWidth(of:)` and
/// `Canvas.truncated(_:toWidth:ellipsis:)`.
enum TextWidth {
  /// A `cchar_t` holds `CCHARW_MAX` (5) wide characters: the base and four marks.
  static let maximumMarks = 4

  /// What a scalar contributes to the text on screen.
  private enum ScalarKind {
    /// Starts a new cell group of this many columns (1 or 2).
    case spacing(Int)
    /// A zero-width mark drawn over the preceding scalar.
    case mark
    /// Format characters (ZWJ, bidi marks, soft hyphen) and variation selectors: dropped,
    /// because terminals disagree about how they change the width of their neighbours.
    case dropped
    /// Control characters and unassigned code points: shown as `?`.
    case unprintable
  }

  /// The width rules of one scalar: glibc's `wcwidth`, plus the exceptions above. Only valid
  /// inside `withUTF8Widths`.
  private static func kind(of scalar: Unicode.Scalar) -> ScalarKind {
    if scalar.value >= 0x20 && scalar.value < 0x7F { return .spacing(1) }
    let category = scalar.properties.generalCategory
    if category == .control { return .unprintable }
    if category == .format || scalar.properties.isVariationSelector { return .dropped }
    switch wcwidth?(wchar_t(scalar.value)) {
    case 0: return .mark
    case 1: return .spacing(1)
    case 2: return .spacing(2)
    default: return .unprintable
    }
  }

  /// Calls `body` with each cell group of `text` in order until it returns `false`.
  ///
  /// Marks with nothing before them, and marks beyond the fourth on one base, are dropped.
  static func forEachUnit(in text: String, _ body: (TextUnit) -> Bool) {
    withUTF8Widths {
      var pending: TextUnit?
      var marks = 0
      for scalar in text.unicodeScalars {
        let next: TextUnit
        switch kind(of: scalar) {
        case .dropped:
          continue
        case .mark:
          if var unit = pending, marks < maximumMarks {
            unit.text.unicodeScalars.append(scalar)
            pending = unit
            marks += 1
          }
          continue
        case .spacing(let width):
          next = TextUnit(text: String(scalar), width: width)
        case .unprintable:
          next = TextUnit(text: "?", width: 1)
        }
        if let unit = pending, !body(unit) { return }
        pending = next
        marks = 0
      }
      if let unit = pending { _ = body(unit) }
    }
  }

  /// Runs `body` with this thread's LC_CTYPE set to C.UTF-8.
  ///
  /// glibc's `wcwidth` answers from the LC_CTYPE locale, and under "C" or "POSIX" it returns -1
  /// for every non-ASCII scalar, so a width that depended on the process locale would differ
  /// between a test run and the real terminal. `uselocale` changes the locale of the calling
  /// thread only, for the length of `body`: concurrent callers and the process-wide locale that
  /// curses uses are untouched. All glibc UTF-8 locales share one width table, so this matches
  /// what ncurses measures in a UTF-8 locale. Without a C.UTF-8 locale (glibc before 2.35 with
  /// no generated locale) the process locale is used as it is.
  private static func withUTF8Widths(_ body: () -> Void) {
    guard let locale = utf8Locale else { return body() }
    let previous = uselocale(locale)
    defer { uselocale(previous) }
    body()
  }

  /// glibc's `wcwidth`, looked up by name: `wchar.h` declares it only under `_XOPEN_SOURCE`,
  /// which Swift's Glibc module is not built with (and SwiftPM drops the `-D_XOPEN_SOURCE`
  /// that pkg-config gives for ncursesw). If it were missing, non-ASCII text would show as `?`.
  private static let wcwidth: (@convention(c) (wchar_t) -> Int32)? =
    dlsym(dlopen(nil, RTLD_NOW), "wcwidth").map { unsafeBitCast($0, to: (@convention(c) (wchar_t) -> Int32).self) }

  /// Created once and never freed or changed, so sharing it between threads is safe.
  nonisolated(unsafe) private static let utf8Locale: locale_t? = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)
}
