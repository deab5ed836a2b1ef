/// The element types of the safetensors format.
///
/// Pare computes in Float32; every dtype converts to it exactly where Float32 can hold the value
/// (all floating types up to F32, integers up to 2^24). Types marked `isWritable` can also be
/// produced from Float32, which `pare apply` needs to keep a model's dtypes unchanged.
public enum DType: String, Sendable, CaseIterable, Codable {
  case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
  case f8E4M3 = "F8_E4M3", f8E5M2 = "F8_E5M2"
  case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
  case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
  case bool = "BOOL"

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .f64, .i64, .u64: 8
    case .f32, .i32, .u32: 4
    case .f16, .bf16, .i16, .u16: 2
    case .f8E4M3, .f8E5M2, .i8, .u8, .bool: 1
    }
  }

  /// Whether the type holds real-valued weights (the tensors compression applies to).
  public var isFloatingPoint: Bool {
    switch self {
    case .f64, .f32, .f16, .bf16, .f8E4M3, .f8E5M2: true
    default: false
    }
  }

  /// Whether Pare can encode Float32 values into this type (the FP8 types are read-only).
  public var isWritable: Bool { self != .f8E4M3 && self != .f8E5M2 }
}
