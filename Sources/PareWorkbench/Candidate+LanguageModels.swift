import PareCompression
import PareFormats

extension Candidate {
  /// A language model's candidates, in llama.cpp's currency: ggml's types from q2_k to q8_0 with
  /// importance weights, as llama-quantize uses an imatrix (q8_0 takes none), each measured only
  /// where its block fits the rows (`fits`).
  public static let languageModelDefaultList: String = {
    let order: [GGMLType] = [.q2_k, .q3_k, .q4_0, .q4_1, .q4_k, .q5_0, .q5_1, .q5_k, .q6_k, .q8_0]
    return order.filter(GGMLQuantizer.types.contains).map { $0 == .q8_0 ? $0.name : $0.name + "+imatrix" }
      .joined(separator: ",")
  }()

  /// `languageModelDefaultList` for the matrices of `weights`, plus fp16 when one has rows that
  /// fit no 32-value block (where llama.cpp falls back to F16 and no ggml type would do).
  public static func languageModelDefaults(for weights: WeightStore) -> [Candidate] {
    let odd = SensitivityAnalysis.compressibleTensors(in: weights).contains { ($0.shape.last ?? 1) % 32 != 0 }
    return parseDefaults(languageModelDefaultList + (odd ? ",fp16" : ""))
  }
}
