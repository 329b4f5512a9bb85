/// How a component plane reaches the output resolution, chosen as libjpeg-turbo's `jinit_upsampler` does.
enum JPEGUpsampling: Equatable {
    /// Already at output resolution.
    case full
    /// libjpeg's "fancy" triangle filters (3/4 nearer sample + 1/4 farther, alternating rounding biases),
    /// used when the IDCT output is larger than 1x1 and, horizontally, the component is more than 2 samples wide.
    case fancyH2V1, fancyH1V2, fancyH2V2
    /// Sample replication by whole factors (libjpeg's `int_upsample`, `h2v1_upsample`, `h2v2_upsample`).
    case box(h: Int, v: Int)
    /// Ratios libjpeg refuses (not whole multiples): the nearest stored sample.
    case nearest
}

/// One component's decoded samples at the decoding scale.
struct JPEGPlane {
    var samples: UnsafeMutablePointer<UInt8>
    var stride: Int
    /// Real samples per row and rows (the plane is padded to whole blocks beyond them).
    var width: Int
    var height: Int
    var upsampling: JPEGUpsampling
    /// Input and output group sizes (libjpeg's `h_in_group` / `h_out_group`), for `.nearest`.
    var hIn: Int, hOut: Int, vIn: Int, vOut: Int

    @inline(__always)
    func row(_ y: Int) -> UnsafeMutablePointer<UInt8> { samples + min(y, height - 1) &* stride }

    /// One more than the last plane row that output row `y` reads.
    func rowsNeeded(forOutputRow y: Int) -> Int {
        let last: Int
        switch upsampling {
        case .full: last = y
        case .fancyH2V1: last = y
        case .fancyH1V2, .fancyH2V2: last = (y & 1) == 0 ? y >> 1 : (y >> 1) + 1
        case .box(_, let v): last = y / v
        case .nearest: last = y * vIn / vOut
        }
        return min(last, height - 1) + 1
    }

    /// The samples of output row `y`, `width` of them at least: a row of the plane itself, or one built in `line`
    /// (`sums` holds `width + 2` column sums for the 2-D filter).
    @inline(__always)
    func outputRow(_ y: Int, width: Int, line: UnsafeMutablePointer<UInt8>, sums: UnsafeMutablePointer<Int32>) -> UnsafePointer<UInt8> {
        switch upsampling {
        case .full:
            return UnsafePointer(row(y))
        case .fancyH2V1:
            JPEGPlane.fancyH2V1(row(y), count: self.width, into: line)
        case .fancyH1V2:
            let here = y >> 1
            let near = (y & 1) == 0 ? max(here - 1, 0) : min(here + 1, height - 1)
            let p0 = row(here), p1 = row(near)
            let bias: Int32 = (y & 1) == 0 ? 1 : 2
            for x in 0..<self.width {
                line[x] = UInt8(truncatingIfNeeded: (Int32(p0[x]) &* 3 &+ Int32(p1[x]) &+ bias) &>> 2)
            }
        case .fancyH2V2:
            let here = y >> 1
            let near = (y & 1) == 0 ? max(here - 1, 0) : min(here + 1, height - 1)
            JPEGPlane.fancyH2V2(row(here), row(near), count: self.width, sums: sums, into: line)
        case .box(let h, let v):
            let source = row(y / v)
            if h == 1 { return UnsafePointer(source) }
            for x in 0..<width { line[x] = source[min(x / h, self.width - 1)] }
        case .nearest:
            let source = row(y * vIn / vOut)
            for x in 0..<width { line[x] = source[min(x * hIn / hOut, self.width - 1)] }
        }
        return UnsafePointer(line)
    }

    /// `h2v1_fancy_upsample`: `count` samples to `2 * count` (count > 2).
    @inline(__always)
    static func fancyH2V1(_ p: UnsafePointer<UInt8>, count cw: Int, into line: UnsafeMutablePointer<UInt8>) {
        line[0] = p[0]
        line[1] = UInt8(truncatingIfNeeded: (Int32(p[0]) &* 3 &+ Int32(p[1]) &+ 2) &>> 2)
        for x in 1..<(cw - 1) {
            let value = Int32(p[x]) &* 3
            line[2 &* x] = UInt8(truncatingIfNeeded: (value &+ Int32(p[x &- 1]) &+ 1) &>> 2)
            line[2 &* x &+ 1] = UInt8(truncatingIfNeeded: (value &+ Int32(p[x &+ 1]) &+ 2) &>> 2)
        }
        let last = Int32(p[cw - 1])
        line[2 * cw - 2] = UInt8(truncatingIfNeeded: (last &* 3 &+ Int32(p[cw - 2]) &+ 1) &>> 2)
        line[2 * cw - 1] = UInt8(truncatingIfNeeded: last)
    }

