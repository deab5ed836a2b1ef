import Foundation
import PareCompression
import PareCore
import PareTerminal
import PareWorkbench

/// Number, size and spec formatting for the explorer's screens.
///
/// Written by hand rather than with `String(format:)`: the view formats a few hundred numbers
/// per frame and these stay allocation-light, locale-independent and identical on every machine.
enum Format {
  /// `value` with exactly `decimals` digits after the point, rounded half away from zero
  /// ("0.30", "-12.5"); "nan", "inf" and "-inf" for non-finite values.
  static func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    var scale = 1.0
    for _ in 0..<max(decimals, 0) { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    // Beyond 2^53 the digits are noise anyway, and the integer conversion must not trap.
    guard scaled < 9.0e15 else { return String(describing: value) }
    let digits = Int64(scaled)
    let unit = Int64(scale)
    let integer = digits / unit
    var text = (value < 0 && digits != 0 ? "-" : "") + String(integer)
    if decimals > 0 {
      let fraction = String(digits % unit)
      text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return text
  }

  /// A count with a k/M/G suffix: "300", "1.20k", "235.2k", "22.7M" (three significant
  /// digits at least).
  static func count(_ value: Int) -> String { scaled(Double(value), unit: "") }

  /// A size in bytes with decimal units: "400B", "9.46kB", "940.8kB", "1.07MB".
  static func bytes(_ value: Int) -> String { scaled(Double(value), unit: "B") }

  /// A size in bytes that need not be whole (an estimate).
  static func bytes(_ value: Double) -> String { scaled(value.rounded(), unit: "B") }

  private static func scaled(_ value: Double, unit: String) -> String {
    let magnitude = abs(value)
    guard magnitude >= 1000 else { return fixed(value, decimals: 0) + unit }
    let prefixes = ["k", "M", "G", "T", "P"]
    var reduced = value / 1000
    var index = 0
    while abs(reduced) >= 999.95 && index < prefixes.count - 1 {
      reduced /= 1000
      index += 1
    }
    return fixed(reduced, decimals: abs(reduced) < 9.995 ? 2 : 1) + prefixes[index] + unit
  }

  /// A tensor element with four significant digits ("-0.2513", "12.31", "0.0004123" becomes
  /// "4.123e-4"); very small or very large magnitudes in scientific notation.
  static func value(_ value: Double) -> String {
    guard value.isFinite else { return fixed(value, decimals: 0) }
    let magnitude = abs(value)
    if magnitude == 0 { return "0" }
    if magnitude < 1e-3 || magnitude >= 1e5 { return scientific(value) }
    let exponent = Int(floor(log10(magnitude)))
    return fixed(value, decimals: max(0, 3 - exponent))
  }

  /// `value` as "d.ddde±x" ("3.210e-4", "1.234e6").
  static func scientific(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return fixed(value, decimals: 0) }
    var exponent = Int(floor(log10(abs(value))))
    var mantissa = value / pow(10, Double(exponent))
    // Rounding to three decimals can carry into a new digit (9.9996 -> 10.000).
    if abs((mantissa * 1000).rounded()) >= 10_000 {
      mantissa /= 10
      exponent += 1
    }
    return fixed(mantissa, decimals: 3) + "e" + String(exponent)
  }

  /// A fraction as a percentage with one decimal: 0.9 gives "90.0%".
  /// A time span as a clock shows it: "12s", "1:05", "1:02:03".
  static func duration(_ seconds: Double) -> String {
    let total = seconds.isFinite ? max(0, Int(seconds.rounded())) : 0
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    if hours > 0 { return "\(hours):\(two(minutes)):\(two(secs))" }
    return minutes > 0 ? "\(minutes):\(two(secs))" : "\(secs)s"
  }

  static func percent(_ fraction: Double) -> String { fixed(fraction * 100, decimals: 1) + "%" }

  /// A secondary figure as its style says: "98.6%", "0.01234", "945".
  static func figure(_ figure: SecondaryValue) -> String {
    switch figure.style {
    case .percent: percent(figure.value)
    case .significant: value(figure.value)
    case .count: fixed(figure.value, decimals: 0)
    }
  }

  /// A signed number with a leading "+" for zero and positive values: "+0.10", "-0.30".
  static func signed(_ value: Double, decimals: Int) -> String {
    let text = fixed(value, decimals: decimals)
    return text.hasPrefix("-") ? text : "+" + text
  }

  /// A shape as "300x784"; "scalar" for rank 0.
  static func shape(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
  }

  /// SQNR in dB with one decimal ("31.2dB"), "-" when there is no error to report.
  static func decibels(_ value: Double?) -> String {
    guard let value else { return "-" }
    return fixed(value, decimals: 1) + "dB"
  }

  /// A fraction without trailing zeros: 0.9 gives "0.9", 0.95 gives "0.95", 1 gives "1".
  static func trimmed(_ value: Double) -> String {
    var text = fixed(value, decimals: 4)
    while text.contains("."), text.last == "0" { text.removeLast() }
    if text.last == "." { text.removeLast() }
    return text
  }

