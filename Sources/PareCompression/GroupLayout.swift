import PareCore

/// How a tensor seen as [rows, columns] (`Tensor.matrixShape`) is cut into groups that share
/// quantization parameters: contiguous index ranges of the row-major elements.
public struct GroupLayout: Sendable, Equatable {
  /// Rows (the first axis).
  public let rows: Int
  /// Elements per row (everything else flattened).
  public let columns: Int
  /// Elements per group within a row; `columns` for channel granularity, the whole tensor for
  /// tensor granularity.
  public let groupSize: Int
  /// Whether the tensor is one group.
  public let isWholeTensor: Bool

  /// The layout of `granularity` (with `groupSize` for `.group`) over a [rows, columns] matrix.
  public init(rows: Int, columns: Int, granularity: Granularity, groupSize: Int? = nil) {
    self.rows = rows
    self.columns = columns
    isWholeTensor = granularity == .tensor
    switch granularity {
    case .tensor, .channel: self.groupSize = max(columns, 1)
    case .group: self.groupSize = max(groupSize ?? columns, 1)
    }
  }

  /// Groups per row.
  public var groupsPerRow: Int { isWholeTensor ? 1 : (columns + groupSize - 1) / groupSize }

  /// Number of groups.
  public var count: Int { isWholeTensor ? 1 : rows * groupsPerRow }

  /// The element indices of group `g` (row-major order: row by row, chunks left to right).
  public func range(_ g: Int) -> Range<Int> {
    if isWholeTensor { return 0..<(rows * columns) }
    let row = g / groupsPerRow, chunk = g % groupsPerRow
    let start = row * columns + chunk * groupSize
    return start..<(row * columns + min(columns, (chunk + 1) * groupSize))
  }
}
