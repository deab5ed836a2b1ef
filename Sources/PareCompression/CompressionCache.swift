import PareCore
import Synchronization

/// Compressed tensors memoized by (tensor name, spec, importance used), shared across threads,
/// holding at most `byteLimit` bytes: past it the least recently used entries go.
///
/// Undo, redo and re-evaluation keep asking for the same few (tensor, spec) pairs; compressing
/// each once makes those steps instant. A sensitivity sweep, though, asks for every tensor under
/// every candidate once: on a BERT-sized model an unbounded cache would keep gigabytes of
/// reconstructions nobody needs again. (An entry still used by a plan stays alive through the
/// plan; eviction only drops the cache's own reference.)
public final class CompressionCache: Sendable {
  private struct Key: Hashable {
    let name: String
    let spec: CompressionSpec
    /// The importance the tensor was compressed with (nil: none), by identity.
    let importance: ImportanceKey?
  }

  /// An `ImportanceSource` compared by identity; held strongly, so its identity is never reused.
  private struct ImportanceKey: Hashable {
    let source: ImportanceSource
    static func == (a: Self, b: Self) -> Bool { a.source === b.source }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(source)) }
  }

  private struct Entry {
    let tensor: CompressedTensor
    let bytes: Int
    var lastUse: Int
  }

  private struct State {
    var entries: [Key: Entry] = [:]
    var bytes = 0
    var clock = 0
  }

  /// The most bytes of compressed tensors kept.
  public let byteLimit: Int
  private let state = Mutex(State())
  private let importanceSource = Mutex<ImportanceSource?>(nil)

  /// A cache keeping at most `byteLimit` bytes (by default, everything).
  public init(byteLimit: Int = .max) { self.byteLimit = byteLimit }

  /// Where plans compressed through this cache find the importance of specs with
  /// `"imatrix": true` (`AppliedPlan`): an imatrix file, or the evaluation text's statistics.
  /// Set once when a model is opened; nil: such specs are refused.
  public var importance: ImportanceSource? {
    get { importanceSource.withLock { $0 } }
    set { importanceSource.withLock { $0 = newValue } }
  }

  /// The cached result for `name` under `spec` compressed with `importance` (nil: without),
  /// computing and storing it with `make` on a miss.
  public func tensor(_ name: String, spec: CompressionSpec, importance: ImportanceSource? = nil,
                     make: () throws -> CompressedTensor) rethrows -> CompressedTensor {
    let key = Key(name: name, spec: spec, importance: importance.map(ImportanceKey.init))
    let hit = state.withLock { state -> CompressedTensor? in
      guard let entry = state.entries[key] else { return nil }
      state.clock += 1
      state.entries[key]?.lastUse = state.clock
      return entry.tensor
    }
    if let hit { return hit }
    let made = try make()
    state.withLock { state in
      state.clock += 1
      let entry = Entry(tensor: made, bytes: made.memoryBytes, lastUse: state.clock)
      if let old = state.entries.updateValue(entry, forKey: key) { state.bytes -= old.bytes }
      state.bytes += entry.bytes
      while state.bytes > byteLimit, state.entries.count > 1,
            let oldest = state.entries.filter({ $0.key != key }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
        state.bytes -= oldest.value.bytes
        state.entries[oldest.key] = nil
      }
    }
    return made
  }

  /// Number of cached tensors.
  public var count: Int { state.withLock { $0.entries.count } }

  /// Bytes of the cached tensors.
  public var bytes: Int { state.withLock { $0.bytes } }
}

extension CompressedTensor {
  /// Approximate memory held: the reconstruction, the codes, the mask and the factors.
  var memoryBytes: Int {
    func codes(_ q: QuantizedTensor?) -> Int { q.map { $0.codeBytes.count + 4 * ($0.scales.count + $0.codebooks.count) } ?? 0 }
    let factorBytes = factors.map { 4 * ($0.a.count + $0.b.count) + codes($0.quantizedA) + codes($0.quantizedB) } ?? 0
    return 4 * values.count + codes(quantized) + (kept?.count ?? 0) + factorBytes
  }
}
