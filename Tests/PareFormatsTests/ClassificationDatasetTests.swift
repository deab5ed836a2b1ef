import PareCore
import PareFormats
import Testing

/// Writes a dataset file: u8 `images` of `imageShape` (values 0, 1, 2, ...) and, unless nil,
/// `labels` as `labelType`; returns its path.
private func writeDataset(
  in dir: TemporaryDirectory, imageShape: [Int] = [3, 1, 2, 2], labels: [Float]? = [0, 2, 1],
  labelType: DType = .i64
) throws -> String {
  var writer = SafetensorsWriter()
  let count = Tensor.elementCount(imageShape)
  try writer.add("images", Tensor(shape: imageShape, scalars: (0..<count).map { Float($0 % 256) }), as: .u8)
  if let labels { try writer.add("labels", Tensor(shape: [labels.count], scalars: labels), as: labelType) }
  let path = dir.path("data.safetensors")
  try writer.write(to: path)
  return path
}

@Suite struct ClassificationDatasetTests {
  @Test func loadsImagesAndLabels() throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir)
      let data = try ClassificationDataset(path: path)
      #expect(data.path == path)
      #expect(data.count == 3)
      #expect(data.sampleShape == [1, 2, 2])
      #expect(data.labels == [0, 2, 1])
      #expect(data.images.shape == [3, 1, 2, 2])
      #expect(data.images.decoded().scalars == (0..<12).map(Float.init))
      try data.check(inputShape: [1, 2, 2], classes: 3)
    }
  }

  @Test func flatSamplesFitAnImageModelOfTheSameSize() throws {
    try withTemporaryDirectory { dir in
      let data = try ClassificationDataset(path: writeDataset(in: dir, imageShape: [3, 4]))
      #expect(data.sampleShape == [4])
      try data.check(inputShape: [1, 2, 2], classes: 3)
    }
  }

  @Test(arguments: [[1, 3, 3], [2, 2], [5]])
  func imagesOfTheWrongSizeForTheModel(_ inputShape: [Int]) throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir)
      let data = try ClassificationDataset(path: path)
      let error = try #require(throws: ModelError.self) { try data.check(inputShape: inputShape, classes: 3) }
      #expect(error == ModelError(file: path, "samples have shape [1, 2, 2] but the model expects \(inputShape)"))
    }
  }

  @Test func labelsOutOfRangeForTheModel() throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir, labels: [0, 5, 1])
      let data = try ClassificationDataset(path: path)
      let error = try #require(throws: ModelError.self) { try data.check(inputShape: [1, 2, 2], classes: 3) }
      #expect(error == ModelError(file: path, "label 5 is out of range for a model with 3 classes"))
      try data.check(inputShape: [1, 2, 2], classes: 6)
    }
  }

  @Test func emptyDataset() throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir, imageShape: [0, 4], labels: [])
      #expect(throws: ModelError(file: path, "the dataset is empty")) { try ClassificationDataset(path: path) }
    }
  }

  @Test func labelCountMismatch() throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir, labels: [0, 1])
      #expect(throws: ModelError(file: path, "3 images but 2 labels")) { try ClassificationDataset(path: path) }
    }
  }

  @Test func negativeLabels() throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir, labels: [0, -1, 1], labelType: .i8)
      #expect(throws: ModelError(file: path, "'labels' holds -1 at index 1, which is not a class id")) {
        try ClassificationDataset(path: path)
      }
    }
  }

  /// Ids beyond Int (U64) or near it (I64) are read exactly and refused by the range check,
  /// not trapped on a Float-to-Int conversion.
  @Test(arguments: [("U64", UInt64.max, "18446744073709551615"), ("U64", UInt64(1) << 63, "9223372036854775808"),
                    ("I64", UInt64(bitPattern: Int64.min), "-9223372036854775808")])
  func labelsBeyondAnyClassCount(dtype: String, stored: UInt64, shown: String) throws {
    try withTemporaryDirectory { dir in
      var writer = SafetensorsWriter()
      try writer.add("images", Tensor(shape: [1, 1], scalars: [0]), as: .u8)
      var bytes = [UInt8]()
      withUnsafeBytes(of: stored.littleEndian) { bytes = Array($0) }
      try writer.add("labels", dtype: DType(rawValue: dtype)!, shape: [1], bytes: bytes)
      let path = dir.path("data.safetensors")
      try writer.write(to: path)
      #expect(throws: ModelError(file: path, "'labels' holds \(shown) at index 0, which is not a class id")) {
        try ClassificationDataset(path: path)
      }
    }
  }

  @Test func largeLabelsAreExact() throws {
    try withTemporaryDirectory { dir in
      var writer = SafetensorsWriter()
      try writer.add("images", Tensor(shape: [1, 1], scalars: [0]), as: .u8)
      let id: Int64 = (1 << 40) + 1  // not a Float32
      try writer.add("labels", dtype: .i64, shape: [1], bytes: withUnsafeBytes(of: id.littleEndian) { Array($0) })
      let path = dir.path("data.safetensors")
      try writer.write(to: path)
      let data = try ClassificationDataset(path: path)
      #expect(data.labels == [Int(id)])
      #expect(throws: ModelError(file: path, "label \(id) is out of range for a model with 10 classes")) {
        try data.check(inputShape: [1], classes: 10)
      }
    }
  }

  @Test(arguments: [DType.f32, .bool])
  func nonIntegerLabels(_ labelType: DType) throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir, labels: [0, 1, 1], labelType: labelType)
      #expect(throws: ModelError(file: path, "'labels' must be a 1-D integer tensor, got \(labelType.rawValue) [3]")) {
        try ClassificationDataset(path: path)
      }
    }
  }

  @Test func imagesWithoutASampleAxis() throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir, imageShape: [3])
      #expect(throws: ModelError(file: path, "'images' has shape [3], expected [N, C, H, W] or [N, features]")) {
        try ClassificationDataset(path: path)
      }
    }
  }

  @Test func missingLabelsAreRefusedOnlyWhenRequired() throws {
    try withTemporaryDirectory { dir in
      let path = try writeDataset(in: dir, labels: nil)
      #expect(throws: ModelError(file: path, "no 'labels' tensor")) { try ClassificationDataset(path: path) }
      let unlabelled = try ClassificationDataset(path: path, requireLabels: false)
      #expect(unlabelled.labels.isEmpty)
      #expect(unlabelled.count == 3)
      try unlabelled.check(inputShape: [1, 2, 2], classes: 1)
    }
  }

  @Test func missingImages() throws {
    try withTemporaryDirectory { dir in
      var writer = SafetensorsWriter()
      try writer.add("labels", Tensor(shape: [1], scalars: [0]), as: .i64)
      let path = dir.path("labels-only.safetensors")
      try writer.write(to: path)
      #expect(throws: ModelError(file: path, "no 'images' tensor")) { try ClassificationDataset(path: path) }
    }
  }
}
