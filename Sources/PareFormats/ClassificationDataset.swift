import PareCore

/// Labelled evaluation data for classifiers: a safetensors file with `images` ([N, C, H, W] or
/// [N, features], any numeric dtype, raw values before the model's input scaling) and `labels`
/// (integer dtype, [N]). Inputs for `pare forward` may leave the labels out.
public struct ClassificationDataset: Sendable {
  /// The raw inputs, [N, ...sample shape], in the file's dtype: decoded batch by batch as a
  /// network reads them, straight from the mapped file.
  public let images: EncodedTensor
  /// Class id per sample (empty when the file has none and they were not required).
  public let labels: [Int]
  /// Where the data came from, for messages.
  public let path: String

  /// Number of samples.
  public var count: Int { images.shape[0] }

  /// Shape of one sample.
  public var sampleShape: [Int] { Array(images.shape.dropFirst()) }

  /// Loads and checks `path`; errors name the file and what is wrong.
  public init(path: String, requireLabels: Bool = true) throws {
    let file = try SafetensorsFile(path: path)
    guard let imageEntry = file.entry(named: "images") else { throw ModelError(file: path, "no 'images' tensor") }
    guard imageEntry.shape.count >= 2 else {
      throw ModelError(file: path, "'images' has shape \(imageEntry.shape), expected [N, C, H, W] or [N, features]")
    }
    guard imageEntry.shape[0] > 0 else { throw ModelError(file: path, "the dataset is empty") }
    if let labelEntry = file.entry(named: "labels") {
      guard labelEntry.shape.count == 1, !labelEntry.dtype.isFloatingPoint, labelEntry.dtype != .bool else {
        throw ModelError(file: path, "'labels' must be a 1-D integer tensor, got \(labelEntry.dtype.rawValue) \(labelEntry.shape)")
      }
      guard imageEntry.shape[0] == labelEntry.shape[0] else {
        throw ModelError(file: path, "\(imageEntry.shape[0]) images but \(labelEntry.shape[0]) labels")
      }
      labels = try Self.classIDs(labelEntry, in: file)
    } else if requireLabels {
      throw ModelError(file: path, "no 'labels' tensor")
    } else {
      labels = []
    }
    images = try file.encodedTensor(named: "images")
    self.path = path
  }

  /// The class ids of `entry`, read exactly from the stored integers: decoding through Float32
  /// would round ids above 2^24 and trap converting those beyond `Int`.
  private static func classIDs(_ entry: SafetensorsEntry, in file: SafetensorsFile) throws(ModelError) -> [Int] {
    func read<T: FixedWidthInteger>(_: T.Type) throws(ModelError) -> [Int] {
      let stored: [T] = file.withRawBytes(of: entry) { raw in
        (0..<entry.shape[0]).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
      }
      var ids: [Int] = []
      ids.reserveCapacity(stored.count)
      for (index, value) in stored.enumerated() {
        guard value >= 0, let id = Int(exactly: value) else {
          throw ModelError(file: file.path, "'labels' holds \(value) at index \(index), which is not a class id")
        }
        ids.append(id)
      }
      return ids
    }
    switch entry.dtype {
    case .i64: return try read(Int64.self)
    case .i32: return try read(Int32.self)
    case .i16: return try read(Int16.self)
    case .i8: return try read(Int8.self)
    case .u64: return try read(UInt64.self)
    case .u32: return try read(UInt32.self)
    case .u16: return try read(UInt16.self)
    case .u8: return try read(UInt8.self)
    default: throw ModelError(file: file.path, "'labels' must be a 1-D integer tensor, got \(entry.dtype.rawValue)")
    }
  }

  /// Checks that the samples fit a model whose input is `inputShape` with `classes` outputs.
  public func check(inputShape: [Int], classes: Int) throws(ModelError) {
    let fits = sampleShape == inputShape
      || (sampleShape.count == 1 && sampleShape[0] == inputShape.reduce(1, *))
    guard fits else {
      throw ModelError(file: path, "samples have shape \(sampleShape) but the model expects \(inputShape)")
    }
    if let bad = labels.first(where: { $0 >= classes }) {
      throw ModelError(file: path, "label \(bad) is out of range for a model with \(classes) classes")
    }
  }
}
