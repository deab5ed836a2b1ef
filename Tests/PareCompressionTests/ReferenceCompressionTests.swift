import Foundation
import PareCore
import PareFormats
import Testing

@testable import PareCompression

/// Pare against an independent implementation of DESIGN.md §4: the numpy reference in
/// `scripts/reference_compression.py`, written from the spec text, generated the fixture
/// `Fixtures/reference-compression.safetensors` (regenerate it with
/// `python3 scripts/reference_compression.py`). For every case, `Compressor.compress` must
/// reproduce the reference to the bit:
///
/// - the compressed values, compared as Float32 bit patterns, so +0 and -0 differ. Both sides
///   produce a signed zero only where the spec does: an IEEE cast (fp16, bf16, fp8) of a tiny
///   negative number is -0, while an `int` w' = q · scale with the integer q = 0 and a pruned
///   entry are +0;
/// - the kept mask of a pruning step;
/// - the stored symbols (`codes`) on kept entries (a pruned entry's code is unspecified);
/// - the per-group scales (bit patterns), zero-points and codebook centroids.
///
/// Low-rank is not covered: SVD signs depend on the LAPACK build.
struct ReferenceCompressionTests {
  /// The fixture, found next to this source file (the test target declares no resources).
  static let fixturePath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .appendingPathComponent("Fixtures/reference-compression.safetensors").path

  /// The case indices in the fixture's metadata (`case0`, `case1`, ...); empty when it cannot be read.
  static let caseIndices: [Int] = {
    guard let file = try? SafetensorsFile(path: fixturePath) else { return [] }
    return file.header.metadata.keys
      .compactMap { $0.hasPrefix("case") ? Int($0.dropFirst(4)) : nil }
      .sorted()
  }()

  /// At most this many mismatches are reported per array of a case, then a count.
  static let reportLimit = 8

  @Test func fixtureIsPresentAndComplete() throws {
    let file = try SafetensorsFile(path: Self.fixturePath)
    #expect(Self.caseIndices.count >= 40)
    #expect(Self.caseIndices == Array(0..<Self.caseIndices.count))
    for i in Self.caseIndices {
      #expect(file.entry(named: "case\(i).input")?.dtype == .f32)
      #expect(file.entry(named: "case\(i).expected")?.dtype == .f32)
    }
  }

  @Test(arguments: caseIndices)
  func matchesReference(_ index: Int) throws {
    let file = try SafetensorsFile(path: Self.fixturePath)
    let json = try #require(file.header.metadata["case\(index)"])
    let spec = try JSONDecoder().decode(CompressionSpec.self, from: Data(json.utf8))
    let input = try file.tensor(named: "case\(index).input")
    let expected = try file.tensor(named: "case\(index).expected")
    try spec.validate(shape: input.shape, dtype: .f32)

    let result = try Compressor.compress(input, dtype: .f32, spec: spec)
    let label = "case \(index) \(json) shape \(input.shape)"
    #expect(result.values.shape == input.shape, "\(label): shape")

    compareBits(label, "values", expected.scalars, result.values.scalars, input: input.scalars)

    // Pruning: the kept mask.
    var kept = [Bool](repeating: true, count: input.count)
    if file.entry(named: "case\(index).kept") != nil {
      kept = try file.tensor(named: "case\(index).kept").scalars.map { $0 != 0 }
      if let actual = result.kept {
        compare(label, "kept", kept, actual, input: input.scalars)
      } else {
        Issue.record("\(label): no kept mask")
      }
    }

    // Quantization: codes on kept entries, scales, zero-points, centroids.
    guard file.entry(named: "case\(index).codes") != nil else {
      #expect(result.quantized == nil, "\(label): quantized without a quantize step")
      return
    }
    guard let q = result.quantized else {
      Issue.record("\(label): not quantized")
      return
    }
    let codes = try file.tensor(named: "case\(index).codes").scalars.map { Int32($0) }
    if q.codes.count == codes.count {
      let keptIndices = kept.indices.filter { kept[$0] }
      compare(label, "codes", keptIndices.map { codes[$0] }, keptIndices.map { q.codes[$0] },
              input: keptIndices.map { input.scalars[$0] }, indices: keptIndices)
    } else {
      Issue.record("\(label): \(q.codes.count) codes, expected \(codes.count)")
    }
    let scales = file.entry(named: "case\(index).scales") != nil
      ? try file.tensor(named: "case\(index).scales").scalars : []
    compareBits(label, "scales", scales, q.scales)
    let zeroPoints = file.entry(named: "case\(index).zero_points") != nil
      ? try file.tensor(named: "case\(index).zero_points").scalars.map { Int32($0) } : []
    compare(label, "zero points", zeroPoints, q.zeroPoints)
    let centroids = file.entry(named: "case\(index).centroids") != nil
      ? try file.tensor(named: "case\(index).centroids").scalars : []
    compareBits(label, "centroids", centroids, q.codebooks)
  }

  /// Records a mismatch of Float32 bit patterns, element by element.
  private func compareBits(_ label: String, _ what: String, _ expected: [Float], _ actual: [Float],
                           input: [Float]? = nil) {
    compare(label, what, expected.map(BitsOf.init), actual.map(BitsOf.init),
            input: input)
  }

  /// Records each differing element (up to `reportLimit`, then a count), with the input value.
  private func compare<T: Equatable>(_ label: String, _ what: String, _ expected: [T], _ actual: [T],
                                     input: [Float]? = nil, indices: [Int]? = nil) {
    guard expected.count == actual.count else {
      Issue.record("\(label): \(actual.count) \(what), expected \(expected.count)")
      return
    }
    let differing = expected.indices.filter { expected[$0] != actual[$0] }
    for i in differing.prefix(Self.reportLimit) {
      let element = indices?[i] ?? i
      let x = input.map { " (input \(BitsOf($0[i])))" } ?? ""
      Issue.record("\(label): \(what)[\(element)] expected \(expected[i]) got \(actual[i])\(x)")
    }
    if differing.count > Self.reportLimit {
      Issue.record("\(label): \(differing.count) \(what) differ in all")
    }
  }
}

/// A Float32 compared and shown by its bit pattern (so -0 differs from +0).
private struct BitsOf: Equatable, CustomStringConvertible {
  let bits: UInt32
  let value: Float

  init(_ value: Float) { (self.bits, self.value) = (value.bitPattern, value) }

  static func == (a: BitsOf, b: BitsOf) -> Bool { a.bits == b.bits }

  var description: String { "\(value) [0x\(String(bits, radix: 16, uppercase: true))]" }
}
