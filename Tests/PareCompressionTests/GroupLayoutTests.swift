import Testing

@testable import PareCompression

/// DESIGN.md §4 granularity: `tensor` is one group, `channel` one group per row, `group` cuts each
/// row into consecutive chunks of `group_size`, the last possibly shorter.
struct GroupLayoutTests {
  /// [2, 5] as one group: indices 0..<10.
  @Test func tensorIsOneGroup() {
    let layout = GroupLayout(rows: 2, columns: 5, granularity: .tensor)
    #expect(layout.count == 1)
    #expect(layout.range(0) == 0..<10)
  }

  /// [2, 5] per channel: row 0 is 0..<5, row 1 is 5..<10.
  @Test func channelIsOneGroupPerRow() {
    let layout = GroupLayout(rows: 2, columns: 5, granularity: .channel)
    #expect(layout.count == 2)
    #expect([layout.range(0), layout.range(1)] == [0..<5, 5..<10])
  }

  /// [2, 5] in groups of 2: ceil(5 / 2) = 3 groups per row, the third of length 1, and no
  /// group crosses a row boundary: 0..<2, 2..<4, 4..<5 | 5..<7, 7..<9, 9..<10.
  @Test func groupsWithShortLastGroup() {
    let layout = GroupLayout(rows: 2, columns: 5, granularity: .group, groupSize: 2)
    #expect(layout.groupsPerRow == 3)
    #expect(layout.count == 6)
    #expect((0..<6).map(layout.range) == [0..<2, 2..<4, 4..<5, 5..<7, 7..<9, 9..<10])
  }

  /// A group size beyond the row length leaves one group per row: [2, 5] in groups of 8.
  @Test func groupLongerThanRow() {
    let layout = GroupLayout(rows: 2, columns: 5, granularity: .group, groupSize: 8)
    #expect(layout.count == 2)
    #expect([layout.range(0), layout.range(1)] == [0..<5, 5..<10])
  }
}
