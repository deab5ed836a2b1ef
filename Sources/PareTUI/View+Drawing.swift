import PareTerminal

// Drawing helpers shared by the parts of the screen: styled text, packing and wrapping,
// cell strips, bars, boxes.

/// A piece of text in one style.
struct TextSpan: Equatable {
  var text: String
  var style: Style

  init(_ text: String, _ style: Style = .plain) {
    self.text = text
    self.style = style
  }

  /// The columns the text takes.
  var width: Int { displayWidth(text) }
}

/// The columns `text` takes on the canvas, as `Canvas.displayWidth(of:)` counts them, with a
/// fast path for ASCII (one column a byte, control characters being shown as "?"): the view
/// measures hundreds of short labels and numbers per frame.
func displayWidth(_ text: String) -> Int {
  let utf8 = text.utf8
  return utf8.allSatisfy { $0 < 0x80 } ? utf8.count : Canvas.displayWidth(of: text)
}

/// The width of spans written one after another.
func width(of spans: [TextSpan]) -> Int { spans.reduce(0) { $0 + $1.width } }

/// Groups of spans packed greedily into lines of at most `width` columns, groups on one line
/// separated by `separator`; a group is never split (one wider than the line gets a line of
/// its own and is clipped when drawn).
func packed(_ groups: [[TextSpan]], width limit: Int, separator: String = "  ") -> [[TextSpan]] {
  var lines: [[TextSpan]] = []
  var line: [TextSpan] = []
  var used = 0
  let gap = displayWidth(separator)
  for group in groups where !group.isEmpty {
    let groupWidth = width(of: group)
    if !line.isEmpty && used + gap + groupWidth > limit {
      lines.append(line)
      (line, used) = ([], 0)
    }
    if !line.isEmpty {
      line.append(TextSpan(separator))
      used += gap
    }
    line += group
    used += groupWidth
  }
  if !line.isEmpty { lines.append(line) }
  return lines
}

/// `text` broken into lines of at most `width` columns after spaces (which are dropped at the
/// ends of lines) or after any of `breaks`; a piece longer than a line is cut.
func wrapped(_ text: String, width limit: Int, breakingAfter breaks: Set<Character> = []) -> [String] {
  guard limit > 0 else { return [] }
  var pieces: [String] = []
  var piece = ""
  for character in text {
    piece.append(character)
    if character == " " || breaks.contains(character) {
      pieces.append(piece)
      piece = ""
    }
  }
  if !piece.isEmpty { pieces.append(piece) }
  var lines: [String] = []
  var line = ""
  for var next in pieces {
    let candidate = line + next
    if displayWidth(candidate.trimmingTrailingSpaces) <= limit {
      line = candidate
      continue
    }
    if !line.isEmpty { lines.append(line.trimmingTrailingSpaces) }
    line = ""
    while displayWidth(next.trimmingTrailingSpaces) > limit {
      let head = String(Canvas.truncated(next, toWidth: limit + 1, ellipsis: " ").dropLast())
      guard !head.isEmpty else {
        next = ""
        break
      }
      lines.append(head)
      next = String(next.dropFirst(head.count))
    }
    line = next
  }
  let last = line.trimmingTrailingSpaces
  if !last.isEmpty || lines.isEmpty { lines.append(last) }
  return lines
}

extension String {
  /// The string without trailing spaces.
  var trimmingTrailingSpaces: String {
    var result = self
    while result.last == " " { result.removeLast() }
    return result
  }
}

/// One row of single-column cells built up cell by cell (plots, bars, axes) and written to
/// the canvas as runs of equal style, so a plot costs one `put` per run rather than per cell.
struct CellStrip {
  private(set) var characters: [Character]
  private(set) var styles: [Style]

  init(width: Int, character: Character = " ", style: Style = .plain) {
    characters = Array(repeating: character, count: max(width, 0))
    styles = Array(repeating: style, count: max(width, 0))
  }

  /// Sets the cell at `column`; columns outside the strip are ignored.
  mutating func set(_ column: Int, _ character: Character, _ style: Style) {
    guard column >= 0 && column < characters.count else { return }
    characters[column] = character
    styles[column] = style
  }
}

/// `position` rounded down into 0..<count: below (and NaN) gives 0, beyond gives count - 1.
/// Plot coordinates go through this so that no value, however odd, can trap a conversion.
func cellIndex(_ position: Double, count: Int) -> Int {
  guard position >= 0 else { return 0 }
  guard position < Double(count) else { return max(count - 1, 0) }
  return Int(position)
}

