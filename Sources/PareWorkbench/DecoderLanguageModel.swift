import Foundation
import PareCompression
import PareCore
import PareEngine
import PareFormats

/// Decoder language models (DESIGN.md §3): the Llama family (`llama`, `mistral`, `qwen2`, `qwen3`)
/// and Gemma 3, from a Hugging Face checkpoint or a GGUF file, measured the way
/// `llama-perplexity --kl-divergence` measures a quantized model: on windows of a text, the mean
/// KL divergence of each next-token distribution from the uncompressed model's (the live metric),
/// with perplexity, Δp and top-token agreement beside it.
public struct DecoderLanguageModel: ModelFamily {
  public static let modelTypes = ["llama", "mistral", "qwen2", "qwen3", "gemma3_text"]
  public static let ggufArchitectures = ["llama", "qwen2", "qwen3", "gemma3"]
  public static let description = "a language model"
  public static let data = EvaluationDataKind(
    option: "text", contents: "UTF-8 text, cut into windows of --ctx tokens", items: "windows",
    limitOption: "chunks", interactiveLimit: 4, lengthOption: (name: "ctx", defaultValue: 512), bundledDefault: .sentences)
  /// Mean KL divergence in nats from the uncompressed model's next-token distributions.
  public static let metric = MetricKind(
    name: "KL", direction: .lowerIsBetter, unit: "nats", changeStyle: .absolute, negligibleLoss: 0.001, largeLoss: 0.05,
    changeDecimals: 4)
  public static let forwardOutput = "logits"

  public let config: DecoderConfig
  let weights: WeightStore
  private let tokenizer: any TextTokenizer

  public init(model: ModelDirectory, config file: ModelDirectory.ConfigFile) throws {
    config = try DecoderConfig.load(configData: file.data, file: file.path, weights: model.weights)
    weights = model.weights
    let tokenizerFile = URL(fileURLWithPath: model.path).appendingPathComponent("tokenizer.json").path
    guard FileManager.default.fileExists(atPath: tokenizerFile) else {
      throw ModelError(file: model.path, "has no tokenizer.json, which a language model needs to read its text")
    }
    tokenizer = try ByteLevelBPETokenizer(modelDirectory: model.path)
  }

  public init(model: ModelDirectory, gguf: GGUFFile) throws {
    config = try DecoderConfig.load(gguf: gguf, weights: model.weights)
    weights = model.weights
    tokenizer = try GGUFVocabulary(gguf: gguf).tokenizer()
  }

  /// The uncompressed network.
  public func network() throws -> DecoderNetwork {
    try DecoderNetwork(config: config, weights: weights)
  }

  /// `data`'s text as windows of tokens: llama.cpp's cut (`TextWindows`), `data.itemLength`
  /// tokens each (default 512), the first `data.limit` of them.
  public func windows(of data: EvaluationData) throws -> TextWindows {
    let ids = try tokenizer.encode(TextWindows.text(of: data.path), addSpecial: true)
    let addsBOS = try tokenizer.bos != nil && tokenizer.encode("", addSpecial: true).first == tokenizer.bos
    return try TextWindows(ids: ids, length: data.itemLength ?? Self.data.lengthOption?.defaultValue ?? 512,
                           limit: data.limit, bos: addsBOS ? tokenizer.bos : nil, file: data.path)
  }

  public func evaluator(on data: EvaluationData, compression: CompressionCache, cachesActivations: Bool) throws
    -> any LayerOrderedEvaluator {
    let network = try network()
    let windows = try windows(of: data).windows
    // Specs with "imatrix": true and no imatrix file: this text's statistics, made when needed.
    if compression.importance == nil { compression.importance = importanceSource(on: data) }
    do { try network.check(DecoderInput(windows: windows)) } catch { throw ModelError(file: data.path, "\(error)") }
    let layout = network.layout
    let scoring = LanguageModelMetrics.Scoring.secondHalf(of: windows.first?.count ?? 0)
    // A one-shot measurement (cachesActivations false) compares nothing with the baseline pass:
    // it skips the directions' extra head product.
    return try NetworkEvaluator(
      network: network, input: DecoderInput(windows: windows, measuresDirections: cachesActivations), metric: Self.metric,
      weights: weights, compression: compression, cachesActivations: cachesActivations,
      referencing: { baseline in
        DecoderInput(windows: windows, reference: Self.referenceColumns(baseline, layout.states, layout: layout),
                     referenceDirections: Self.referenceDirections(baseline, layout: layout))
      }
    ) { scores, baseline in
      Self.measurement(LanguageModelMetrics(scores: scores, reference: baseline, layout: layout, scoring: scoring),
                       windows: windows.count)
    }
  }

