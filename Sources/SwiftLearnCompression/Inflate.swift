/// Raw DEFLATE (RFC 1951) decompression: stored, fixed-Huffman and dynamic-Huffman blocks.
///
/// Use ``Gzip`` for `.gz` files and ``Zlib`` for zlib streams (PNG `IDAT`); this type decodes the bare
/// DEFLATE bit stream they wrap.
///
/// ```swift
/// let bytes = try Inflate.decompress(deflated)            // [UInt8]
/// let (bytes, used) = try Inflate.decompressStream(deflated, maxOutputSize: 1 << 20)
/// ```
///
/// Every entry point takes `maxOutputSize` (default ``defaultMaxOutputSize``, 1 GiB): decoding throws
/// ``CompressionError/Kind/outputLimitExceeded`` as soon as the output would pass it, so a small malicious input
/// cannot make the process allocate without bound (DEFLATE expands by up to 1032:1).
public enum Inflate {
    /// The default output ceiling: 1 GiB.
    public static let defaultMaxOutputSize = 1 << 30

    /// Decompresses one raw DEFLATE stream. Bytes after the final block are ignored
    /// (use ``decompressStream(_:maxOutputSize:)`` to learn where the stream ended).
    public static func decompress(_ input: [UInt8], maxOutputSize: Int = defaultMaxOutputSize) throws(CompressionError) -> [UInt8] {
        try decompressStream(input, maxOutputSize: maxOutputSize).output
    }

    /// Decompresses one raw DEFLATE stream and reports how many input bytes it occupied.
    public static func decompressStream(
        _ input: [UInt8], maxOutputSize: Int = defaultMaxOutputSize
    ) throws(CompressionError) -> (output: [UInt8], consumedBytes: Int) {
        try withBytes(input) { (raw) throws(CompressionError) in
            try decompressStream(raw, maxOutputSize: maxOutputSize)
        }
    }

    /// Decompresses one raw DEFLATE stream from raw memory and reports how many input bytes it occupied.
    /// `sizeHint`, the expected output size when known, pre-sizes the output (trusted up to 64 times the input).
    public static func decompressStream(
        _ input: UnsafeRawBufferPointer, maxOutputSize: Int = defaultMaxOutputSize, sizeHint: Int = 0
    ) throws(CompressionError) -> (output: [UInt8], consumedBytes: Int) {
        let output = OutputBuffer(sizeHint: sizeHint, inputSize: input.count, limit: maxOutputSize)
        let consumed = try inflate(input, from: 0, into: output, streamName: "deflate stream")
        return (output.takeArray(), consumed)
    }

    /// Decodes the DEFLATE stream starting at `start` into `output`; returns the offset just past it.
    static func inflate(
        _ input: UnsafeRawBufferPointer, from start: Int, into output: OutputBuffer, streamName: String
    ) throws(CompressionError) -> Int {
        guard start < input.count, let base = input.baseAddress else {
            throw CompressionError(.truncated, offset: start, "\(streamName): truncated: no compressed data (expected a DEFLATE block header)")
        }
        var inflater = Inflater(input: base.assumingMemoryBound(to: UInt8.self), end: input.count, position: start,
                                streamName: streamName)
        return try inflater.inflate(into: output)
    }
}
