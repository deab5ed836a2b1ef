import PareWorkbench

/// The order of the tensor table: `s` cycles the key, `S` reverses it (as in ncdu).
public struct TableSort: Sendable, Equatable {
  /// What the rows are ordered by.
  public enum Key: String, Sendable, CaseIterable {
    /// The file's order.
    case file, name, params, size, error
    /// The worst loss of the tensor's cells in the sensitivity map (only once it is computed).
    case sensitivity
  }

  public var key: Key
  /// Whether the key's natural order is turned round.
  public var isReversed: Bool

  public init(key: Key = .file, isReversed: Bool = false) { (self.key, self.isReversed) = (key, isReversed) }

  /// The next key `s` moves to: sensitivity only when the map is there to sort by.
  func nextKey(hasSensitivity: Bool) -> Key {
    let keys = Key.allCases.filter { $0 != .sensitivity || hasSensitivity }
    return keys[((keys.firstIndex(of: key) ?? 0) + 1) % keys.count]
  }

  /// Whether the key's natural order puts large values first: the biggest tensors, the largest
  /// errors (lowest SQNR) and the most sensitive tensors come first, as a user looks for them.
  var isDescending: Bool { (key == .params || key == .size || key == .sensitivity) != isReversed }

  /// `rows` in this order; ties, and rows without a value (an untouched tensor's error, a tensor
  /// the map has no cells for), keep the file's order after the rows that have one.
  func sorted(_ rows: [TensorRow], sensitivity: SensitivityTable?) -> [TensorRow] {
    if key == .file { return isReversed ? rows.reversed() : rows }
    if key == .name { return rows.sorted { ($0.name < $1.name) != isReversed } }
    let keyed = rows.map { (row: $0, value: value(of: $0, sensitivity: sensitivity)) }
    let valued = keyed.filter { $0.value != nil }
    let ordered = valued.enumerated().sorted { a, b in
      let (x, y) = (a.element.value ?? 0, b.element.value ?? 0)
      return x == y ? a.offset < b.offset : (x > y) == isDescending
    }
    return ordered.map(\.element.row) + keyed.filter { $0.value == nil }.map(\.row)
  }

  /// The number a row is ordered by; for the error, the SQNR, ascending puts the worst first.
  private func value(of row: TensorRow, sensitivity: SensitivityTable?) -> Double? {
    switch key {
    case .file, .name: nil
    case .params: Double(row.params)
    case .size: Double(row.currentBytes)
    case .error: row.sqnrDecibels
    case .sensitivity:
      sensitivity.flatMap { table in table.cells(of: row.name).map { table.metric.loss($0.value, from: table.baseline) }.max() }
    }
  }
}