  /// `text` cut to `width` columns by replacing its middle with `ellipsis`, so both the start
  /// and the end stay readable: "encoder.lay…query.weight". Text that fits is returned as is.
  static func middleElided(_ text: String, toWidth width: Int, ellipsis: Character) -> String {
    let utf8 = text.utf8
    if utf8.allSatisfy({ $0 < 0x80 }) {
      // ASCII (tensor names nearly always are): one column a byte.
      guard utf8.count > width else { return text }
      guard width > 1 else { return width == 1 ? String(ellipsis) : "" }
      let head = (width - 1) / 2
      let tail = width - 1 - head
      return String(decoding: utf8.prefix(head), as: UTF8.self) + String(ellipsis)
        + String(decoding: utf8.suffix(tail), as: UTF8.self)
    }
    let characters = Array(text)
    let widths = characters.map { $0.isASCII ? 1 : displayWidth(String($0)) }
    let total = widths.reduce(0, +)
    guard total > width else { return text }
    guard width > 1 else { return width == 1 ? String(ellipsis) : "" }
    let available = width - 1
    let headBudget = available / 2
    var headEnd = 0, headWidth = 0
    while headEnd < characters.count, headWidth + widths[headEnd] <= headBudget {
      headWidth += widths[headEnd]
      headEnd += 1
    }
    var tailStart = characters.count, tailWidth = 0
    while tailStart > headEnd, tailWidth + widths[tailStart - 1] <= available - headWidth {
      tailWidth += widths[tailStart - 1]
      tailStart -= 1
    }
    return String(characters[..<headEnd]) + String(ellipsis) + String(characters[tailStart...])
  }
}

extension Granularity {
  /// The table's abbreviation: "t", "ch", "g64".
  func shortName(groupSize: Int?) -> String {
    switch self {
    case .tensor: "t"
    case .channel: "ch"
    case .group: "g" + (groupSize.map(String.init) ?? "")
    }
  }

  /// In words: "per tensor", "per channel", "groups of 64".
  func words(groupSize: Int?) -> String {
    switch self {
    case .tensor: "per tensor"
    case .channel: "per channel"
    case .group: "groups of " + (groupSize.map(String.init) ?? "?")
    }
  }
}

extension QuantizeSpec {
  /// The format without granularity: "int4", "a-int4", "cb4", "fp8e4", "fp16".
  var formatName: String {
    switch scheme {
    case .int: (symmetric ? "" : "a-") + "int" + String(bits ?? 8)
    case .codebook: "cb" + String(bits ?? 8)
    case .fp8E4M3: "fp8e4"
    case .fp8E5M2: "fp8e5"
    case .fp16: "fp16"
    case .bf16: "bf16"
    case .ggml: (type?.name ?? "ggml") + (imatrix ? "+im" : "")
    }
  }

  /// Whether the format has per-group parameters worth naming (fp16 and bf16 have none).
  var hasGranularity: Bool { scheme != .fp16 && scheme != .bf16 && scheme != .ggml }

  /// The table form: format and granularity, "int4 ch", "a-int4 g64", "fp16".
  var shortForm: String {
    hasGranularity ? formatName + " " + granularity.shortName(groupSize: groupSize) : formatName
  }

  /// In words: "int4 symmetric, per channel", "4-bit codebook, per tensor", "bf16".
  var words: String {
    let scope = granularity.words(groupSize: groupSize)
    switch scheme {
    case .int: return "int\(bits ?? 8) \(symmetric ? "symmetric" : "asymmetric"), \(scope)"
    case .codebook: return "\(bits ?? 8)-bit codebook, \(scope)"
    case .fp8E4M3: return "fp8 e4m3, \(scope)"
    case .fp8E5M2: return "fp8 e5m2, \(scope)"
    case .fp16, .bf16: return formatName
    case .ggml:
      let bits = type.map { String(format: "%g", $0.bitsPerWeight) } ?? "?"
      return "ggml \(type?.name ?? "?") (\(bits) bits per weight)" + (imatrix ? ", imatrix" : "")
    }
  }
}

extension PruneSpec {
  /// The table form: "90%" or "2:4".
  var shortForm: String {
    switch method {
    case .magnitude: Format.fixed((sparsity ?? 0) * 100, decimals: 0) + "%"
    case .nm: "\(n ?? 0):\(m ?? 0)"
    }
  }

  /// In words: "prune 90% by magnitude, per tensor", "prune 2:4".
  var words: String {
    switch method {
    case .magnitude: "prune \(shortForm) by magnitude, \(granularity.words(groupSize: nil))"
    case .nm: "prune \(shortForm)"
    }
  }
}

extension LowRankSpec {
  /// The table form: "r32", or "e0.9" for an energy target.
  var shortForm: String {
    if let rank { return "r\(rank)" }
    return "e" + Format.trimmed(energy ?? 1)
  }

  /// In words: "rank 32", "rank for 90% energy".
  var words: String {
    if let rank { return "rank \(rank)" }
    return "rank for " + Format.trimmed((energy ?? 1) * 100) + "% energy"
  }
}

extension CompressionSpec {
  /// The table form: one part alone with its granularity ("int4 ch"), several joined by "+"
  /// in the order they apply, quantization without granularity ("90%+cb4", "r32+int8").
  var shortForm: String {
    let parts = [prune?.shortForm, lowrank?.shortForm].compactMap { $0 }
    guard let quantize else { return parts.joined(separator: "+") }
    return parts.isEmpty ? quantize.shortForm : (parts + [quantize.formatName]).joined(separator: "+")
  }

  /// In words, in the order the steps apply: "prune 50% by magnitude, per tensor, then int4
  /// symmetric, per channel"; "uncompressed" for an empty spec.
  var words: String {
    let parts = [prune?.words, lowrank?.words, quantize?.words].compactMap { $0 }
    return parts.isEmpty ? "uncompressed" : parts.joined(separator: ", then ")
  }
}
