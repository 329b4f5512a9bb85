/// The five PNG row filters (PNG specification, section 9), reversed. Each reads the filtered bytes of a row,
/// the already reconstructed previous row (zeros for the first row of a pass) and writes the reconstructed row.
enum PNGFilters {
    /// Reverses filter `filter` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) of one row of `count` bytes whose
    /// pixels are `bpp` bytes apart. `row` and `previous` may not overlap. `source` may be elsewhere or start
    /// after `row` in the same buffer (unfiltering in place, with rows moving down by their filter bytes): every
    /// path reads a source byte before writing the row byte that could overlap it.
    static func unfilter(filter: Int, source: UnsafePointer<UInt8>, row: UnsafeMutablePointer<UInt8>,
                         previous: UnsafePointer<UInt8>, count: Int, bpp: Int) {
        switch filter {
        case 0:
            UnsafeMutableRawPointer(row).copyMemory(from: source, byteCount: count)  // memmove
        case 1:
            for i in 0..<min(bpp, count) { row[i] = source[i] }
            var i = bpp
            while i < count { row[i] = source[i] &+ row[i &- bpp]; i &+= 1 }
        case 2:
            // Explicit vectors: each chunk is loaded before it is stored, which the in-place use needs and an
            // auto-vectorised loop would not assume (it falls back to bytes when the ranges overlap).
            var i = 0
            while i + 32 <= count {
                let a = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD32<UInt8>.self)
                let b = UnsafeRawPointer(previous + i).loadUnaligned(as: SIMD32<UInt8>.self)
                UnsafeMutableRawPointer(row + i).storeBytes(of: a &+ b, as: SIMD32<UInt8>.self)
                i += 32
            }
            while i < count { row[i] = source[i] &+ previous[i]; i &+= 1 }
        case 3:
            for i in 0..<min(bpp, count) { row[i] = source[i] &+ (previous[i] >> 1) }
            var i = bpp
            while i < count {
                row[i] = source[i] &+ UInt8(truncatingIfNeeded: (UInt16(row[i &- bpp]) &+ UInt16(previous[i])) >> 1)
                i &+= 1
            }
        default:
            for i in 0..<min(bpp, count) { row[i] = source[i] &+ previous[i] }
            if bpp == 3 || bpp == 4 {
                paethPixels(source: source, row: row, previous: previous, count: count, bpp: bpp)
            } else {
                var i = bpp
                while i < count {
                    row[i] = source[i] &+ paeth(row[i &- bpp], previous[i], previous[i &- bpp])
                    i &+= 1
                }
            }
        }
    }

    /// The Paeth predictor: of left `a`, above `b` and upper-left `c`, the one closest to `a + b - c`
    /// (ties: a, then b).
    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let a = Int16(a), b = Int16(b), c = Int16(c)
        // |p - a| = |b - c|, |p - b| = |a - c|, |p - c| = |a + b - 2c| with p = a + b - c.
        let pa = abs(b &- c), pb = abs(a &- c), pc = abs(a &+ b &- c &- c)
        return UInt8(truncatingIfNeeded: (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c))
    }

    /// Paeth for 3- and 4-byte pixels with all channels of a pixel in one vector: the predictor chain runs
    /// per pixel instead of per byte.
    static func paethPixels(source: UnsafePointer<UInt8>, row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>,
                            count: Int, bpp: Int) {
        typealias V = SIMD4<Int16>
        @inline(__always) func load(_ p: UnsafePointer<UInt8>) -> V {
            V(Int16(p[0]), Int16(p[1]), Int16(p[2]), bpp == 4 ? Int16(p[3]) : 0)
        }
        @inline(__always) func magnitude(_ v: V) -> V { v.replacing(with: 0 &- v, where: v .< 0) }
        var a = load(UnsafePointer(row))
        var c = load(previous)
        var i = bpp
        while i < count {
            let b = load(previous + i)
            let x = load(source + i)
            let pa = magnitude(b &- c), pb = magnitude(a &- c), pc = magnitude(a &+ b &- c &- c)
            let useA = (pa .<= pb) .& (pa .<= pc)
            let useB = pb .<= pc
            let predicted = V(repeating: 0).replacing(with: c, where: .!useB).replacing(with: b, where: useB)
                .replacing(with: a, where: useA)
            let value = (x &+ predicted) & V(repeating: 0xFF)
            row[i] = UInt8(truncatingIfNeeded: value[0])
            row[i &+ 1] = UInt8(truncatingIfNeeded: value[1])
            row[i &+ 2] = UInt8(truncatingIfNeeded: value[2])
            if bpp == 4 { row[i &+ 3] = UInt8(truncatingIfNeeded: value[3]) }
            a = value
            c = b
            i &+= bpp
        }
    }
}
