/// Token texts to ids for the BPE inner loops, which look up millions of byte strings that are
/// mostly not tokens: one open-addressing table of ids with each slot's 64-bit hash beside it, so a
/// miss usually touches no token bytes, and every text in one flat buffer (a `Dictionary` of
/// arrays spends most of Gemma's 262,144-token lookups chasing pointers and seeding SipHash).
struct TokenTable: Sendable {
  private let bytes: [UInt8]
  /// Token i's text is bytes[offsets[i]..<offsets[i + 1]] (i indexes `ids`).
  private let offsets: [Int32]
  private let ids: [Int32]
  /// Per slot: index into `ids` + 1, 0 when empty.
  private let slots: [Int32]
  private let hashes: [UInt64]
  private let mask: Int

  /// `entries` as (text, id); of equal texts the last wins (as llama.cpp's token_to_id map).
  init(_ entries: [(text: [UInt8], id: Int32)]) {
    var bytes: [UInt8] = []
    var offsets: [Int32] = [0]
    var ids: [Int32] = []
    var capacity = 16
    while capacity < entries.count * 2 { capacity *= 2 }
    var slots = [Int32](repeating: 0, count: capacity)
    var hashes = [UInt64](repeating: 0, count: capacity)
    let mask = capacity - 1
    for (text, id) in entries {
      let hash = text.withUnsafeBufferPointer { Self.hash($0) }
      var slot = Int(truncatingIfNeeded: hash) & mask
      var replaced = false
      while slots[slot] != 0 {
        let index = Int(slots[slot]) - 1
        if hashes[slot] == hash && bytes[Int(offsets[index])..<Int(offsets[index + 1])].elementsEqual(text) {
          ids[index] = id
          replaced = true
          break
        }
        slot = (slot + 1) & mask
      }
      guard !replaced else { continue }
      bytes += text
      offsets.append(Int32(bytes.count))
      ids.append(id)
      slots[slot] = Int32(ids.count)
      hashes[slot] = hash
    }
    self.bytes = bytes
    self.offsets = offsets
    self.ids = ids
    self.slots = slots
    self.hashes = hashes
    self.mask = mask
  }

  /// FNV-1a, then a multiply-xorshift so the low bits (the slot) mix all bytes.
  @inline(__always)
  static func hash(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    hash ^= hash >> 29
    hash = hash &* 0xbf58_476d_1ce4_e5b9
    return hash ^ (hash >> 32)
  }

  /// The id of `text`, nil when it is no token.
  @inline(__always)
  func id(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
    let hash = Self.hash(text)
    var slot = Int(truncatingIfNeeded: hash) & mask
    return slots.withUnsafeBufferPointer { slots in
      hashes.withUnsafeBufferPointer { hashes in
        bytes.withUnsafeBufferPointer { bytes in
          while slots[slot] != 0 {
            if hashes[slot] == hash {
              let index = Int(slots[slot]) - 1
              let start = Int(offsets[index])
              if Int(offsets[index + 1]) - start == text.count {
                var equal = true
                for k in 0..<text.count where bytes[start + k] != text[k] {
                  equal = false
                  break
                }
                if equal { return ids[index] }
              }
            }
            slot = (slot + 1) & mask
          }
          return nil
        }
      }
    }
  }

  func id(_ text: some Collection<UInt8>) -> Int32? {
    let array = Array(text)
    return array.withUnsafeBufferPointer { id($0) }
  }
}
