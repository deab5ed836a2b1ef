/// Why a safetensors file (or a sharded checkpoint's index) was refused.
///
/// The description is one line naming the file, the tensor when there is one, and the problem.
public struct SafetensorsError: Error, Equatable, CustomStringConvertible {
  /// The file that was being read.
  public let file: String
  /// The tensor the problem is about, when it is about one.
  public let tensor: String?
  /// What is wrong.
  public let problem: Problem

  /// The rules of DESIGN.md §8 and the safetensors specification, one case each.
  public enum Problem: Equatable, Sendable {
    case unreadable(String)
    case truncated(fileSize: Int)
    case headerTooLarge(UInt64)
    case headerBeyondFile(headerLength: UInt64, fileSize: Int)
    case headerNotUTF8
    case headerNotJSON(String)
    case headerNotObject
    case metadataNotStringMap
    case entryNotObject(String)
    case missingKey(String)
    case unknownDType(String)
    case badShape(String)
    case badOffsets(String)
    case sizeMismatch(expected: Int, actual: Int)
    case overlap(other: String)
    case gap(from: Int, to: Int)
    case coverageMismatch(covered: Int, dataLength: Int)
    case duplicateName
    /// The tensor is also in another shard of the checkpoint (that shard's path).
    case inTwoShards(other: String)
    /// A key given twice inside a tensor's entry or `__metadata__`.
    case duplicateKey(String)
    case notFound
    case badIndex(String)
    /// A GGUF tensor whose ggml type Pare cannot decode (the message names the type).
    case notDecodable(String)
  }

  public init(file: String, tensor: String? = nil, _ problem: Problem) {
    self.file = file
    self.tensor = tensor
    self.problem = problem
  }

  public var description: String {
    let subject = tensor.map { "\(file): tensor '\($0)'" } ?? file
    return "\(subject): \(problemText)"
  }

  private var problemText: String {
    switch problem {
    case let .unreadable(reason): "cannot read: \(reason)"
    case let .truncated(size): "truncated: \(size) bytes, shorter than the 8-byte header length"
    case let .headerTooLarge(n): "header length \(n) bytes is over the 100 MB limit (corrupt file?)"
    case let .headerBeyondFile(n, size): "header length \(n) runs past the end of the \(size)-byte file (truncated?)"
    case .headerNotUTF8: "header is not valid UTF-8"
    case let .headerNotJSON(reason): "header is not valid JSON (\(reason))"
    case .headerNotObject: "header is not a JSON object"
    case .metadataNotStringMap: "__metadata__ must map strings to strings"
    case let .entryNotObject(kind): "entry is \(kind), expected an object with dtype, shape, data_offsets"
    case let .missingKey(key): "entry has no '\(key)'"
    case let .unknownDType(dtype): "unknown dtype '\(dtype)'"
    case let .badShape(reason): "bad shape: \(reason)"
    case let .badOffsets(reason): "bad data_offsets: \(reason)"
    case let .sizeMismatch(expected, actual):
      "shape and dtype need \(expected) bytes but data_offsets span \(actual)"
    case let .overlap(other): "byte range overlaps tensor '\(other)'"
    case let .gap(from, to): "bytes [\(from), \(to)) of the data buffer before it belong to no tensor"
    case let .coverageMismatch(covered, length):
      "tensors cover \(covered) bytes but the data buffer holds \(length)"
    case .duplicateName: "name appears more than once in the header"
    case let .inTwoShards(other): "also in shard \(other): a tensor may be in one shard only"
    case let .duplicateKey(key): "key \"\(key)\" appears twice in its entry"
    case .notFound: "no such tensor"
    case let .badIndex(reason): "bad sharded-checkpoint index: \(reason)"
    case let .notDecodable(reason): reason
    }
  }
}
