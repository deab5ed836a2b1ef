import Testing
@testable import PareCore
@testable import PareEngine

struct ConstantColumnsTests {
  /// Finds the constant columns of a row-major matrix given as rows.
  private func find(_ rows: [[Float]]) -> ConstantColumns? {
    let flat = rows.flatMap { $0 }
    return flat.withUnsafeBufferPointer { ConstantColumns(in: $0.baseAddress!, rows: rows.count, columns: rows[0].count) }
  }

  @Test func findsTheColumnsThatNeverChangeAndGathersTheOthers() throws {
    // Columns 0 and 2 hold 1 and 3 in every row; 1 and 3 vary.
    let rows: [[Float]] = [[1, 2, 3, 4], [1, 5, 3, 6], [1, 7, 3, 8]]
    let constant = try #require(find(rows))
    #expect(constant.varying == [1, 3])
    #expect(constant.constantRow == [1, 0, 3, 0])
    let gathered = rows.flatMap { $0 }.withUnsafeBufferPointer { constant.gather($0.baseAddress!, rows: 3, columns: 4) }
    #expect(gathered == [2, 4, 5, 6, 7, 8])
  }

  @Test func comparesBitPatterns() throws {
    // 0 and -0 differ (column 1 varies); a column of the same NaN is constant (it folds into the
    // bias as NaN, as the full product would give).
    let rows: [[Float]] = [[.nan, 0, 5, 1], [.nan, -0.0, 5, 2]]
    let constant = try #require(find(rows))
    #expect(constant.varying == [1, 3])
    #expect(constant.constantRow[0].isNaN && constant.constantRow[2] == 5)
  }

  @Test func isNilWhenTooFewColumnsAreConstant() {
    #expect(find([[1, 2, 3]]) == nil, "a single row")
    #expect(find([[1, 2, 3, 4], [5, 6, 7, 8]]) == nil, "no constant column")
    // 16 columns need 2 constant ones (1/8); only column 0 is.
    let rows = (0..<3).map { r in (0..<16).map { c in c == 0 ? 9 : Float(r * 16 + c) } }
    #expect(find(rows) == nil)
  }

  @Test func gathersLongAndShortRunsExactly() throws {
    // Runs of every length from 1 to 40 (longer than the 16-float copy chunks), separated by four
    // constant columns each, over enough rows that the last-row path and the others both run.
    var constantColumns: [Int] = [], column = 0
    for length in 1...40 { column += length; constantColumns += column..<(column + 4); column += 4 }
    let columns = column, rows = 5
    let x = (0..<rows).map { r in (0..<columns).map { c in constantColumns.contains(c) ? -1 : Float(r * columns + c) } }
    let constant = try #require(find(x))
    let varying = (0..<columns).filter { !constantColumns.contains($0) }
    #expect(constant.varying == varying)
    let gathered = x.flatMap { $0 }.withUnsafeBufferPointer { constant.gather($0.baseAddress!, rows: rows, columns: columns) }
    #expect(gathered == x.flatMap { row in varying.map { row[$0] } })
  }

  @Test func gathersNarrowMatricesWithoutReadingPastTheirEnd() throws {
    // Four columns, so the 16-float chunks of the early rows reach into later rows, and the last
    // four rows are copied exactly; every row differs in columns 1 and 3.
    let rows = (0..<10).map { r -> [Float] in [7, Float(r), 8, Float(-r)] }
    let constant = try #require(find(rows))
    let gathered = rows.flatMap { $0 }.withUnsafeBufferPointer { constant.gather($0.baseAddress!, rows: 10, columns: 4) }
    #expect(gathered == rows.flatMap { [$0[1], $0[3]] })
  }

  @Test(arguments: [(64, 50, 30, 0.4), (9, 784, 20, 0.75), (3, 40, 5, 1.0)])
  func linearWithConstantColumnsMatchesNaiveLoops(batch: Int, inFeatures: Int, outFeatures: Int, constantFraction: Double) throws {
    // Like normalized background pixels: a share of the columns hold one value in every row.
    var x = randomTensor([batch, inFeatures], seed: 21)
    let constantCount = Int(Double(inFeatures) * constantFraction)
    for column in stride(from: 0, to: inFeatures, by: max(1, inFeatures / max(constantCount, 1))).prefix(constantCount) {
      for row in 0..<batch { x.scalars[row * inFeatures + column] = -0.4242 }
    }
    let found = x.scalars.withUnsafeBufferPointer { ConstantColumns(in: $0.baseAddress!, rows: batch, columns: inFeatures) }
    #expect(try #require(found).varying.count == inFeatures - constantCount)
    let w = randomTensor([outFeatures, inFeatures], seed: 22), b = randomTensor([outFeatures], seed: 23)
    for bias in [b, nil] {
      #expect(isClose(Linear(weight: w, bias: bias).forward(x), naiveLinear(x, weight: w, bias: bias)))
    }
  }
}
