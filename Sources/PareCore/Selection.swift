extension UnsafeMutableBufferPointer where Element: Comparable {
  /// Rearranges the elements so that the one at `k` is the element a sort would put there: what
  /// percentiles and magnitude thresholds need, in O(n) instead of a sort's O(n log n).
  ///
  /// Quickselect with median-of-three pivots; a range that keeps shrinking too slowly is sorted
  /// instead, which bounds the worst case by O(n log n). Which of several equal elements ends
  /// up where is unspecified.
  @inlinable
  public func selectNth(_ k: Int) {
    precondition(indices.contains(k), "selectNth: \(k) is outside 0..<\(count)")
    var low = 0, high = count - 1
    var budget = 2 * (Int.bitWidth - count.leadingZeroBitCount)
    while high - low > 16 {
      if budget == 0 { return sortRange(low...high) }
      budget -= 1
      let middle = low + (high - low) / 2
      if self[middle] < self[low] { swapAt(middle, low) }
      if self[high] < self[low] { swapAt(high, low) }
      if self[high] < self[middle] { swapAt(high, middle) }
      let pivot = self[middle]
      // Hoare partition: afterwards every element of low...j is <= pivot <= every one of i...high.
      var i = low, j = high
      while i <= j {
        // The bounds only matter with NaN, which breaks the median-of-three sentinels.
        while i < high && self[i] < pivot { i += 1 }
        while j > low && pivot < self[j] { j -= 1 }
        if i <= j {
          swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if k <= j {
        high = j
      } else if k >= i {
        low = i
      } else {
        return  // j < k < i: self[k] equals the pivot and sits where a sort puts it
      }
    }
    insertionSort(low...high)
  }

  /// Sorts a short range in place: for the last few elements of a selection (and the blocks of
  /// N:M pruning, often 4 long) a library sort's set-up costs more than the sorting.
  @inlinable
  func insertionSort(_ range: ClosedRange<Int>) {
    var i = range.lowerBound + 1
    while i <= range.upperBound {
      let x = self[i]
      var j = i
      while j > range.lowerBound && x < self[j - 1] {
        self[j] = self[j - 1]
        j -= 1
      }
      self[j] = x
      i += 1
    }
  }

  @inlinable
  func sortRange(_ range: ClosedRange<Int>) {
    var part = UnsafeMutableBufferPointer(rebasing: self[range])
    part.sort()
  }
}
