/// Safetensors files assembled by hand (8-byte little-endian header length, header, data), for
/// tests that need bytes SafetensorsWriter would never produce.
enum RawSafetensors {
  /// The file image for `header` bytes and `data`; `headerLength` overrides the length prefix
  /// (to lie about it), which otherwise is the header's true size.
  static func image(headerBytes: [UInt8], data: [UInt8] = [], headerLength: UInt64? = nil) -> [UInt8] {
    let length = headerLength ?? UInt64(headerBytes.count)
    return withUnsafeBytes(of: length.littleEndian) { Array($0) } + headerBytes + data
  }

  /// The file image for a header given as JSON text.
  static func image(header: String, data: [UInt8] = [], headerLength: UInt64? = nil) -> [UInt8] {
    image(headerBytes: Array(header.utf8), data: data, headerLength: headerLength)
  }

  /// The JSON of one header entry.
  static func entry(_ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
    #"{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(begin),\#(end)]}"#
  }
}
