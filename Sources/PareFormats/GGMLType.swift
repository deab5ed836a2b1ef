/// A tensor's element type in a GGUF file: ggml's `enum ggml_type`, by its id on disk.
///
/// Every id ggml still defines is listed, so a file of any type opens and lists its tensors; only
/// the types `isDecodable` says can be turned into Float32 (the others open browse-only).
public enum GGMLType: UInt32, Sendable, CaseIterable {
  case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
  case q2_k = 10, q3_k = 11, q4_k = 12, q5_k = 13, q6_k = 14, q8_k = 15
  case iq2_xxs = 16, iq2_xs = 17, iq3_xxs = 18, iq1_s = 19, iq4_nl = 20, iq3_s = 21, iq2_s = 22, iq4_xs = 23
  case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_m = 29, bf16 = 30
  case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39, nvfp4 = 40, q1_0 = 41

  /// The lowercase name ggml and llama.cpp print ("q4_k", "bf16").
  public var name: String { "\(self)" }

  /// The type called `name` ("q4_k"; lowercase, as `name` prints it), or nil.
  public init?(name: String) {
    guard let type = Self.allCases.first(where: { $0.name == name }) else { return nil }
    self = type
  }

  /// Elements per block: a row's length (ggml's ne[0]) must be a multiple of it.
  public var blockSize: Int {
    switch self {
    case .f32, .f16, .bf16, .f64, .i8, .i16, .i32, .i64: 1
    case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_nl, .mxfp4: 32
    case .nvfp4: 64
    case .q1_0: 128
    default: 256
    }
  }

  /// Bytes one block takes in the file (ggml's `type_size`, as gguf-py's GGML_QUANT_SIZES).
  public var bytesPerBlock: Int {
    switch self {
    case .f32, .i32: 4
    case .f16, .bf16, .i16: 2
    case .f64, .i64: 8
    case .i8: 1
    case .q4_0, .iq4_nl: 18
    case .q4_1: 20
    case .q5_0: 22
    case .q5_1: 24
    case .q8_0: 34
    case .q8_1: 40
    case .q2_k: 84
    case .q3_k, .iq3_s: 110
    case .q4_k: 144
    case .q5_k: 176
    case .q6_k: 210
    case .q8_k: 292
    case .iq2_xxs, .tq2_0: 66
    case .iq2_xs: 74
    case .iq3_xxs: 98
    case .iq1_s: 50
    case .iq2_s: 82
    case .iq4_xs: 136
    case .iq1_m: 56
    case .tq1_0: 54
    case .mxfp4: 17
    case .nvfp4: 36
    case .q1_0: 18
    }
  }

  /// Bits each weight takes on disk, scales included (4.5 for q4_0, 6.5625 for q6_k).
  public var bitsPerWeight: Double { Double(bytesPerBlock * 8) / Double(blockSize) }

  /// Whether Pare dequantizes this type to Float32 (bit for bit as ggml's `dequantize_row_*`).
  public var isDecodable: Bool { Self.decodable.contains(self) }

  /// The types Pare decodes, in the order messages list them.
  public static let decodable: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
                                             .q2_k, .q3_k, .q4_k, .q5_k, .q6_k, .iq4_nl, .iq4_xs]

  /// "f32, f16, bf16, q4_0, ...": the decodable types for messages.
  public static var decodableList: String { decodable.map(\.name).joined(separator: ", ") }

  /// Bytes of `rowLength`-element rows times `rows`, or nil when `rowLength` is not a whole
  /// number of blocks or the count overflows.
  public func byteCount(elements: Int, rowLength: Int) -> Int? {
    guard rowLength % blockSize == 0 else { return nil }
    let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
    return overflow ? nil : bytes
  }
}
