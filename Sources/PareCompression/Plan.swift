import Foundation
import PareCore
import PareFormats

/// A compression plan: which spec each tensor gets (DESIGN.md §5, `"format": "pare-plan/1"`).
///
/// A plan is a small value; the explorer's undo history is a list of them. Its JSON form is a
/// public contract: unknown keys, unknown tensors and out-of-range values are refused with a
/// message naming the key or tensor, and nothing is applied.
public struct Plan: Sendable, Hashable, Codable {
  /// The format tag every plan file carries.
  public static let formatTag = "pare-plan/1"

  /// The model the plan was made for (informational; a different sha256 only warns).
  public var model: ModelReference?
  /// Tensor name -> spec. Tensors not listed stay as they are.
  public var tensors: [String: CompressionSpec]
  /// Sizes and metric measured when the plan was written (filled in by `pare apply`).
  public var summary: PlanSummary?

  public init(model: ModelReference? = nil, tensors: [String: CompressionSpec] = [:], summary: PlanSummary? = nil) {
    (self.model, self.tensors, self.summary) = (model, tensors, summary)
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case format, model, tensors, summary }

  public init(from decoder: any Decoder) throws {
    try refuseUnknownKeys(decoder, CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let format = try c.decode(String.self, forKey: .format)
    guard format == Self.formatTag else {
      throw DecodingError.dataCorruptedError(
        forKey: .format, in: c, debugDescription: "unsupported format \"\(format)\" (expected \"\(Self.formatTag)\")")
    }
    model = try c.decodeIfPresent(ModelReference.self, forKey: .model)
    tensors = try c.decodeIfPresent([String: CompressionSpec].self, forKey: .tensors) ?? [:]
    summary = try c.decodeIfPresent(PlanSummary.self, forKey: .summary)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(Self.formatTag, forKey: .format)
    try c.encodeIfPresent(model, forKey: .model)
    try c.encode(tensors, forKey: .tensors)
    try c.encodeIfPresent(summary, forKey: .summary)
  }

  /// Reads and decodes a plan file; errors name the file and the offending key.
  public static func load(path: String) throws(PlanError) -> Plan {
    let data: Data
    do { data = try InputFile.contents(of: path) } catch { throw PlanError(file: path, "cannot read the plan file: \(error)") }
    do { return try StrictJSON.decode(Plan.self, from: data) } catch { throw PlanError(file: path, error.message) }
  }

  /// The plan as pretty JSON with sorted keys (stable, diff-friendly).
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}

/// Which model a plan was made for.
public struct ModelReference: Sendable, Hashable, Codable {
  /// The model path as given when the plan was made.
  public var path: String
  /// SHA-256 (hex) of the model's weights file.
  public var sha256: String?

  public init(path: String, sha256: String?) { (self.path, self.sha256) = (path, sha256) }

  enum CodingKeys: String, CodingKey, CaseIterable { case path, sha256 }

  public init(from decoder: any Decoder) throws {
    try refuseUnknownKeys(decoder, CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    path = try c.decode(String.self, forKey: .path)
    sha256 = try c.decodeIfPresent(String.self, forKey: .sha256)
  }
}

/// What a plan achieved, as recorded in an exported plan.
public struct PlanSummary: Sendable, Hashable, Codable {
  public var originalBytes: Int
  public var compressedBytes: Int
  public var ratio: Double
  /// Size if the stored symbols were entropy coded (an estimate).
  public var entropyCodedBytes: Int?
  public var metric: MetricSummary?

  public init(originalBytes: Int, compressedBytes: Int, ratio: Double, entropyCodedBytes: Int? = nil, metric: MetricSummary? = nil) {
    (self.originalBytes, self.compressedBytes, self.ratio, self.entropyCodedBytes, self.metric) =
      (originalBytes, compressedBytes, ratio, entropyCodedBytes, metric)
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case originalBytes = "original_bytes", compressedBytes = "compressed_bytes", ratio
    case entropyCodedBytes = "entropy_coded_bytes", metric
  }

  public init(from decoder: any Decoder) throws {
    try refuseUnknownKeys(decoder, CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    originalBytes = try c.decodeInteger(forKey: .originalBytes)
    compressedBytes = try c.decodeInteger(forKey: .compressedBytes)
    ratio = try c.decode(Double.self, forKey: .ratio)
    entropyCodedBytes = try c.decodeIntegerIfPresent(forKey: .entropyCodedBytes)
    metric = try c.decodeIfPresent(MetricSummary.self, forKey: .metric)
  }
}

/// A metric's value with the plan and without it.
public struct MetricSummary: Sendable, Hashable, Codable {
  public var name: String
  public var baseline: Double
  public var value: Double

  public init(name: String, baseline: Double, value: Double) { (self.name, self.baseline, self.value) = (name, baseline, value) }

  enum CodingKeys: String, CodingKey, CaseIterable { case name, baseline, value }

  public init(from decoder: any Decoder) throws {
    try refuseUnknownKeys(decoder, CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    baseline = try c.decode(Double.self, forKey: .baseline)
    value = try c.decode(Double.self, forKey: .value)
  }
}

/// A plan was refused; one line naming the file and the key or tensor at fault.
public struct PlanError: Error, Equatable, CustomStringConvertible {
  public let file: String
  public let message: String

  public init(file: String, _ message: String) { (self.file, self.message) = (file, message) }

  public var description: String { "\(file): \(message)" }
}
