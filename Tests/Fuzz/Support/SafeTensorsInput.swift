// Shared by the fuzz targets (run.sh compiles every file here with each target).

/// The file bytes for an input: inputs starting with '{' are taken as header JSON text, optionally followed by
/// a 0x00 byte and the data section, and get the 8-byte length prefix (so mutations of the JSON reach the
/// parser instead of breaking the length field); any other input is used as the whole file.
func fileBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard input.first == UInt8(ascii: "{") else { return input }
    let split = input.firstIndex(of: 0) ?? input.count
    var header = Array(input[..<split])
    while header.count % 8 != 0 { header.append(0x20) }
    var length = UInt64(header.count).littleEndian
    return withUnsafeBytes(of: &length, Array.init) + header + input[min(split + 1, input.count)...]
}