/// `values` resampled to `count` cells, each the mean of the values it covers weighted by how
/// much of each it covers: averages when shrinking, repeats (steps) when stretching.
///
/// - Complexity: O(values.count + count).
func resampled(_ values: [Double], to count: Int) -> [Double] {
  guard count > 0 else { return [] }
  guard !values.isEmpty else { return Array(repeating: 0, count: count) }
  let step = Double(values.count) / Double(count)
  var result = [Double](repeating: 0, count: count)
  for cell in 0..<count {
    let start = Double(cell) * step
    let end = start + step
    var index = Int(start)
    var sum = 0.0
    while index < values.count && Double(index) < end {
      let overlap = min(end, Double(index + 1)) - max(start, Double(index))
      sum += values[index] * overlap
      index += 1
    }
    result[cell] = sum / step
  }
  return result
}

extension View {
  /// Writes spans one after another; what does not fit in `maxWidth` columns is cut and ends
  /// in the ellipsis. Returns the columns used.
  @discardableResult
  mutating func put(_ spans: [TextSpan], row: Int, column: Int, maxWidth: Int) -> Int {
    var used = 0
    for span in spans {
      let room = maxWidth - used
      guard room > 0 else { break }
      let text = span.width > room ? Canvas.truncated(span.text, toWidth: room, ellipsis: glyphs.ellipsis) : span.text
      used += canvas.put(text, row: row, column: column + used, style: span.style, maxWidth: room)
    }
    return used
  }

  /// Writes a strip of cells starting at `column`, one `put` per run of equal style.
  mutating func put(_ strip: CellStrip, row: Int, column: Int) {
    var start = 0
    while start < strip.characters.count {
      let style = strip.styles[start]
      var end = start + 1
      while end < strip.characters.count && strip.styles[end] == style { end += 1 }
      var text = ""
      text.reserveCapacity((end - start) * 3)
      for character in strip.characters[start..<end] { text.append(character) }
      canvas.put(text, row: row, column: column + start, style: style)
      start = end
    }
  }

  /// Writes `text` centred in the width of `rect`.
  mutating func putCentred(_ text: String, row: Int, in rect: Rect, style: Style = .plain) {
    let textWidth = min(displayWidth(text), rect.width)
    canvas.put(text, row: row, column: rect.column + (rect.width - textWidth) / 2, style: style, maxWidth: rect.width)
  }

  /// Vertical bars growing up from the bottom of `rect`, one per column, `eighths[c]` eighths
  /// of a cell tall, drawn with the glyph set's eight bar heights.
  mutating func drawBars(eighths: [Int], styles: [Style], in rect: Rect) {
    guard rect.height > 0, rect.width > 0 else { return }
    let columns = min(rect.width, eighths.count, styles.count)
    for line in 0..<rect.height {
      let floor = (rect.height - 1 - line) * 8
      // Only the stretch between the first and the last bar reaching this line is written.
      guard let first = (0..<columns).first(where: { eighths[$0] > floor }),
            let last = (0..<columns).last(where: { eighths[$0] > floor })
      else { continue }
      var strip = CellStrip(width: last - first + 1)
      for column in first...last where eighths[column] > floor {
        strip.set(column - first, glyphs.bars[min(eighths[column] - floor, 8) - 1], styles[column])
      }
      put(strip, row: rect.row + line, column: rect.column + first)
    }
  }

  /// Bar heights in eighths of a cell for fractions of a plot `rows` tall; a non-zero fraction
  /// gets at least the lowest bar so that thin tails stay visible.
  func eighths(_ fractions: [Double], rows: Int) -> [Int] {
    let full = rows * 8
    return fractions.map { fraction in
      guard fraction > 0 else { return 0 }  // NaN too
      return max(1, cellIndex(fraction * Double(full) + 0.5, count: full + 1))
    }
  }

  /// A box with a title in its top border (and a note in its bottom border) and blank
  /// inside, over whatever was drawn.
  mutating func drawBox(_ rect: Rect, title: String, footer: String?) {
    guard rect.width >= 2, rect.height >= 2 else { return }
    canvas.fill(row: rect.row, column: rect.column, width: rect.width, height: rect.height)
    let rule = String(repeating: glyphs.horizontal, count: rect.width - 2)
    canvas.put(String(glyphs.topLeft) + rule + String(glyphs.topRight), row: rect.row, column: rect.column)
    canvas.put(String(glyphs.bottomLeft) + rule + String(glyphs.bottomRight), row: rect.bottom - 1, column: rect.column)
    for row in rect.row + 1..<rect.bottom - 1 {
      canvas.put(String(glyphs.vertical), row: row, column: rect.column)
      canvas.put(String(glyphs.vertical), row: row, column: rect.right - 1)
    }
    canvas.put(" " + title + " ", row: rect.row, column: rect.column + 2, style: theme.strong, maxWidth: rect.width - 4)
    if let footer {
      let text = " " + footer + " "
      let footerWidth = min(displayWidth(text), rect.width - 4)
      canvas.put(text, row: rect.bottom - 1, column: rect.right - 2 - footerWidth, style: theme.dim, maxWidth: footerWidth)
    }
  }
}
