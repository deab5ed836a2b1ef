import Foundation
import PareCompression
import PareFormats

// Quantizes every two-axis tensor of a GGUF to every ggml type whose block fits its rows, with and
// without importance, and prints the CRC-32 of each result, for scripts/check_ggml_quantizer.py,
// which compares them with the CRC-32 of ggml's own blocks (`ggml_quantize_chunk`).
//
//   GGMLCheck MODEL.gguf [MAX_ROWS]
//
// MAX_ROWS (default: all) keeps only a tensor's first rows. The importance of column c is
// ((7919·c) mod 101 + 1) / 16, and 0 where c mod 97 = 5 (a column an imatrix never saw): exact in
// Float32, so the script builds the same vector. Prints one line per result:
// "tensor type plain|imatrix crc".

let arguments = CommandLine.arguments
guard arguments.count == 2 || arguments.count == 3 else {
  FileHandle.standardError.write(Data("usage: GGMLCheck MODEL.gguf [MAX_ROWS]\n".utf8))
  exit(2)
}
let maxRows = arguments.count == 3 ? Int(arguments[2]) ?? Int.max : Int.max
let file = try GGUFFile(path: arguments[1])

/// CRC-32 (zlib's polynomial), table-driven.
let crcTable: [UInt32] = (0..<256).map { n in
  var c = UInt32(n)
  for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
  return c
}
func crc32(_ bytes: [UInt8]) -> UInt32 {
  crcTable.withUnsafeBufferPointer { table in
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }
}

for info in file.tensors where info.dimensions.count == 2 && info.type.isDecodable {
  let columns = info.dimensions[0], rows = min(info.dimensions[1], maxRows)
  let values = Array(try file.decode(info).scalars.prefix(rows * columns))
  let importance = (0..<columns).map { c -> Float in c % 97 == 5 ? 0 : Float((7919 * c) % 101 + 1) / 16 }
  var lines: [String] = []
  for type in GGMLQuantizer.types where columns % type.blockSize == 0 {
    for weighted in [false, true] {
      let blocks = values.withUnsafeBufferPointer { x in
        importance.withUnsafeBufferPointer { w in
          GGMLQuantizer.quantize(x, rows: rows, columns: columns, type: type, importance: weighted ? w : nil)
        }
      }
      lines.append("\(info.name) \(type.name) \(weighted ? "imatrix" : "plain") \(crc32(blocks))")
    }
  }
  print(lines.joined(separator: "\n"))
  fflush(stdout)
}
