/// A checksum fed in pieces: CRC-32 and Adler-32 share the byte-sequence conveniences below.
public protocol RunningChecksum: Sendable {
    init()
    /// The checksum of everything fed so far.
    var value: UInt32 { get }
    /// Feeds more bytes.
    mutating func update(_ bytes: UnsafeRawBufferPointer)
}

extension RunningChecksum {
    /// Feeds more bytes.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// The checksum of `bytes` in one call.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var running = Self()
        running.update(bytes)
        return running.value
    }
}

/// CRC-32 (ISO-HDLC / IEEE 802.3, reflected polynomial 0xEDB88320), as used by gzip, zip and PNG.
///
/// ```swift
/// CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926
/// ```
public struct CRC32: RunningChecksum {
    /// Eight 256-entry tables for slicing-by-8: table[k][b] is the CRC of byte b followed by k zero bytes.
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            tables[0][byte] = crc
        }
        for byte in 0..<256 {
            var crc = tables[0][byte]
            for slice in 1..<8 {
                crc = tables[0][Int(crc & 0xFF)] ^ (crc >> 8)
                tables[slice][byte] = crc
            }
        }
        return tables
    }()

    /// The running value, already finalized: `value` is the CRC of everything fed so far.
    public private(set) var value: UInt32 = 0

    public init() {}

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = ~value
        let t = CRC32.tables
        t[0].withUnsafeBufferPointer { t0 in t[1].withUnsafeBufferPointer { t1 in
        t[2].withUnsafeBufferPointer { t2 in t[3].withUnsafeBufferPointer { t3 in
        t[4].withUnsafeBufferPointer { t4 in t[5].withUnsafeBufferPointer { t5 in
        t[6].withUnsafeBufferPointer { t6 in t[7].withUnsafeBufferPointer { t7 in
            var index = 0
            let count = bytes.count
            while index + 8 <= count {
                let lo = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
                    | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
                let hi = UInt32(bytes[index + 4]) | UInt32(bytes[index + 5]) << 8
                    | UInt32(bytes[index + 6]) << 16 | UInt32(bytes[index + 7]) << 24
                let x = crc ^ lo
                crc = t7[Int(x & 0xFF)] ^ t6[Int((x >> 8) & 0xFF)] ^ t5[Int((x >> 16) & 0xFF)] ^ t4[Int(x >> 24)]
                    ^ t3[Int(hi & 0xFF)] ^ t2[Int((hi >> 8) & 0xFF)] ^ t1[Int((hi >> 16) & 0xFF)] ^ t0[Int(hi >> 24)]
                index += 8
            }
            while index < count {
                crc = t0[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }}}}}}}}
        value = ~crc
    }

}

/// Adler-32 (RFC 1950), the zlib stream checksum.
public struct Adler32: RunningChecksum {
    private var a: UInt32 = 1
    private var b: UInt32 = 0

    public init() {}

    /// The checksum of everything fed so far.
    public var value: UInt32 { (b << 16) | a }

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        // 5552 is the largest n with 255 n (n + 1) / 2 + (n + 1)(65520) < 2^32: sums fit in 32 bits between reductions.
        var index = 0
        while index < bytes.count {
            let end = Swift.min(index + 5552, bytes.count)
            while index < end {
                a &+= UInt32(bytes[index])
                b &+= a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
    }

}
