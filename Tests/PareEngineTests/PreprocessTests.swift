import Foundation
import Testing
@testable import PareCore
@testable import PareEngine
@testable import PareFormats

/// `(raw * input_scale - mean[c]) / std[c]`, decoded from the stored dtype plane by plane.
struct PreprocessTests {
  static let config = """
    {"model_type": "sequential", "input_shape": [2, 1, 2], "input_scale": 0.5,
     "input_mean": [1, 2], "input_std": [2, 4], "layers": [{"type": "flatten"}]}
    """

  func network() throws -> SequentialNetwork {
    let config = try JSONDecoder().decode(SequentialConfig.self, from: Data(Self.config.utf8))
    return try SequentialNetwork(config: config, activationShapes: [[2, 1, 2], [4]]) { _ in nil }
  }

  /// Two u8 samples of two channels with two pixels each, worked by hand.
  @Test func perChannelScalingOfU8Samples() throws {
    let raw = try EncodedTensor(dtype: .u8, shape: [2, 2, 1, 2], bytes: [0, 2, 4, 6, 8, 10, 12, 255])
    let network = try network()
    // Sample 0: channel 0 (0, 2) -> (x/2 - 1)/2; channel 1 (4, 6) -> (x/2 - 2)/4. Then sample 1.
    let expected: [Float] = [-0.5, 0, 0, 0.25, 1.5, 2, 1, 31.375]
    #expect(network.preprocess(raw) == (try Tensor(shape: [2, 2, 1, 2], scalars: expected)))
    #expect(network.preprocess(raw, samples: 1..<2).scalars == Array(expected[4...]))
  }

  /// A wider stored dtype gives the same values as u8.
  @Test func storedDtypeDoesNotMatter() throws {
    let values: [Float] = [0, 2, 4, 6, 8, 10, 12, 255]
    let network = try network()
    let u8 = try EncodedTensor(dtype: .u8, shape: [2, 2, 1, 2], bytes: values.map { UInt8($0) })
    for dtype in [DType.f32, .bf16, .i16] {
      let bytes = try Tensor(shape: [8], scalars: values).encoded(as: dtype)
      let other = try EncodedTensor(dtype: dtype, shape: [2, 2, 1, 2], bytes: bytes)
      #expect(network.preprocess(other) == network.preprocess(u8), "\(dtype)")
    }
  }
}
