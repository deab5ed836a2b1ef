import Foundation
import PareCore

/// One tensor's entry in a safetensors header.
public struct SafetensorsEntry: Sendable, Equatable {
  /// The tensor's name, e.g. `fc1.weight`.
  public let name: String
  /// Element type on disk.
  public let dtype: DType
  /// Extent of each axis.
  public let shape: [Int]
  /// Byte range within the data buffer (which starts right after the header).
  public let byteRange: Range<Int>

  /// Number of elements.
  public var elementCount: Int { Tensor.elementCount(shape) }
}

/// The parsed and validated JSON header of a safetensors file.
public struct SafetensorsHeader: Sendable, Equatable {
  /// Entries in data-buffer order (by byte offset), which tile the buffer exactly.
  public let entries: [SafetensorsEntry]
  /// The free-form `__metadata__` string map (empty when absent).
  public let metadata: [String: String]

  /// The largest header Pare accepts, as the reference implementation does.
  public static let maximumLength = 100_000_000

  /// Parses `json` (the header bytes) of `file` and checks every rule of DESIGN.md §8 against a
  /// data buffer of `dataLength` bytes.
  public static func parse(_ json: [UInt8], dataLength: Int, file: String) throws(SafetensorsError) -> SafetensorsHeader {
    func fail(_ tensor: String?, _ problem: SafetensorsError.Problem) -> SafetensorsError {
      SafetensorsError(file: file, tensor: tensor, problem)
    }
    func fail(_ problem: SafetensorsError.Problem) -> SafetensorsError { fail(nil, problem) }
    guard String(validating: json, as: UTF8.self) != nil else { throw fail(.headerNotUTF8) }
    let root: JSONValue
    do {
      root = try JSONDecoder().decode(JSONValue.self, from: Data(json))
    } catch {
      // Foundation says only "not valid JSON"; a value JSON does not allow (NaN) can be named.
      throw fail(.headerNotJSON(JSONTextProblem.first(in: json)?.description ?? Self.reason(error)))
    }
    guard case let .object(object) = root else { throw fail(.headerNotObject) }

    var metadata: [String: String] = [:]
    var entries: [SafetensorsEntry] = []
    for (name, value) in object {
      if name == "__metadata__" {
        guard case let .object(map) = value else { throw fail(.metadataNotStringMap) }
        for (key, item) in map {
          guard case let .string(text) = item else { throw fail(.metadataNotStringMap) }
          metadata[key] = text
        }
        continue
      }
      entries.append(try entry(name, value, fail: { fail(name, $0) }))
    }

    if let problem = JSONTextProblem.first(in: json) {
      switch problem.kind {
      case let .duplicateKey(key) where problem.path.isEmpty: throw fail(key, .duplicateName)
      case let .duplicateKey(key): throw fail(problem.path[0], .duplicateKey(key))
      case .invalidValue: throw fail(.headerNotJSON(problem.description))
      }
    }

    entries.sort { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name) < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }
    var end = 0
    var previous: String?
    for e in entries {
      if e.byteRange.lowerBound < end, let previous { throw fail(e.name, .overlap(other: previous)) }
      if e.byteRange.lowerBound > end { throw fail(e.name, .gap(from: end, to: e.byteRange.lowerBound)) }
      end = e.byteRange.upperBound
      previous = e.name
    }
    guard end == dataLength else { throw fail(.coverageMismatch(covered: end, dataLength: dataLength)) }
    return SafetensorsHeader(entries: entries, metadata: metadata)
  }

  private static func entry(
    _ name: String, _ value: JSONValue, fail: (SafetensorsError.Problem) -> SafetensorsError
  ) throws(SafetensorsError) -> SafetensorsEntry {
    guard case let .object(fields) = value else { throw fail(.entryNotObject(value.kind)) }
    guard let dtypeValue = fields["dtype"] else { throw fail(.missingKey("dtype")) }
    guard let shapeValue = fields["shape"] else { throw fail(.missingKey("shape")) }
    guard let offsetsValue = fields["data_offsets"] else { throw fail(.missingKey("data_offsets")) }

    guard case let .string(dtypeName) = dtypeValue else { throw fail(.unknownDType("\(dtypeValue.kind)")) }
    guard let dtype = DType(rawValue: dtypeName) else { throw fail(.unknownDType(dtypeName)) }

    guard case let .array(shapeItems) = shapeValue else { throw fail(.badShape("expected an array, got \(shapeValue.kind)")) }
    var shape: [Int] = []
    for item in shapeItems {
      guard case let .int(extent) = item, extent >= 0 else { throw fail(.badShape("extents must be non-negative integers")) }
      shape.append(extent)
    }

    guard case let .array(offsetItems) = offsetsValue, offsetItems.count == 2,
          case let .int(begin) = offsetItems[0], case let .int(end) = offsetItems[1]
    else { throw fail(.badOffsets("expected [begin, end] integers")) }
    guard begin >= 0, end >= begin else { throw fail(.badOffsets("[\(begin), \(end)] is not a range")) }

    var bytes = dtype.byteSize
    for extent in shape {
      let (product, overflow) = bytes.multipliedReportingOverflow(by: extent)
      guard !overflow else { throw fail(.badShape("\(shape) is too large")) }
      bytes = product
    }
    guard bytes == end - begin else { throw fail(.sizeMismatch(expected: bytes, actual: end - begin)) }
    return SafetensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
  }

  /// The first line of a decoding error, without Foundation's boilerplate.
  private static func reason(_ error: any Error) -> String {
    if case let DecodingError.dataCorrupted(context) = error {
      return (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
        .split(separator: "\n").first.map(String.init) ?? "malformed"
    }
    return "malformed"
  }
}
