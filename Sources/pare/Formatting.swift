import Foundation
import PareWorkbench

/// Number and table formatting shared by the commands' text output.
enum Formatting {
  /// Bytes in decimal units, e.g. "1.07 MB" (exact counts are in the JSON output).
  static func bytes(_ count: Int) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(count), unit = 0
    while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
    return unit == 0 ? "\(count) B" : String(format: "%.2f %@", value, units[unit])
  }

  /// An integer with thousands separators, e.g. "266,610".
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return n < 0 ? "-" + out : out
  }

  /// `path` relative to the current directory when it lies inside it (shorter to read).
  static func displayPath(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
  }

  /// A shape as "[300, 784]".
  static func shape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }

  /// Rows padded into columns; columns listed in `rightAligned` are right-aligned.
  static func table(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    return all.map { row in
      row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        return rightAligned.contains(c) ? pad + cell : cell + pad
      }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
  }

  /// A change from `baseline` to `value` as `kind` shows it, signed: "-0.30" (points), "+2.10"
  /// (percent), "+0.0123" (as is).
  static func change(_ kind: MetricKind, _ value: Double, from baseline: Double) -> String {
    String(format: "%+.\(kind.changeDecimals)f", kind.shownChange(value, from: baseline))
  }

  /// What the changes `change(_:_:from:)` prints are: "accuracy change in points".
  static func changeMeaning(_ kind: MetricKind) -> String {
    kind.name + " change" + (kind.changeUnits.isEmpty ? "" : " in " + kind.changeUnits)
  }

  /// `value` as pretty JSON with sorted keys; a number JSON cannot hold (NaN, infinity: the
  /// statistics of a tensor holding them, a metric over such outputs) is written as null, so
  /// `--json` never fails on one. Any other encoding failure is one line naming its key.
  static func json<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // The encoder writes non-finite numbers as this string, which is then replaced (quotes and
    // all) by null: no tensor name, path or value Pare writes is this string.
    let marker = "pare:non-finite-number:7d1c5e0a"
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: marker, negativeInfinity: marker, nan: marker)
    do {
      let text = String(decoding: try encoder.encode(value), as: UTF8.self)
      return text.replacingOccurrences(of: "\"\(marker)\"", with: "null")
    } catch let EncodingError.invalidValue(invalid, context) {
      throw JSONOutputError(key: context.codingPath.map(\.stringValue).joined(separator: "."), value: "\(invalid)")
    }
  }
}

/// `--json` output that JSON cannot represent.
struct JSONOutputError: Error, CustomStringConvertible {
  let key: String
  let value: String

  var description: String { "--json: '\(key)' is \(value), which JSON cannot hold (it has no NaN or infinity)" }
}
