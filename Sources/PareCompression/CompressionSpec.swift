import PareFormats

/// How one weight tensor is compressed: optional pruning, low-rank factorization and
/// quantization, applied in that order (DESIGN.md §4). A plan maps tensor names to these.
///
/// The JSON form is the plan file's public contract (`pare-plan/1`); unknown keys are refused.
public struct CompressionSpec: Sendable, Hashable, Codable {
  /// Zero out small weights first.
  public var prune: PruneSpec?
  /// Then factor the (pruned) matrix as A·B.
  public var lowrank: LowRankSpec?
  /// Then round the values (or A and B) to a narrow format.
  public var quantize: QuantizeSpec?

  public init(prune: PruneSpec? = nil, lowrank: LowRankSpec? = nil, quantize: QuantizeSpec? = nil) {
    (self.prune, self.lowrank, self.quantize) = (prune, lowrank, quantize)
  }

  /// Whether the spec does nothing.
  public var isEmpty: Bool { prune == nil && lowrank == nil && quantize == nil }

  enum CodingKeys: String, CodingKey, CaseIterable { case prune, lowrank, quantize }

  public init(from decoder: any Decoder) throws {
    try refuseUnknownKeys(decoder, CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    prune = try c.decodeIfPresent(PruneSpec.self, forKey: .prune)
    lowrank = try c.decodeIfPresent(LowRankSpec.self, forKey: .lowrank)
    quantize = try c.decodeIfPresent(QuantizeSpec.self, forKey: .quantize)
  }
}

/// Where one set of quantization (or pruning) parameters applies.
public enum Granularity: String, Sendable, Hashable, Codable, CaseIterable {
  /// One group: the whole tensor.
  case tensor
  /// One group per row (output channel).
  case channel
  /// Each row cut into consecutive chunks of `group_size` (the last may be shorter).
  case group
}

/// The number formats a tensor can be quantized to.
public enum QuantizationScheme: String, Sendable, Hashable, Codable, CaseIterable {
  case int, fp16, bf16, codebook
  case fp8E4M3 = "fp8_e4m3", fp8E5M2 = "fp8_e5m2"
  /// ggml's block types (`type`), as llama.cpp stores them: `GGMLQuantizer`.
  case ggml
}

/// Quantization parameters (`"quantize"` in a plan).
public struct QuantizeSpec: Sendable, Hashable, Codable {
  /// The number format.
  public var scheme: QuantizationScheme
  /// Bits per value for `int` (2...8) and `codebook` (2^bits centroids); ignored otherwise.
  public var bits: Int?
  /// Where a scale (or codebook) applies; default `channel`.
  public var granularity: Granularity
  /// Chunk length for `group` granularity.
  public var groupSize: Int?
  /// `int` only: symmetric grid (default) or asymmetric with a zero-point.
  public var symmetric: Bool
  /// `ggml` only: the block type (`"type": "q4_k"`).
  public var type: GGMLType?
  /// `ggml` only: weight each value's error by its input column's mean squared activation on the
  /// calibration text (llama.cpp's imatrix), as ggml does when given importance weights.
  public var imatrix: Bool

  public init(scheme: QuantizationScheme = .int, bits: Int? = nil, granularity: Granularity = .channel,
              groupSize: Int? = nil, symmetric: Bool = true) {
    (self.scheme, self.bits, self.granularity, self.groupSize, self.symmetric) = (scheme, bits, granularity, groupSize, symmetric)
    (type, imatrix) = (nil, false)
  }

  /// ggml's block type `type`, with importance weights when `imatrix`.
  public static func ggml(_ type: GGMLType, imatrix: Bool = false) -> QuantizeSpec {
    var spec = QuantizeSpec(scheme: .ggml)
    (spec.type, spec.imatrix) = (type, imatrix)
    return spec
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case scheme, bits, granularity, symmetric, type, imatrix
    case groupSize = "group_size"
  }

