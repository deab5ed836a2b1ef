import PareCompression
import PareCore
import PareWorkbench

/// What `=` reads: a tensor's spec typed in the CLI's candidate syntax (`Candidate.parse`, the
/// reader of `--candidates`), with the spellings a person types in a prompt as well.
///
/// Steps may be joined by `+` or spaces; a granularity may follow its format as a word of its
/// own (`int4 g64`, `int4 ch`); `prune 50%` and `50%` are `prune50`; `rank 64` (or `r64`) is an
/// absolute rank, which the candidate syntax (a fraction, `rank/8`) cannot say; `none` (or an
/// empty line) clears the spec. Everything else is `Candidate.parse`'s, errors included.
enum SpecEntry {
  /// The spec `text` asks for on a tensor of `shape` and `dtype` (nil: uncompressed), or one
  /// line saying what is wrong.
  static func spec(_ text: String, shape: [Int], dtype: DType) -> Result<CompressionSpec?, SpecEntryError> {
    let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "+" || $0 == "\t" }).map(String.init)
    if words.isEmpty || words == ["none"] || words == ["clear"] || words == ["uncompressed"] { return .success(nil) }
    var steps: [String] = []
    var rank: Int?
    var hasGranularity = false
    var index = 0
    func fail(_ why: String) -> Result<CompressionSpec?, SpecEntryError> { .failure(SpecEntryError(message: why)) }
    while index < words.count {
      let word = words[index]
      let next = index + 1 < words.count ? words[index + 1] : nil
      index += 1
      if let size = granularitySuffix(word) {
        guard let last = steps.last, isQuantization(last) else {
          return fail("'\(word)' is a granularity: put it after a format, e.g. int4 \(word)")
        }
        steps[steps.count - 1] = last + size
        hasGranularity = true
      } else if word == "rank" || word == "r", let next, let value = Int(next) {
        rank = value
        index += 1
      } else if word == "rank", let next, next.hasPrefix("/") {
        steps.append("rank" + next)
        index += 1
      } else if let value = absoluteRank(word) {
        rank = value
      } else if word == "prune", let next, let percent = percentage(next) {
        steps.append("prune" + percent)
        index += 1
      } else if word.hasPrefix("prune"), let percent = percentage(String(word.dropFirst(5))) {
        steps.append("prune" + percent)
      } else if word.hasSuffix("%"), let percent = percentage(word) {
        steps.append("prune" + percent)
      } else {
        if isQuantization(word), hasSuffix(word) { hasGranularity = true }
        steps.append(word)
      }
    }
    var spec = CompressionSpec()
    if !steps.isEmpty {
      do {
        spec = try Candidate.parse(steps.joined(separator: "+")).spec(forShape: shape)
      } catch {
        return fail(error.message)
      }
    }
    if let rank {
      guard spec.lowrank == nil else { return fail("both rank \(rank) and a rank/D step: give one") }
      spec.lowrank = LowRankSpec(rank: rank)
    }
    // A vector has no channels: without a granularity typed, its format is per tensor.
    if shape.count <= 1, !hasGranularity, var q = spec.quantize, q.granularity == .channel {
      q.granularity = .tensor
      spec.quantize = q
    }
    do {
      try spec.validate(shape: shape, dtype: dtype)
    } catch {
      return fail(error.message)
    }
    return .success(spec.isEmpty ? nil : spec)
  }

  /// The text `=` starts from: the spec in the syntax it reads back ("prune50 int4", "rank 64
  /// int8g64"); empty for none.
  static func text(of spec: CompressionSpec?) -> String {
    guard let spec else { return "" }
    var words: [String] = []
    if let prune = spec.prune {
      switch prune.method {
      case .magnitude: words.append("prune" + Format.trimmed((prune.sparsity ?? 0) * 100))
      case .nm: words.append("\(prune.n ?? 0):\(prune.m ?? 0)")
      }
    }
    if let rank = spec.lowrank?.rank { words.append("rank \(rank)") }
    if let q = spec.quantize { words.append(Candidate(quantize: q).description) }
    return words.joined(separator: " ")
  }

  /// "g64" → "g64", "ch"/"c"/"channel" → "c", "t"/"tensor" → "t"; nil for other words.
  private static func granularitySuffix(_ word: String) -> String? {
    switch word {
    case "c", "ch", "channel": return "c"
    case "t", "tensor": return "t"
    default:
      guard word.hasPrefix("g"), let size = Int(word.dropFirst()), size > 0 else { return nil }
      return "g\(size)"
    }
  }

  /// "rank64", "r64": an absolute rank.
  private static func absoluteRank(_ word: String) -> Int? {
    for prefix in ["rank", "r"] where word.hasPrefix(prefix) {
      if let value = Int(word.dropFirst(prefix.count)) { return value }
    }
    return nil
  }

  /// "50%" or "50" as the candidate syntax writes a percentage ("50"); nil for other words.
  private static func percentage(_ word: String) -> String? {
    let number = word.hasSuffix("%") ? String(word.dropLast()) : word
    guard let value = Double(number), value.isFinite else { return nil }
    return Format.trimmed(value)
  }

  /// Whether a quantization step ends in a granularity ("int4g64", "cb4c").
  private static func hasSuffix(_ step: String) -> Bool {
    var rest = Substring(step)
    for prefix in ["fp8e5m2", "fp8", "int", "cb"] where rest.hasPrefix(prefix) {
      rest = rest.dropFirst(prefix.count)
      break
    }
    return !rest.drop(while: \.isNumber).isEmpty
  }

  /// Whether a step is a quantization format (int, codebook or float), which a granularity may
  /// follow.
  private static func isQuantization(_ step: String) -> Bool {
    ["int", "cb", "fp8"].contains { step.hasPrefix($0) }
  }
}

/// Why a typed spec was refused: one line for the prompt.
struct SpecEntryError: Error, Equatable {
  let message: String
}
