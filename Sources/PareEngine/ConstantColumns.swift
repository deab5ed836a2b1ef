/// The columns of a batch that hold the same value in every row, such as the background pixels of
/// a batch of digits (after normalization they are all `-mean/std`, not zero).
///
/// A linear layer multiplies only the other columns and adds the constant ones' contribution,
/// which is the same for every row, to its bias: `x Wᵀ = x_v W_vᵀ + 1 (c Wᵀ)`, where `v` are the
/// varying columns and `c` is row 0 with the varying columns zeroed. On the bundled MNIST data a
/// batch of 1,024 images has 172 of its 784 pixels constant, a batch of 256 has 264, so the
/// first layer's GEMM shrinks by a fifth to a third. The result equals the full product up to
/// float rounding (the constant columns are summed in a different order).
struct ConstantColumns {
  /// Indices of the columns that vary, ascending.
  let varying: [Int]
  /// Row 0 where its column is constant, 0 where it varies.
  let constantRow: [Float]
  /// The varying columns as maximal ranges of consecutive indices.
  private let runs: [Range<Int>]

  /// Fewer constant columns than this fraction of all of them are not worth the copying.
  static let minimumFraction = 8

  /// The constant columns of the row-major [rows, columns] matrix `x`, or nil when it has fewer
  /// than two rows or fewer than 1/`minimumFraction` of its columns are constant.
  ///
  /// Columns are compared bit for bit (so 0 and -0 differ, and a column of one NaN is constant,
  /// which folds into the bias as the full product would). A batch of dense activations stops
  /// the scan after a few rows.
  ///
  /// - Complexity: O(rows × columns) when most columns are constant, O(columns) otherwise.
  init?(in x: UnsafePointer<Float>, rows: Int, columns: Int) {
    guard rows > 1, columns > 0 else { return nil }
    let needed = max(1, columns / Self.minimumFraction)
    // differs[j] collects the bits in which some row's column j differs from row 0's: a branch-
    // free OR that the compiler vectorizes.
    var differs = [UInt32](repeating: 0, count: columns)
    let enough = x.withMemoryRebound(to: UInt32.self, capacity: rows * columns) { bits in
      differs.withUnsafeMutableBufferPointer { differs in
        for row in 1..<rows {
          let values = bits + row * columns
          for j in 0..<columns { differs[j] |= values[j] ^ bits[j] }
          // Counting costs as much as a row, so check now and then: soon for dense inputs.
          if row == 1 || row.isMultiple(of: 16) || row == rows - 1,
             differs.reduce(0, { $0 + ($1 == 0 ? 1 : 0) }) < needed {
            return false
          }
        }
        return true
      }
    }
    guard enough else { return nil }
    var varying: [Int] = []
    var constantRow = [Float](repeating: 0, count: columns)
    for j in 0..<columns {
      if differs[j] == 0 { constantRow[j] = x[j] } else { varying.append(j) }
    }
    self.varying = varying
    self.constantRow = constantRow
    var runs: [Range<Int>] = []
    for j in varying {
      if let last = runs.last, last.upperBound == j { runs[runs.count - 1] = last.lowerBound..<(j + 1) } else { runs.append(j..<(j + 1)) }
    }
    self.runs = runs
  }

  /// The varying columns of the row-major [rows, columns] matrix `matrix`, as a [rows, varying]
  /// matrix.
  func gather(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int) -> [Float] {
    let width = varying.count
    // Runs are copied in whole 16-float chunks that may run past their end: the next run then
    // overwrites the excess, and the buffer has room for the last one's.
    // A chunk may also read up to 15 floats past its run, so the rows whose end lies closer than
    // that to the end of the matrix are copied exactly.
    let exactRows = (Self.chunk - 1 + columns - 1) / columns
    return [Float](unsafeUninitializedCapacity: rows * width + Self.chunk) { out, count in
      guard let out = out.baseAddress else { return }
      var target = out
      for row in 0..<rows {
        let source = matrix + row * columns
        if row >= rows - exactRows {
          for run in runs { target.update(from: source + run.lowerBound, count: run.count); target += run.count }
          continue
        }
        for run in runs {
          Self.copyChunks(run.count, from: source + run.lowerBound, to: target)
          target += run.count
        }
      }
      count = rows * width
    }
  }

  /// Floats per chunk of `copyChunks`.
  private static let chunk = 16

  /// Copies `count` floats as ⌈count / 16⌉ unaligned 16-float moves. Most runs are shorter than
  /// 32, so this takes at most two moves and one predictable branch, where a call to memmove per
  /// run (or a vector loop with a scalar tail) cost more in mispredicted branches than the copy.
  @inline(__always)
  private static func copyChunks(_ count: Int, from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>) {
    let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
    var offset = 0
    repeat {
      to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset * 4, as: SIMD16<Float>.self),
                    toByteOffset: offset * 4, as: SIMD16<Float>.self)
      offset += chunk
    } while offset < count
  }
}
