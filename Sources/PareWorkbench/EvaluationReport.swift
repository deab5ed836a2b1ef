import PareCompression

/// A measurement as `pare eval --json` prints it: the metric (with which way is better), the
/// sizes, and every secondary figure by its key. Without a plan, the figures that compare with
/// the uncompressed model (agreement, KL) are left out: they would compare it with itself.
public struct EvaluationReport: Encodable, Sendable {
  private let fields: [(key: String, value: Field)]

  private enum Field: Encodable, Sendable {
    case text(String)
    case number(Double)
    case count(Int)

    func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case let .text(text): try container.encode(text)
      case let .number(number):
        if number.isFinite { try container.encode(number) } else { try container.encodeNil() }  // JSON has no NaN
      case let .count(count): try container.encode(count)
      }
    }
  }

  private struct Key: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  /// The report of `planned` against `baseline` for the sizes of `applied`; `comparing` false
  /// when no plan was given (then `planned` is the baseline).
  public init(planned: PlanMetric, baseline: PlanMetric, applied: AppliedPlan, comparing: Bool) {
    var fields: [(String, Field)] = [
      ("metric", .text(planned.name)), ("direction", .text(planned.kind.direction.rawValue)),
      ("value", .number(planned.value)), ("baseline", .number(baseline.value)),
      ("original_bytes", .count(applied.originalBytes)), ("compressed_bytes", .count(applied.compressedBytes)),
      ("entropy_coded_bytes", .count(applied.entropyCodedBytes)), ("ratio", .number(applied.ratio)),
      ("samples", .count(planned.samples)),
    ]
    if !planned.kind.unit.isEmpty { fields.append(("unit", .text(planned.kind.unit))) }
    for figure in planned.secondary where comparing || !figure.isComparison {
      fields.append((figure.key, figure.style == .count ? .count(Int(figure.value)) : .number(figure.value)))
      if comparing, !figure.isComparison, let original = baseline.secondary(figure.key) {
        fields.append(("baseline_" + figure.key, figure.style == .count ? .count(Int(original)) : .number(original)))
      }
    }
    self.fields = fields
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    for (key, value) in fields { try container.encode(value, forKey: Key(stringValue: key)) }
  }
}
