import Foundation
import PareCompression
import PareCore
import PareFormats

/// One compression choice tried on every tensor by the sensitivity sweep and the search, written
/// the short way: `int4`, `rank/8+int8`, `prune90+cb4`, `2:4+int4g64`.
///
/// A candidate does not depend on a tensor's shape except for the rank fraction; `spec(forShape:)`
/// turns it into the `CompressionSpec` a plan stores. Its size under a tensor therefore depends on
/// the tensor's shape and the spec only, never on the values, which keeps the search's byte
/// counts exact before anything is measured.
///
/// Syntax: steps joined by `+`, at most one of each kind, in any order (the canonical text lists
/// pruning, then rank, then quantization):
///
/// | step | meaning |
/// | --- | --- |
/// | `int`B | int B-bit (2...8) symmetric, per channel |
/// | `cb`B | codebook of 2^B centroids (2...8), one per tensor |
/// | `fp8`, `fp8e5m2`, `fp16`, `bf16` | float formats (FP8 E4M3 or E5M2, scaled per channel) |
/// | suffix `t`, `c`, `g`N | granularity of the step before it: tensor, channel, groups of N (`int4g64`, `cb4c`) |
/// | `prune`P | magnitude pruning of P% of the tensor (0 < P < 100) |
/// | N`:`M | N:M pruning (`2:4`) |
/// | `rank/`D | low rank at min(rows, columns) / D, at least 1 |
/// | `q4_k`, `q8_0`, … | a ggml type (`GGMLQuantizer.types`), alone; `+imatrix` weights it by the importance matrix |
public struct Candidate: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The pruning step.
  public enum Pruning: Sendable, Hashable {
    /// Magnitude pruning of `percent`% of the entries of the whole tensor.
    case magnitude(percent: Double)
    /// Keep `n` of every `m` consecutive entries of a row.
    case nm(n: Int, m: Int)
  }

  /// Pruning first, if any.
  public let pruning: Pruning?
  /// Low rank at full rank divided by this, if any.
  public let rankDivisor: Int?
  /// Quantization last, if any.
  public let quantize: QuantizeSpec?

  /// The candidates `pare sensitivity` sweeps by default: int symmetric per channel at 2, 3, 4, 6
  /// and 8 bits; low rank at 1/8, 1/4 and 1/2 of full rank; magnitude pruning of 50, 75 and 90%.
  public static let sensitivityDefaults = parseDefaults(sensitivityDefaultList)

  /// `sensitivityDefaults` as written on a command line. Help text quotes it rather than parse the
  /// list: ArgumentParser builds every command's help at every start.
  public static let sensitivityDefaultList = "int2,int3,int4,int6,int8,rank/8,rank/4,rank/2,prune50,prune75,prune90"

  /// The candidates `pare search` chooses from by default: the sensitivity defaults plus int5,
  /// one-codebook-per-tensor quantization, low rank with quantized factors and pruning followed by
  /// low bits, the combinations that reach 16x and 32x of a float32 model.
  public static let searchDefaults = parseDefaults(
    "int2,int3,int4,int5,int6,int8,rank/8,rank/4,rank/2,prune50,prune75,prune90,"
      + "cb2,cb3,cb4,rank/16+int8,rank/8+int8,rank/4+int8,rank/2+int8,rank/16+int4,rank/8+int4,rank/4+int4,"
      + "prune50+int4,prune75+int4,prune90+int4,prune75+int3,prune90+int3,prune95+int4,"
      + "prune75+cb4,prune90+cb4,prune95+cb4")

  /// A candidate from its parts (at least one); `parse` checks the values.
  public init(pruning: Pruning? = nil, rankDivisor: Int? = nil, quantize: QuantizeSpec? = nil) {
    (self.pruning, self.rankDivisor, self.quantize) = (pruning, rankDivisor, quantize)
  }

  /// The spec for a tensor of `shape` (seen as [rows, columns]).
  public func spec(forShape shape: [Int]) -> CompressionSpec {
    let rows = shape.first ?? 1, columns = Tensor.elementCount(shape) / max(rows, 1)
    let prune: PruneSpec? = switch pruning {
    case let .magnitude(percent)?: .magnitude(percent / 100)
    case let .nm(n, m)?: .nm(n, m)
    case nil: nil
    }
    let lowrank = rankDivisor.map { LowRankSpec(rank: max(1, min(rows, columns) / $0)) }
    return CompressionSpec(prune: prune, lowrank: lowrank, quantize: quantize)
  }

  /// Whether the candidate's spec is valid on a tensor of `shape`: false only where a step
  /// depends on it (a ggml type whose block does not divide the rows).
  public func fits(shape: [Int]) -> Bool {
    (try? spec(forShape: shape).validate(shape: shape, dtype: .f32)) != nil
  }

  /// The canonical text, e.g. "prune90+int4" (what `parse` reads back).
  public var description: String {
    var steps: [String] = []
    switch pruning {
    case let .magnitude(percent)?: steps.append("prune" + Self.trimmed(percent))
    case let .nm(n, m)?: steps.append("\(n):\(m)")
    case nil: break
    }
    if let rankDivisor { steps.append("rank/\(rankDivisor)") }
    if let q = quantize, q.scheme == .ggml {
      steps.append((q.type?.name ?? "ggml") + (q.imatrix ? "+imatrix" : ""))
    } else if let q = quantize {
      let (name, defaultGranularity): (String, Granularity) = switch q.scheme {
      case .int: ("int\(q.bits ?? 8)", .channel)
      case .codebook: ("cb\(q.bits ?? 8)", .tensor)
      case .fp8E4M3: ("fp8", .channel)
      case .fp8E5M2: ("fp8e5m2", .channel)
      case .fp16: ("fp16", q.granularity)
      case .bf16: ("bf16", q.granularity)
      case .ggml: ("ggml", q.granularity)
      }
      let suffix = switch q.granularity {
      case _ where q.granularity == defaultGranularity: ""
      case .tensor: "t"
      case .channel: "c"
      case .group: "g\(q.groupSize ?? 0)"
      }
      steps.append(name + suffix)
    }
    return steps.joined(separator: "+")
  }

  /// Reads one candidate; the error names it and the step at fault.
  public static func parse(_ text: String) throws(CandidateError) -> Candidate {
    var pruning: Pruning?, rankDivisor: Int?, quantize: QuantizeSpec?, importance = false
    func fail(_ why: String) -> CandidateError { CandidateError("candidate '\(text)': \(why)") }
    guard !text.isEmpty else { throw CandidateError("an empty candidate (two commas in a row?)") }
    for step in text.split(separator: "+", omittingEmptySubsequences: false).map(String.init) {
      if let percent = step.dropPrefix("prune").flatMap(Double.init) {
        guard pruning == nil else { throw fail("more than one pruning step") }
        guard percent > 0 && percent < 100 else { throw fail("pruning \(step.dropFirst(5))% is outside (0, 100)") }
        pruning = .magnitude(percent: percent)
      } else if let colon = step.firstIndex(of: ":"), let n = Int(step[..<colon]),
                let m = Int(step[step.index(after: colon)...]) {
        guard pruning == nil else { throw fail("more than one pruning step") }
        pruning = .nm(n: n, m: m)
      } else if let divisor = step.dropPrefix("rank/").flatMap({ Int($0) }) {
        guard rankDivisor == nil else { throw fail("more than one rank step") }
        guard divisor >= 1 else { throw fail("rank/\(divisor): the divisor must be at least 1") }
        rankDivisor = divisor
      } else if step == "imatrix" {
        importance = true
      } else if let q = quantizeStep(step) {
        guard quantize == nil else { throw fail("more than one quantization step") }
        quantize = q
      } else {
        throw fail("unknown step '\(step)' (expected intB, cbB, fp8, fp16, bf16 with an optional t/c/gN suffix, a ggml type such as q4_k, pruneP, N:M or rank/D)")
      }
    }
    if importance {
      guard quantize?.scheme == .ggml else { throw fail("imatrix goes with a ggml type, e.g. q4_k+imatrix") }
      quantize?.imatrix = true
    }
    let candidate = Candidate(pruning: pruning, rankDivisor: rankDivisor, quantize: quantize)
    do {
      // The same checks a plan gets, on a shape every step fits.
      try candidate.spec(forShape: [4096, 4096]).validate(shape: [4096, 4096], dtype: .f32)
    } catch {
      throw fail(error.message)
    }
    return candidate
  }

  /// Reads a comma-separated list; `default` stands for `sensitivityDefaults` and `search` for
  /// `searchDefaults`. Repeats are dropped, the first occurrence keeps its place.
  public static func parseList(_ text: String) throws(CandidateError) -> [Candidate] {
    var list: [Candidate] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let name = item.trimmingCharacters(in: .whitespaces)
      let parsed: [Candidate] = switch name {
      case "default": sensitivityDefaults
      case "search": searchDefaults
      default: [try parse(name)]
      }
      for candidate in parsed where !list.contains(candidate) { list.append(candidate) }
    }
    return list
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    do { self = try Self.parse(text) } catch {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  /// `int4`, `cb3t`, `fp8g32`, `fp16`: a quantization step, or nil when `step` is none.
  private static func quantizeStep(_ step: String) -> QuantizeSpec? {
    if let type = GGMLType(name: step), GGMLQuantizer.types.contains(type) { return .ggml(type) }
    let schemes: [(prefix: String, scheme: QuantizationScheme, hasBits: Bool, granularity: Granularity)] = [
      ("int", .int, true, .channel), ("cb", .codebook, true, .tensor), ("fp8e5m2", .fp8E5M2, false, .channel),
      ("fp8", .fp8E4M3, false, .channel), ("fp16", .fp16, false, .tensor), ("bf16", .bf16, false, .tensor),
    ]
    guard let match = schemes.first(where: { step.hasPrefix($0.prefix) }) else { return nil }
    var rest = Substring(step.dropFirst(match.prefix.count))
    var bits: Int?
    if match.hasBits {
      guard let digit = rest.first?.wholeNumberValue else { return nil }
      bits = digit
      rest = rest.dropFirst()
    }
    var granularity = match.granularity, groupSize: Int?
    switch rest.first {
    case nil: break
    case "t" where rest.count == 1: granularity = .tensor
    case "c" where rest.count == 1: granularity = .channel
    case "g":
      guard let size = Int(rest.dropFirst()) else { return nil }
      (granularity, groupSize) = (.group, size)
    default: return nil
    }
    if match.scheme == .fp16 || match.scheme == .bf16 {
      guard rest.isEmpty else { return nil }
    }
    return QuantizeSpec(scheme: match.scheme, bits: bits, granularity: granularity, groupSize: groupSize)
  }

  static func parseDefaults(_ list: String) -> [Candidate] {
    // The lists above are constants checked by the tests; a typo would show there.
    (try? parseList(list)) ?? []
  }

  /// 90 gives "90", 97.5 gives "97.5".
  private static func trimmed(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}

/// A candidate or candidate list could not be read; the message names the candidate.
public struct CandidateError: Error, Equatable, CustomStringConvertible {
  /// One line naming the candidate and the problem.
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension String {
  /// The rest after `prefix`, or nil when the string does not start with it.
  fileprivate func dropPrefix(_ prefix: String) -> String? {
    hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
  }
}