    /// `h2v2_fancy_upsample`: column sums `3 * this row + nearer row`, then the horizontal 3:1 blend with
    /// libjpeg's biases 8 and 7 (count > 2).
    @inline(__always)
    static func fancyH2V2(_ p0: UnsafePointer<UInt8>, _ p1: UnsafePointer<UInt8>, count cw: Int,
                          sums: UnsafeMutablePointer<Int32>, into line: UnsafeMutablePointer<UInt8>) {
        for x in 0..<cw { sums[x] = Int32(p0[x]) &* 3 &+ Int32(p1[x]) }
        line[0] = UInt8(truncatingIfNeeded: (sums[0] &* 4 &+ 8) &>> 4)
        line[1] = UInt8(truncatingIfNeeded: (sums[0] &* 3 &+ sums[1] &+ 7) &>> 4)
        for x in 1..<(cw - 1) {
            let this = sums[x] &* 3
            line[2 &* x] = UInt8(truncatingIfNeeded: (this &+ sums[x &- 1] &+ 8) &>> 4)
            line[2 &* x &+ 1] = UInt8(truncatingIfNeeded: (this &+ sums[x &+ 1] &+ 7) &>> 4)
        }
        line[2 * cw - 2] = UInt8(truncatingIfNeeded: (sums[cw - 1] &* 3 &+ sums[cw - 2] &+ 8) &>> 4)
        line[2 * cw - 1] = UInt8(truncatingIfNeeded: (sums[cw - 1] &* 4 &+ 7) &>> 4)
    }
}

/// The colour stage: interleaves upsampled component rows into output pixels, libjpeg's `jdcolor.c`
/// fixed-point YCbCr -> RGB (`R = Y + 1.402 (Cr - 128)`, `G = Y - 0.34414 (Cb - 128) - 0.71414 (Cr - 128)`,
/// `B = Y + 1.772 (Cb - 128)` in 16-bit fixed point), and Pillow's CMYK -> RGB for Adobe CMYK/YCCK files.
enum JPEGColor {
    /// How the components map to output pixels.
    enum Layout: Equatable {
        case gray
        case ycc
        case rgb
        /// 4 components; `ycck` when the first three are YCbCr (Adobe transform 2).
        case cmyk(ycck: Bool)
    }

    static let kR: Int32 = 91881      // FIX(1.40200)
    static let kB: Int32 = 116130     // FIX(1.77200)
    static let kGr: Int32 = -46802    // -FIX(0.71414)
    static let kGb: Int32 = -22554    // -FIX(0.34414)

    /// Writes `count` pixels of one output row.
    @inline(__always)
    static func convert(_ rows: (UnsafePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>),
                        layout: Layout, count: Int, into out: UnsafeMutablePointer<UInt8>) {
        switch layout {
        case .gray:
            out.update(from: rows.0, count: count)
        case .ycc:
            ycc(rows.0, rows.1, rows.2, count: count, into: out)
        case .rgb:
            for i in 0..<count {
                out[i &* 3] = rows.0[i]; out[i &* 3 &+ 1] = rows.1[i]; out[i &* 3 &+ 2] = rows.2[i]
            }
        case .cmyk(let ycck):
            if ycck {
                ycc(rows.0, rows.1, rows.2, count: count, into: out)
            } else {
                for i in 0..<count {
                    out[i &* 3] = rows.0[i]; out[i &* 3 &+ 1] = rows.1[i]; out[i &* 3 &+ 2] = rows.2[i]
                }
            }
            // Adobe files store inverted ink (Pillow's "CMYK;I"); YCCK's colour part decodes to 255 - RGB.
            // Pillow converts CMYK to RGB as (255 - K) - C (255 - K) / 255 per channel.
            let k = rows.3
            for i in 0..<count {
                let nk = Int32(k[i])
                for c in 0..<3 {
                    let ink = ycck ? Int32(out[i &* 3 &+ c]) : 255 &- Int32(out[i &* 3 &+ c])
                    out[i &* 3 &+ c] = clamp(nk &- RawImage.mulDiv255(ink, nk))
                }
            }
        }
    }

    /// YCbCr to interleaved RGB, the integers of jdcolor.c's tables computed inline (so the loop vectorises).
    @inline(__always)
    static func ycc(_ y: UnsafePointer<UInt8>, _ u: UnsafePointer<UInt8>, _ v: UnsafePointer<UInt8>, count: Int,
                    into out: UnsafeMutablePointer<UInt8>) {
        for i in 0..<count {
            let luma = Int32(y[i]), cb = Int32(u[i]) &- 128, cr = Int32(v[i]) &- 128
            let r = luma &+ ((kR &* cr &+ 32768) &>> 16)
            let g = luma &+ ((kGb &* cb &+ 32768 &+ kGr &* cr) &>> 16)
            let b = luma &+ ((kB &* cb &+ 32768) &>> 16)
            out[i &* 3] = clamp(r)
            out[i &* 3 &+ 1] = clamp(g)
            out[i &* 3 &+ 2] = clamp(b)
        }
    }

    @inline(__always)
    static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(value, 0), 255))
    }
}
