/// zlib stream (RFC 1950) decompression: the two-byte header, a DEFLATE stream, the Adler-32 trailer.
///
/// This is the format of PNG `IDAT` data. Preset dictionaries (FDICT) are rejected: PNG forbids them.
///
/// ```swift
/// let scanlines = try Zlib.decompress(idat, expectedSize: height * (1 + width * channels))
/// ```
public enum Zlib {
    /// Decompresses a zlib stream. `expectedSize` (when known) pre-sizes the output buffer; bytes after the
    /// Adler-32 trailer are ignored (see ``decompressStream(_:maxOutputSize:expectedSize:)``).
    public static func decompress(
        _ input: [UInt8], maxOutputSize: Int = Inflate.defaultMaxOutputSize, expectedSize: Int? = nil
    ) throws(CompressionError) -> [UInt8] {
        try withBytes(input) { (raw) throws(CompressionError) in
            try decompressStream(raw, maxOutputSize: maxOutputSize, expectedSize: expectedSize).output
        }
    }

    /// Decompresses a zlib stream in raw memory and reports how many input bytes it occupied.
    public static func decompressStream(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int = Inflate.defaultMaxOutputSize, expectedSize: Int? = nil
    ) throws(CompressionError) -> (output: [UInt8], consumedBytes: Int) {
        guard input.count >= 2 else {
            throw CompressionError(.truncated, offset: input.count,
                                   "zlib stream: truncated: expected a 2-byte header, found \(input.count) bytes")
        }
        let cmf = input[0]
        let flags = input[1]
        guard cmf & 0x0F == 8 else {
            throw CompressionError(.unsupported, offset: 0,
                                   "zlib stream: compression method \(cmf & 0x0F) (CMF = \(hex(cmf))), expected 8 (deflate)")
        }
        guard cmf >> 4 <= 7 else {
            throw CompressionError(.corrupt, offset: 0,
                                   "zlib stream: window size field CINFO = \(cmf >> 4), expected at most 7 (32 KiB)")
        }
        guard (UInt16(cmf) << 8 | UInt16(flags)) % 31 == 0 else {
            throw CompressionError(.corrupt, offset: 1,
                                   "zlib stream: header check failed: CMF \(hex(cmf)) FLG \(hex(flags)), "
                                       + "expected CMF*256 + FLG to be a multiple of 31")
        }
        guard flags & 0x20 == 0 else {
            throw CompressionError(.unsupported, offset: 1, "zlib stream: preset dictionary (FDICT) is not supported")
        }
        let output = OutputBuffer(sizeHint: expectedSize ?? input.count * 4, inputSize: input.count, limit: maxOutputSize)
        let dataEnd = try Inflate.inflate(input, from: 2, into: output, streamName: "zlib stream")
        guard input.count - dataEnd >= 4 else {
            throw CompressionError(.truncated, offset: input.count,
                                   "zlib stream: truncated: expected the 4-byte Adler-32 trailer at byte offset \(dataEnd), "
                                       + "only \(input.count - dataEnd) bytes present")
        }
        let stored = UInt32(input[dataEnd]) << 24 | UInt32(input[dataEnd + 1]) << 16
            | UInt32(input[dataEnd + 2]) << 8 | UInt32(input[dataEnd + 3])
        let actual = output.adler32(0..<output.count)
        guard stored == actual else {
            throw CompressionError(.checksumMismatch, offset: dataEnd,
                                   "zlib stream: Adler-32 mismatch: trailer says \(hex(stored)), decompressed data has \(hex(actual))")
        }
        return (output.takeArray(), dataEnd + 4)
    }
}
