import Foundation

/// The metric against the size of a Pareto frontier, drawn with characters for a terminal or as
/// an SVG image for reports. The size axis is logarithmic and marked with ratios to the original
/// (2x, 4x, ...), so the ladder's points are evenly spaced.
public struct FrontierPlot: Sendable {
  /// A plotted point.
  public struct Point: Sendable, Equatable {
    /// Size in bytes.
    public let bytes: Int
    /// The metric.
    public let value: Double

    /// A point from its parts.
    public init(bytes: Int, value: Double) { (self.bytes, self.value) = (bytes, value) }
  }

  /// A set of points drawn with one marker.
  public struct Series: Sendable {
    /// What the legend calls it.
    public let label: String
    /// The character marking its points in the text plot.
    public let marker: Character
    /// Its colour in the SVG plot.
    public let color: String
    /// The points.
    public let points: [Point]
    /// Whether consecutive points (by size) are joined by a line.
    public let joined: Bool
  }

  /// The plot's title (the model's name).
  public let title: String
  /// The metric's name, the vertical axis.
  public let metric: String
  /// The uncompressed size: the 1x mark.
  public let originalBytes: Int
  /// The series, drawn in order (later ones on top).
  public let series: [Series]

  /// The plot of `frontier`: the uniform plans, the original model and the searched plans.
  public init(frontier: ParetoFrontier, title: String) {
    self.title = title
    metric = frontier.metric.name
    originalBytes = frontier.originalBytes
    series = [
      Series(label: "uniform int", marker: "o", color: "#888888",
             points: frontier.points.compactMap { $0.uniform.map { Point(bytes: $0.compressedBytes, value: $0.measured.value) } },
             joined: false),
      Series(label: "original", marker: "+", color: "#000000",
             points: [Point(bytes: frontier.originalBytes, value: frontier.baseline)], joined: false),
      Series(label: "searched", marker: "*", color: "#1f77b4",
             points: frontier.points.map { Point(bytes: $0.searched.compressedBytes, value: $0.searched.measured.value) },
             joined: true),
    ]
  }

  /// The plot as text: `height` rows by `width` columns of plot area, with the axes, their
  /// labels and a legend around it.
  public func text(width: Int = 60, height: Int = 15) -> String {
    let (w, h) = (max(width, 10), max(height, 5))
    var grid = [[Character]](repeating: [Character](repeating: " ", count: w), count: h)
    func cell(_ p: Point) -> (Int, Int) {
      let (x, y) = scaled(p)
      return (min(w - 1, Int((x * Double(w - 1)).rounded())), min(h - 1, Int(((1 - y) * Double(h - 1)).rounded())))
    }
    for s in series {
      let cells = s.points.sorted { $0.bytes < $1.bytes }.map(cell)
      if s.joined {
        for (a, b) in zip(cells, cells.dropFirst()) {
          let steps = max(abs(b.0 - a.0), abs(b.1 - a.1))
          for k in 1..<max(steps, 1) {
            let t = Double(k) / Double(steps)
            let (x, y) = (Int((Double(a.0) + t * Double(b.0 - a.0)).rounded()), Int((Double(a.1) + t * Double(b.1 - a.1)).rounded()))
            if grid[y][x] == " " { grid[y][x] = "." }
          }
        }
      }
      for (x, y) in cells { grid[y][x] = s.marker }
    }
    let (low, high) = valueRange
    let labels = (0..<h).map { row -> String in
      guard row == 0 || row == h - 1 || row == (h - 1) / 2 else { return "" }
      return String(format: "%.4f", high - (high - low) * Double(row) / Double(h - 1))
    }
    let margin = labels.map(\.count).max() ?? 0
    var lines = [metric]
    for (row, label) in labels.enumerated() {
      lines.append(String(repeating: " ", count: margin - label.count) + label + " |" + String(grid[row]))
    }
    lines.append(String(repeating: " ", count: margin) + " +" + String(repeating: "-", count: w))
    var ticks = [Character](repeating: " ", count: w + 6)
    for (ratio, bytes) in ratioTicks {
      let (x, _) = cell(Point(bytes: bytes, value: low))
      let label = Array("\(ratio)x")
      let start = min(max(0, x - label.count / 2), ticks.count - label.count)
      if ticks[max(0, start - 1)..<min(ticks.count, start + label.count + 1)].allSatisfy({ $0 == " " }) {
        ticks.replaceSubrange(start..<(start + label.count), with: label)
      }
    }
    lines.append(String(repeating: " ", count: margin + 2) + String(ticks))
    lines.append(String(repeating: " ", count: margin + 2) + "size, log scale (marks: ratio to the original)")
    lines.append(String(repeating: " ", count: margin + 2)
      + series.reversed().map { "\($0.marker) \($0.label)" }.joined(separator: "   "))
    return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
  }

