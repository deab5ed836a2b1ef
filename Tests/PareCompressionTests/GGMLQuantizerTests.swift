import Foundation
import PareCore
import Testing

@testable import PareCompression
@testable import PareFormats

/// Issue #16: ggml's quantizers, bit for bit. Every fixture (scripts/make_ggml_fixtures.py: the
/// bytes libggml-base's own `ggml_quantize_chunk` wrote, through scripts/ggml_reference.py) must
/// come out of `GGMLQuantizer.quantize` byte for byte, for every type, with and without importance.
struct GGMLQuantizerTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/ggml")

  struct Input: Decodable { let name: String, rows: Int, columns: Int, offset: Int, importance: Int }
  struct Case: Decodable { let input: Int, type: String, importance: Bool, offset: Int, bytes: Int }
  struct Index: Decodable { let inputs: [Input], cases: [Case] }

  struct Fixtures {
    let index: Index
    let floats: [Float]
    let expected: [UInt8]

    init() throws {
      index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: directory.appendingPathComponent("index.json")))
      let raw = try Data(contentsOf: directory.appendingPathComponent("inputs.bin"))
      floats = raw.withUnsafeBytes { bytes in
        (0..<raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
      }
      expected = [UInt8](try Data(contentsOf: directory.appendingPathComponent("expected.bin")))
    }

    func values(_ input: Input) -> ArraySlice<Float> { floats[input.offset..<input.offset + input.rows * input.columns] }
    func importance(_ input: Input) -> ArraySlice<Float> { floats[input.importance..<input.importance + input.columns] }
  }

  static func type(named name: String) throws -> GGMLType {
    try #require(GGMLType.allCases.first { $0.name == name }, "unknown type \(name)")
  }

  static func quantize(_ values: ArraySlice<Float>, _ input: Input, _ type: GGMLType, importance: ArraySlice<Float>?) -> [UInt8] {
    values.withUnsafeBufferPointer { x in
      if let importance {
        return importance.withUnsafeBufferPointer { w in
          GGMLQuantizer.quantize(x, rows: input.rows, columns: input.columns, type: type, importance: w)
        }
      }
      return GGMLQuantizer.quantize(x, rows: input.rows, columns: input.columns, type: type, importance: nil)
    }
  }

  static func decode(_ blocks: [UInt8], _ type: GGMLType, count: Int) -> [Float] {
    var out = [Float](repeating: .nan, count: count)
    blocks.withUnsafeBytes { raw in out.withUnsafeMutableBufferPointer { GGMLDequantize.decode(raw, type: type, into: $0) } }
    return out
  }

  @Test func everyFixtureEqualsGGMLsBlocksByteForByte() throws {
    let fixtures = try Fixtures()
    #expect(fixtures.index.cases.count >= 200)
    #expect(Set(fixtures.index.cases.map(\.type)) == Set(GGMLQuantizer.types.map(\.name)))
    var failures: [String] = []
    for c in fixtures.index.cases {
      let input = fixtures.index.inputs[c.input]
      let type = try Self.type(named: c.type)
      let got = Self.quantize(fixtures.values(input), input, type, importance: c.importance ? fixtures.importance(input) : nil)
      let want = Array(fixtures.expected[c.offset..<c.offset + c.bytes])
      if got != want {
        let first = (0..<Swift.min(got.count, want.count)).first { got[$0] != want[$0] } ?? Swift.min(got.count, want.count)
        let differing = zip(got, want).filter { $0 != $1 }.count
        failures.append("\(input.name) \(c.type)\(c.importance ? " imatrix" : ""): \(differing) of \(want.count) bytes differ, "
          + "first at byte \(first) (block \(first / type.bytesPerBlock), byte \(first % type.bytesPerBlock))")
      }
    }
    #expect(failures.isEmpty, "\(failures.count) cases differ:\n\(failures.joined(separator: "\n"))")
  }

  /// The dequantized blocks stay near the input: relative RMS error on Gaussian rows below each
  /// type's bound (ggml's own blocks of 8 x 1024 standard normal values, dequantized by gguf-py,
  /// measure 0.29 for q2_k, 0.15 q3_k, 0.071 q4_k, 0.085 q4_0, 0.036 q5_k, 0.0175 q6_k, 0.0053
  /// q8_0; the bounds leave 20%), and ordered by bits.
  @Test func dequantizedValuesStayWithinEachTypesErrorBound() throws {
    let bounds: [GGMLType: Double] = [
      .q8_0: 0.0064, .q6_k: 0.021, .q5_1: 0.045, .q5_k: 0.043, .q5_0: 0.05, .q4_1: 0.093, .q4_k: 0.086, .q4_0: 0.102,
      .iq4_nl: 0.091, .iq4_xs: 0.092, .q3_k: 0.18, .q2_k: 0.35,
    ]
    var generator = SeededGenerator(seed: 16)
    let rows = 8, columns = 1024
    let x = (0..<rows * columns).map { _ in normal(&generator) }
    let importance = (0..<columns).map { _ in Float.random(in: 0.1...4, using: &generator) }
    let input = Input(name: "normal", rows: rows, columns: columns, offset: 0, importance: 0)
    var errors: [GGMLType: Double] = [:]
    for type in GGMLQuantizer.types {
      for weights in [nil, importance[...]] {
        let blocks = Self.quantize(x[...], input, type, importance: weights)
        #expect(blocks.count == rows * columns / type.blockSize * type.bytesPerBlock)
        let y = Self.decode(blocks, type, count: x.count)
        let error = zip(x, y).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        let norm = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        let relative = (error / norm).squareRoot()
        #expect(relative < bounds[type, default: 0], "\(type.name)\(weights == nil ? "" : " imatrix"): \(relative)")
        if weights == nil { errors[type] = relative }
      }
    }
    let ladder: [GGMLType] = [.q2_k, .q3_k, .q4_k, .q5_k, .q6_k, .q8_0]
    for (low, high) in zip(ladder, ladder.dropFirst()) {
      #expect(errors[high, default: 1] < errors[low, default: 0], "\(high.name) should beat \(low.name)")
    }
  }

  /// Rows are cut into chunks for the cores: a tensor quantized whole equals its rows quantized
  /// one at a time, with and without importance.
  @Test func aWholeTensorEqualsItsRowsQuantizedOneByOne() throws {
    var generator = SeededGenerator(seed: 1616)
    let rows = 67, columns = 512
    let x = (0..<rows * columns).map { _ in normal(&generator) * 0.05 }
    let importance = (0..<columns).map { _ in Float.random(in: 0...2, using: &generator) }
    for type in GGMLQuantizer.types {
      for weights in [nil, importance[...]] {
        let whole = Self.quantize(x[...], Input(name: "", rows: rows, columns: columns, offset: 0, importance: 0), type,
                                  importance: weights)
        var byRow: [UInt8] = []
        for row in 0..<rows {
          byRow += Self.quantize(x[row * columns..<(row + 1) * columns],
                                 Input(name: "", rows: 1, columns: columns, offset: 0, importance: 0), type, importance: weights)
        }
        #expect(whole == byRow, "\(type.name)")
      }
    }
  }

  @Test func nothingTrapsOnNonFiniteOrHugeValues() throws {
    let awkward: [Float] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e30, -1e-30, 0]
    let x = (0..<512).map { awkward[$0 % awkward.count] * (($0 / 8) % 2 == 0 ? 1 : -1) }
    for type in GGMLQuantizer.types {
      for weights in [nil, [Float](repeating: 1, count: 512)[...]] {
        let blocks = Self.quantize(x[...], Input(name: "", rows: 1, columns: 512, offset: 0, importance: 0), type,
                                   importance: weights)
        #expect(blocks.count == 512 / type.blockSize * type.bytesPerBlock)
      }
    }
  }

  @Test func theTypesAreCheapestFirstAndAllDecodable() {
    let bits = GGMLQuantizer.types.map(\.bitsPerWeight)
    #expect(bits == bits.sorted())
    #expect(GGMLQuantizer.types.allSatisfy { $0.isDecodable })
    #expect(GGMLType.q4_k.bitsPerWeight == 4.5 && GGMLType.q6_k.bitsPerWeight == 6.5625 && GGMLType.iq4_xs.bitsPerWeight == 4.25)
  }
}

/// A standard normal value (Box-Muller), from the seeded generator.
private func normal(_ generator: inout SeededGenerator) -> Float {
  let u = Double.random(in: Double.ulpOfOne..<1, using: &generator), v = Double.random(in: 0..<1, using: &generator)
  return Float((-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v))
}