  /// Columns `columns` of every position of the uncompressed model's pass (its final-normed
  /// states, from which later passes recompute its distributions for their KL divergence).
  static func referenceColumns(_ rows: Tensor, _ columns: Range<Int>, layout: TokenScoreLayout) -> [Float] {
    let positions = rows.count / layout.width
    var values: [Float] = []
    values.reserveCapacity(positions * columns.count)
    for p in 0..<positions { values += rows.scalars[(p * layout.width + columns.lowerBound)..<(p * layout.width + columns.upperBound)] }
    return values
  }

  /// Every position's directions followed by its log Σ exp, when the pass measured them (the
  /// offsets are not NaN): later passes with the uncompressed head then need one head product.
  static func referenceDirections(_ rows: Tensor, layout: TokenScoreLayout) -> [Float]? {
    let positions = rows.count / layout.width
    guard positions > 0, (0..<positions).allSatisfy({ !rows.scalars[$0 * layout.width + TokenScoreLayout.offset].isNaN }) else {
      return nil
    }
    var values: [Float] = []
    values.reserveCapacity(positions * (layout.hiddenSize + 1))
    for p in 0..<positions {
      values += rows.scalars[(p * layout.width + layout.directions.lowerBound)..<(p * layout.width + layout.directions.upperBound)]
      values.append(rows.scalars[p * layout.width + TokenScoreLayout.logSumExp])
    }
    return values
  }

  /// What a language-model measurement over `windows` windows reports: mean KL as the value,
  /// then perplexity and the other comparisons by key.
  static func measurement(_ m: LanguageModelMetrics, windows: Int) -> Measurement {
    Measurement(value: m.meanKL, samples: windows, secondary: [
      SecondaryValue(key: "scored_tokens", label: nil, value: Double(m.count), style: .count, isComparison: false),
      SecondaryValue(key: "perplexity", label: "ppl", value: m.perplexity, style: .significant, isComparison: false),
      SecondaryValue(key: "same_top", label: "same top", value: m.sameTop, style: .percent, isComparison: true),
      SecondaryValue(key: "p99_kl", label: nil, value: m.p99KL, style: .significant, isComparison: true),
      SecondaryValue(key: "max_kl", label: nil, value: m.maxKL, style: .significant, isComparison: true),
      SecondaryValue(key: "mean_delta_p", label: nil, value: m.meanDeltaP, style: .significant, isComparison: true),
      SecondaryValue(key: "rms_delta_p", label: nil, value: m.rmsDeltaP, style: .significant, isComparison: true),
    ])
  }

  /// The logits [tokens, vocab] of the first window of the text in `input` (up to 512 tokens,
  /// fewer when the text is shorter).
  public func forward(input: String, replacements: [String: TensorReplacement]) throws -> Tensor {
    let network = try network().replacingTensors(replacements, original: Self.original(weights))
    let ids = try tokenizer.encode(TextWindows.text(of: input), addSpecial: true)
    guard !ids.isEmpty else { throw ModelError(file: input, "holds no text to run the model on") }
    let window = ids.prefix(Self.data.lengthOption?.defaultValue ?? 512).map { Int32(truncatingIfNeeded: $0) }
    do { try network.check(DecoderInput(windows: [window])) } catch { throw ModelError(file: input, "\(error)") }
    return try network.logits(window: window)
  }

  public func reportLines(_ metric: PlanMetric, baseline: PlanMetric, comparing: Bool) -> [String] {
    let perplexity = metric.secondary("perplexity") ?? .nan
    var lines = [String(format: "perplexity  %.4f over %d scored tokens (the second half of each window)", perplexity,
                        Int(metric.secondary("scored_tokens") ?? 0))]
    guard comparing else { return lines }
    if let original = baseline.secondary("perplexity") {
      lines[0] += String(format: ", baseline %.4f (%+.2f%%)", original, (perplexity / original - 1) * 100)
    }
    lines.append(String(format: "KL          mean %.6f  p99 %.6f  max %.6f nats from the original's next-token distributions",
                        metric.value, metric.secondary("p99_kl") ?? .nan, metric.secondary("max_kl") ?? .nan))
    lines.append(String(format: "delta p     mean %+.4f%%  rms %.4f%%", (metric.secondary("mean_delta_p") ?? .nan) * 100,
                        (metric.secondary("rms_delta_p") ?? .nan) * 100))
    lines.append(String(format: "same top    %.2f%% of scored tokens", (metric.secondary("same_top") ?? .nan) * 100))
    return lines
  }
}