  /// The plot as an SVG document of `width` by `height` pixels.
  public func svg(width: Int = 640, height: Int = 400) -> String {
    let (left, right, top, bottom) = (70.0, 20.0, 40.0, 60.0)
    let (plotW, plotH) = (Double(width) - left - right, Double(height) - top - bottom)
    func position(_ p: Point) -> (Double, Double) {
      let (x, y) = scaled(p)
      return (left + x * plotW, top + (1 - y) * plotH)
    }
    func number(_ v: Double) -> String { String(format: "%.1f", v) }
    var out = [
      ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" font-family="sans-serif" font-size="12">"##,
      ##"<rect width="100%" height="100%" fill="white"/>"##,
      ##"<text x="\##(number(left))" y="24" font-size="14">\##(escaped(title)): \##(escaped(metric)) against size</text>"##,
      ##"<rect x="\##(number(left))" y="\##(number(top))" width="\##(number(plotW))" height="\##(number(plotH))" fill="none" stroke="#444"/>"##,
    ]
    let (low, high) = valueRange
    for k in 0...4 {
      let value = low + (high - low) * Double(k) / 4
      let (_, y) = position(Point(bytes: originalBytes, value: value))
      out.append(##"<line x1="\##(number(left))" y1="\##(number(y))" x2="\##(number(left + plotW))" y2="\##(number(y))" stroke="#eee"/>"##)
      out.append(##"<text x="\##(number(left - 6))" y="\##(number(y + 4))" text-anchor="end">\##(String(format: "%.4f", value))</text>"##)
    }
    for (ratio, bytes) in ratioTicks {
      let (x, _) = position(Point(bytes: bytes, value: low))
      out.append(##"<line x1="\##(number(x))" y1="\##(number(top))" x2="\##(number(x))" y2="\##(number(top + plotH))" stroke="#eee"/>"##)
      out.append(##"<text x="\##(number(x))" y="\##(number(top + plotH + 16))" text-anchor="middle">\##(ratio)x</text>"##)
    }
    out.append(##"<text x="\##(number(left + plotW / 2))" y="\##(number(Double(height) - 24))" text-anchor="middle">size, log scale (marks: ratio to the original)</text>"##)
    for s in series {
      let points = s.points.sorted { $0.bytes < $1.bytes }.map(position)
      if s.joined && points.count > 1 {
        let path = points.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " ")
        out.append(##"<polyline points="\##(path)" fill="none" stroke="\##(s.color)" stroke-width="1.5"/>"##)
      }
      for (x, y) in points {
        out.append(##"<circle cx="\##(number(x))" cy="\##(number(y))" r="4" fill="\##(s.color)"/>"##)
      }
    }
    for (i, s) in series.reversed().enumerated() {
      let x = left + Double(i) * 130
      out.append(##"<circle cx="\##(number(x + 5))" cy="\##(number(Double(height) - 8))" r="4" fill="\##(s.color)"/>"##)
      out.append(##"<text x="\##(number(x + 14))" y="\##(number(Double(height) - 4))">\##(escaped(s.label))</text>"##)
    }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  /// The lowest and highest metric shown: every point's, padded by 5% (at least 0.005).
  private var valueRange: (Double, Double) {
    let values = series.flatMap { $0.points.map(\.value) }
    let (low, high) = (values.min() ?? 0, values.max() ?? 1)
    let pad = max((high - low) * 0.05, 0.005)
    return (low - pad, high + pad)
  }

  /// The smallest and largest size shown: from a quarter below the smallest point to a quarter
  /// above the original.
  private var byteRange: (Double, Double) {
    let smallest = series.flatMap { $0.points.map(\.bytes) }.min() ?? originalBytes
    return (Double(max(1, smallest)) / 1.25, Double(max(1, originalBytes)) * 1.25)
  }

  /// The ratios 1x, 2x, 4x, ... whose sizes lie in the shown range, with those sizes.
  private var ratioTicks: [(Int, Int)] {
    var ticks: [(Int, Int)] = []
    var ratio = 1
    while Double(originalBytes) / Double(ratio) >= byteRange.0 && ratio < 1 << 20 {
      ticks.append((ratio, originalBytes / ratio))
      ratio *= 2
    }
    return ticks
  }

  /// `p` in [0, 1] × [0, 1]: log size across, metric up.
  private func scaled(_ p: Point) -> (Double, Double) {
    let (lowBytes, highBytes) = byteRange, (low, high) = valueRange
    let x = (log(Double(max(1, p.bytes))) - log(lowBytes)) / (log(highBytes) - log(lowBytes))
    return (min(1, max(0, x)), min(1, max(0, (p.value - low) / (high - low))))
  }

  private func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
}