  public init(from decoder: any Decoder) throws {
    try refuseUnknownKeys(decoder, CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    scheme = try c.decodeIfPresent(QuantizationScheme.self, forKey: .scheme) ?? .int
    bits = try c.decodeIntegerIfPresent(forKey: .bits)
    granularity = try c.decodeIfPresent(Granularity.self, forKey: .granularity) ?? .channel
    groupSize = try c.decodeIntegerIfPresent(forKey: .groupSize)
    symmetric = try c.decodeIfPresent(Bool.self, forKey: .symmetric) ?? true
    imatrix = try c.decodeIfPresent(Bool.self, forKey: .imatrix) ?? false
    type = nil
    if let name = try c.decodeIfPresent(String.self, forKey: .type) {
      guard let known = GGMLType(name: name.lowercased()), GGMLQuantizer.types.contains(known) else {
        throw DecodingError.dataCorruptedError(
          forKey: .type, in: c,
          debugDescription: "unknown ggml type \"\(name)\" (Pare quantizes to \(GGMLQuantizer.types.map(\.name).joined(separator: ", ")))")
      }
      type = known
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(scheme, forKey: .scheme)
    if scheme == .ggml {
      try c.encodeIfPresent(type?.name, forKey: .type)
      if imatrix { try c.encode(true, forKey: .imatrix) }
      return
    }
    try c.encodeIfPresent(bits, forKey: .bits)
    try c.encode(granularity, forKey: .granularity)
    try c.encodeIfPresent(groupSize, forKey: .groupSize)
    if scheme == .int { try c.encode(symmetric, forKey: .symmetric) }
  }
}

/// The pruning methods.
public enum PruneMethod: String, Sendable, Hashable, Codable, CaseIterable {
  /// Unstructured: zero the smallest-magnitude fraction of each group.
  case magnitude
  /// Semi-structured N:M: keep the n largest of every m consecutive entries of a row.
  case nm
}

/// Pruning parameters (`"prune"` in a plan).
public struct PruneSpec: Sendable, Hashable, Codable {
  /// The method.
  public var method: PruneMethod
  /// `magnitude`: fraction of each group zeroed, in [0, 1).
  public var sparsity: Double?
  /// `magnitude`: `tensor` (default) or `channel`.
  public var granularity: Granularity
  /// `nm`: entries kept per block.
  public var n: Int?
  /// `nm`: block length.
  public var m: Int?

  public init(method: PruneMethod = .magnitude, sparsity: Double? = nil, granularity: Granularity = .tensor,
              n: Int? = nil, m: Int? = nil) {
    (self.method, self.sparsity, self.granularity, self.n, self.m) = (method, sparsity, granularity, n, m)
  }

  /// Magnitude pruning of `sparsity` at `granularity`.
  public static func magnitude(_ sparsity: Double, granularity: Granularity = .tensor) -> PruneSpec {
    PruneSpec(method: .magnitude, sparsity: sparsity, granularity: granularity)
  }

  /// N:M pruning.
  public static func nm(_ n: Int, _ m: Int) -> PruneSpec { PruneSpec(method: .nm, n: n, m: m) }

  enum CodingKeys: String, CodingKey, CaseIterable { case method, sparsity, granularity, n, m }

  public init(from decoder: any Decoder) throws {
    try refuseUnknownKeys(decoder, CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    method = try c.decodeIfPresent(PruneMethod.self, forKey: .method) ?? .magnitude
    sparsity = try c.decodeIfPresent(Double.self, forKey: .sparsity)
    granularity = try c.decodeIfPresent(Granularity.self, forKey: .granularity) ?? .tensor
    n = try c.decodeIntegerIfPresent(forKey: .n)
    m = try c.decodeIntegerIfPresent(forKey: .m)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(method, forKey: .method)
    switch method {
    case .magnitude:
      try c.encodeIfPresent(sparsity, forKey: .sparsity)
      try c.encode(granularity, forKey: .granularity)
    case .nm:
      try c.encodeIfPresent(n, forKey: .n)
      try c.encodeIfPresent(m, forKey: .m)
    }
  }
}

/// Low-rank parameters (`"lowrank"` in a plan): exactly one of `rank` and `energy`.
public struct LowRankSpec: Sendable, Hashable, Codable {
  /// Number of singular values kept.
  public var rank: Int?
  /// Or: the least rank keeping this fraction of the sum of squared singular values, in (0, 1].
  public var energy: Double?

  public init(rank: Int? = nil, energy: Double? = nil) { (self.rank, self.energy) = (rank, energy) }

  enum CodingKeys: String, CodingKey, CaseIterable { case rank, energy }

  public init(from decoder: any Decoder) throws {
    try refuseUnknownKeys(decoder, CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    rank = try c.decodeIntegerIfPresent(forKey: .rank)
    energy = try c.decodeIfPresent(Double.self, forKey: .energy)
  }
}

/// Refuses keys other than `Keys`'s cases, naming the first unknown one.
func refuseUnknownKeys<Keys: CodingKey & CaseIterable>(_ decoder: any Decoder, _: Keys.Type) throws {
  let known = Set(Keys.allCases.map(\.stringValue))
  let container = try decoder.container(keyedBy: AnyKey.self)
  if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
    throw DecodingError.dataCorrupted(.init(
      codingPath: decoder.codingPath + [AnyKey(stringValue: unknown)],
      debugDescription: "unknown key \"\(unknown)\" (known: \(known.sorted().joined(separator: ", ")))"))
  }
}

/// A coding key for any string: lists the keys a JSON object actually has.
struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}
