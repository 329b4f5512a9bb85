/// The growable byte buffer decoders write into, backed by the `[UInt8]` that is finally returned (so a
/// correctly pre-sized decode hands back its buffer without a copy).
///
/// Invariants the decoders rely on (they write through a raw pointer without bounds checks):
/// - `count <= capacity`, and `capacity <= limit + slack`;
/// - a decoder may write up to `slack` bytes past `count` (match copies run 8 or 16 bytes at a time and overshoot by
///   up to 15) after checking `count + slack <= capacity`.
///
/// The output limit is enforced by construction: capacity never exceeds `limit + slack`, so when a decoder
/// needs room (`count + slack > capacity`) and the capacity is already at its ceiling, `count > limit` holds
/// and ``reserve(_:offset:)`` throws ``CompressionError/Kind/outputLimitExceeded``.
final class OutputBuffer {
    /// Room a decoder needs past `count` before writing one symbol: a maximal match (258) plus a 15-byte overshoot,
    /// rounded up.
    static let slack = 320

    /// `storage.count` is the capacity; bytes at `count...` are scratch.
    private var storage: [UInt8]
    /// Decoded bytes so far.
    var count: Int = 0
    /// The maximum number of bytes the decoded output may hold.
    let limit: Int

    var capacity: Int { storage.count }

    /// - Parameters:
    ///   - sizeHint: the expected output size (gzip ISIZE, zip's recorded size, PNG's raw size), if known.
    ///   - inputSize: the compressed size. A hint is trusted only up to 64 times it (plus 64 KiB): the storage is
    ///     zero-filled up front, so a forged size field must not make a small input commit a large allocation;
    ///     more compressible data simply grows the buffer.
    ///   - limit: the maximum output size.
    init(sizeHint: Int, inputSize: Int, limit: Int) {
        // Keep limit + slack far from overflow even for "unlimited" callers.
        self.limit = Swift.max(0, Swift.min(limit, Int.max / 4))
        let plausible = inputSize < Int.max / 128 ? inputSize * 64 + (1 << 16) : Int.max / 2
        let trusted = Swift.min(Swift.max(sizeHint, 1 << 16), plausible)
        let wanted = Swift.min(trusted, self.limit) + OutputBuffer.slack
        storage = [UInt8](repeating: 0, count: wanted)
    }

    /// Calls `body` with the start of the storage and the capacity; the pointer is valid for that many bytes
    /// during the call, which must not touch `capacity` or grow the buffer (only `count` may be set).
    @inline(__always)
    func withPointer<R>(_ body: (UnsafeMutablePointer<UInt8>, Int) throws(CompressionError) -> R) throws(CompressionError) -> R {
        let result: Result<R, CompressionError> = storage.withUnsafeMutableBufferPointer { buffer in
            // `storage` is never empty (capacity >= slack), so the base address exists.
            guard let base = buffer.baseAddress else {
                return .failure(CompressionError(.corrupt, offset: nil, "internal error: empty output buffer"))
            }
            let capacity = buffer.count
            return Result { () throws(CompressionError) -> R in try body(base, capacity) }
        }
        return try result.get()
    }

    /// Makes sure `count + needed` bytes fit, growing geometrically but never above `limit + slack`.
    /// - Throws: ``CompressionError/Kind/outputLimitExceeded`` when that would pass the ceiling.
    func reserve(_ needed: Int, offset: Int) throws(CompressionError) {
        let required = count + needed
        if required <= capacity { return }
        let ceiling = limit + OutputBuffer.slack
        let newCapacity = Swift.min(Swift.max(capacity * 2, required), ceiling)
        guard newCapacity >= required else {
            throw CompressionError(
                .outputLimitExceeded, offset: offset,
                "decompressed output exceeds the maximum output size of \(limit) bytes "
                    + "(decompression bomb guard; raise maxOutputSize if this input is trusted)")
        }
        storage.reserveCapacity(newCapacity)
        storage.append(contentsOf: repeatElement(0, count: newCapacity - capacity))
    }

    /// Appends raw bytes (stored blocks).
    func append(_ source: UnsafePointer<UInt8>, count length: Int, offset: Int) throws(CompressionError) {
        guard length <= limit - count else {
            throw CompressionError(
                .outputLimitExceeded, offset: offset,
                "decompressed output exceeds the maximum output size of \(limit) bytes "
                    + "(decompression bomb guard; raise maxOutputSize if this input is trusted)")
        }
        try reserve(length + OutputBuffer.slack, offset: offset)
        let start = count
        storage.withUnsafeMutableBufferPointer { buffer in
            if length > 0, let base = buffer.baseAddress { (base + start).update(from: source, count: length) }
        }
        count += length
    }

    /// The decoded bytes; the buffer is left empty. Reuses the storage unless it is much larger than the data.
    func takeArray() -> [UInt8] {
        var result: [UInt8] = []
        swap(&result, &storage)
        if result.count - count > (count >> 2) + (1 << 16) {
            return Array(result[0..<count])
        }
        result.removeLast(result.count - count)
        return result
    }

    /// The CRC-32 of `range` of the output.
    func crc32(_ range: Range<Int>) -> UInt32 {
        var crc = CRC32()
        storage.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[range])) }
        return crc.value
    }

    /// The Adler-32 of `range` of the output.
    func adler32(_ range: Range<Int>) -> UInt32 {
        var adler = Adler32()
        storage.withUnsafeBytes { adler.update(UnsafeRawBufferPointer(rebasing: $0[range])) }
        return adler.value
    }
}
