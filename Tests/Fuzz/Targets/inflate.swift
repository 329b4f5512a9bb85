// libFuzzer target: raw deflate, zlib and gzip streams. Every input must decode or throw CompressionError.
// One decoder per input, chosen from the header, so each execution is one decode (bombs hit the cap).
import SwiftLearnCompression

/// 4 MiB: far more than a 64 KiB input can legitimately need except for bombs, which must then throw.
let outputCap = 4 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if Gzip.hasMagic(bytes) {
        _ = try? Gzip.decompress(bytes, maxOutputSize: outputCap)
    } else if size >= 2, bytes[0] & 0x0F == 8, (UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31 == 0 {
        // A valid zlib header; the declared-size hint comes from the input too, to exercise pre-sizing.
        _ = try? Zlib.decompress(bytes, maxOutputSize: outputCap, expectedSize: size & 1 == 0 ? nil : Int(bytes[1]) << 16)
    } else {
        _ = try? Inflate.decompress(bytes, maxOutputSize: outputCap)
    }
    return 0
}
