/// What a metric is, known without measuring anything: its name, which way is better, its unit,
/// and how a change against the uncompressed model is shown and judged (DESIGN.md §3). The
/// header, the status line, the sensitivity map's colours, the search's cost, the frontier, the
/// CLI's text and `--json` all read it.
public struct MetricKind: Sendable, Hashable {
  /// Which way is better.
  public enum Direction: String, Sendable, Hashable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
  }

  /// How a change from the baseline is shown.
  public enum ChangeStyle: Sendable, Hashable {
    /// value − baseline in hundredths: "−0.30 pts" (accuracy, fidelity).
    case points
    /// value / baseline − 1 in percent: "+2.10%" (perplexity).
    case relativePercent
    /// value − baseline as it is: "+0.0123" (KL divergence).
    case absolute
  }

  /// The metric's name, e.g. "accuracy".
  public let name: String
  /// Which way is better.
  public let direction: Direction
  /// The unit of a value ("" for fractions).
  public let unit: String
  /// How a change is shown.
  public let changeStyle: ChangeStyle
  /// The loss, in shown units, below which a change counts as none (0.05 points).
  public let negligibleLoss: Double
  /// The loss, in shown units, from which a change counts as large (1 point).
  public let largeLoss: Double
  /// Decimals of a shown change (2: "-0.30 pts").
  public let changeDecimals: Int
  /// The secondary value a search minimises when the metric has one (a label-free divergence
  /// such as a classifier's mean KL, which moves smoothly where accuracy moves in steps), else
  /// nil: the search minimises the metric's own loss.
  public let searchCost: String?

  /// A metric kind from its parts.
  public init(name: String, direction: Direction, unit: String = "", changeStyle: ChangeStyle,
              negligibleLoss: Double, largeLoss: Double, changeDecimals: Int = 2, searchCost: String? = nil) {
    (self.name, self.direction, self.unit, self.changeStyle, self.changeDecimals) = (name, direction, unit, changeStyle, changeDecimals)
    (self.negligibleLoss, self.largeLoss, self.searchCost) = (negligibleLoss, largeLoss, searchCost)
  }

  /// The change from `baseline` to `value` in shown units, signed as the values move.
  public func shownChange(_ value: Double, from baseline: Double) -> Double {
    switch changeStyle {
    case .points: (value - baseline) * 100
    case .relativePercent: baseline == 0 ? (value == 0 ? 0 : .infinity) : (value / baseline - 1) * 100
    case .absolute: value - baseline
    }
  }

  /// What `value` loses against `baseline` in shown units: positive when worse, negative when
  /// better.
  public func loss(_ value: Double, from baseline: Double) -> Double {
    let change = shownChange(value, from: baseline)
    return direction == .higherIsBetter ? -change : change
  }

  /// How much worse `value` is than `baseline` in the metric's own units (0.01 is a point of
  /// accuracy): what `--max-drop` limits.
  public func drop(_ value: Double, from baseline: Double) -> Double {
    direction == .higherIsBetter ? baseline - value : value - baseline
  }

  /// What follows a shown change: " pts", "%", or the unit.
  public var changeSuffix: String {
    switch changeStyle {
    case .points: " pts"
    case .relativePercent: "%"
    case .absolute: unit.isEmpty ? "" : " " + unit
    }
  }

  /// What a shown change is counted in, for legends and column titles: "points", "percent", or
  /// the unit ("" when it has none).
  public var changeUnits: String {
    switch changeStyle {
    case .points: "points"
    case .relativePercent: "percent"
    case .absolute: unit
    }
  }

  /// A short column title for shown changes: "pts", "%", or "change".
  public var changeTitle: String {
    switch changeStyle {
    case .points: "pts"
    case .relativePercent: "%"
    case .absolute: "change"
    }
  }

  /// Whether `a` is a better value than `b`.
  public func isBetter(_ a: Double, than b: Double) -> Bool {
    direction == .higherIsBetter ? a > b : a < b
  }

  /// How bad a loss is: none, small or large (NaN counts as large).
  public func severity(ofLoss loss: Double) -> Severity {
    loss <= negligibleLoss ? .none : loss < largeLoss ? .small : .large
  }

  /// How much a change loses, on the one scale of the header, the status line and the map.
  public enum Severity: Sendable {
    case none, small, large
  }

  /// A loss as a fraction of the sensitivity map's tallest bar, on a log scale: a loss of
  /// `largeLoss` is a sixth of it (1 point of accuracy), a loss of 99 `largeLoss` the full bar.
  public func barHeight(ofLoss loss: Double) -> Double {
    log10(1 + max(0, loss) / largeLoss) / 2
  }
}

#if canImport(Glibc)
import Glibc
#endif
