/// Chroma upsampling as libjpeg-turbo does it with `do_fancy_upsampling` (its default, so Pillow's):
/// 2x horizontal (`h2v1`), 2x both (`h2v2`) and 2x vertical (`h1v2`) use the triangle filter
/// (3/4 nearer sample + 1/4 farther, with libjpeg's alternating rounding biases); other ratios replicate samples.
/// Edges replicate the first/last real sample row and column, as libjpeg's context rows do.
enum JPEGUpsampler {
    static func upsample(_ plane: [UInt8], stride: Int, componentWidth cw: Int, componentHeight ch: Int,
                         h: Int, v: Int, hMax: Int, vMax: Int, width: Int, height: Int) -> [UInt8] {
        let hFactor = hMax / h, vFactor = vMax / v
        let exact = hMax % h == 0 && vMax % v == 0
        if hMax == h && vMax == v {
            if stride == width { return Array(plane[0..<(width * height)]) }
            var out = [UInt8](repeating: 0, count: width * height)
            plane.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<height {
                        (dst.baseAddress! + y * width).update(from: src.baseAddress! + y * stride, count: width)
                    }
                }
            }
            return out
        }
        // Output is computed for the whole upsampled component (2 * cw wide), then cropped to the image.
        let outWidth = cw * hFactor
        var out = [UInt8](repeating: 0, count: width * height)
        plane.withUnsafeBufferPointer { srcBuffer in
            out.withUnsafeMutableBufferPointer { dstBuffer in
                let src = srcBuffer.baseAddress!, dst = dstBuffer.baseAddress!
                var row = [UInt8](repeating: 0, count: max(outWidth, width) + 2)
                var sumStorage = [Int32](repeating: 0, count: cw + 2)
                sumStorage.withUnsafeMutableBufferPointer { sumBuffer in
                row.withUnsafeMutableBufferPointer { rowBuffer in
                    let line = rowBuffer.baseAddress!
                    let sums = sumBuffer.baseAddress!
                    for y in 0..<height {
                        if exact && hFactor == 2 && vFactor == 2 && cw >= 2 {
                            // h2v2: vertical 3:1 blend of this and the nearer neighbouring row, then horizontal 3:1.
                            let inRow = y / 2
                            let nearRow = (y & 1) == 0 ? max(inRow - 1, 0) : min(inRow + 1, ch - 1)
                            let p0 = src + inRow * stride, p1 = src + nearRow * stride
                            // Column sums first (no loop-carried dependency, so both loops vectorise), then
                            // libjpeg's h2v2 weights: (3 this + neighbour + 8 or 7) >> 4.
                            for x in 0..<cw { sums[x] = Int32(p0[x]) &* 3 &+ Int32(p1[x]) }
                            line[0] = UInt8(truncatingIfNeeded: (sums[0] &* 4 &+ 8) >> 4)
                            line[1] = UInt8(truncatingIfNeeded: (sums[0] &* 3 &+ sums[1] &+ 7) >> 4)
                            for x in 1..<(cw - 1) {
                                let this = sums[x] &* 3
                                line[2 * x] = UInt8(truncatingIfNeeded: (this &+ sums[x - 1] &+ 8) >> 4)
                                line[2 * x + 1] = UInt8(truncatingIfNeeded: (this &+ sums[x + 1] &+ 7) >> 4)
                            }
                            line[2 * cw - 2] = UInt8(truncatingIfNeeded: (sums[cw - 1] &* 3 &+ sums[cw - 2] &+ 8) >> 4)
                            line[2 * cw - 1] = UInt8(truncatingIfNeeded: (sums[cw - 1] &* 4 &+ 7) >> 4)
                        } else if exact && hFactor == 2 && vFactor == 1 && cw >= 2 {
                            let p = src + y * stride
                            line[0] = p[0]
                            line[1] = UInt8(truncatingIfNeeded: (Int32(p[0]) * 3 + Int32(p[1]) + 2) >> 2)
                            var x = 1
                            while x < cw - 1 {
                                let value = Int32(p[x]) * 3
                                line[2 * x] = UInt8(truncatingIfNeeded: (value + Int32(p[x - 1]) + 1) >> 2)
                                line[2 * x + 1] = UInt8(truncatingIfNeeded: (value + Int32(p[x + 1]) + 2) >> 2)
                                x += 1
                            }
                            let last = Int32(p[cw - 1])
                            line[2 * cw - 2] = UInt8(truncatingIfNeeded: (last * 3 + Int32(p[cw - 2]) + 1) >> 2)
                            line[2 * cw - 1] = UInt8(truncatingIfNeeded: last)
                        } else if exact && hFactor == 1 && vFactor == 2 {
                            let inRow = y / 2
                            let upper = (y & 1) == 0
                            let nearRow = upper ? max(inRow - 1, 0) : min(inRow + 1, ch - 1)
                            let p0 = src + inRow * stride, p1 = src + nearRow * stride
                            let bias: Int32 = upper ? 1 : 2
                            for x in 0..<cw {
                                line[x] = UInt8(truncatingIfNeeded: (Int32(p0[x]) * 3 + Int32(p1[x]) + bias) >> 2)
                            }
                        } else {
                            // Box (replicating) upsampling for the remaining ratios, libjpeg's `int_upsample`.
                            let inRow = min(y * v / vMax, ch - 1)
                            let p = src + inRow * stride
                            for x in 0..<width {
                                line[x] = p[min(x * h / hMax, cw - 1)]
                            }
                        }
                        (dst + y * width).update(from: line, count: width)
                    }
                }
                }
            }
        }
        return out
    }
}

/// libjpeg's colour conversion (`jdcolor.c`): YCbCr to RGB with 16-bit fixed-point tables
/// `R = Y + 1.402 (Cr - 128)`, `G = Y - 0.34414 (Cb - 128) - 0.71414 (Cr - 128)`, `B = Y + 1.772 (Cb - 128)`.
enum JPEGColor {
    static let scaleBits: Int32 = 16
    static func fix(_ x: Double) -> Int32 { Int32(x * 65536 + 0.5) }

    static let crR: [Int32] = (0..<256).map { (fix(1.40200) * Int32($0 - 128) + (1 << 15)) >> 16 }
    static let cbB: [Int32] = (0..<256).map { (fix(1.77200) * Int32($0 - 128) + (1 << 15)) >> 16 }
    static let crG: [Int32] = (0..<256).map { -fix(0.71414) * Int32($0 - 128) }
    static let cbG: [Int32] = (0..<256).map { -fix(0.34414) * Int32($0 - 128) + (1 << 15) }


    /// Interleaves full-resolution planes into L or RGB. `transform` means YCbCr (3 planes) or YCCK (4 planes).
    static func convert(_ planes: [[UInt8]], width: Int, height: Int, transform: Bool) -> RawImage {
        let count = width * height
        if planes.count == 1 {
            return RawImage(unchecked: width, height: height, channels: 1, pixels: planes[0])
        }
        let pixels = [UInt8](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
            let out = buffer.baseAddress!
            planes[0].withUnsafeBufferPointer { p0 in planes[1].withUnsafeBufferPointer { p1 in
            planes[2].withUnsafeBufferPointer { p2 in
                let y = p0.baseAddress!, u = p1.baseAddress!, v = p2.baseAddress!
                if transform {
                    // The table entries of jdcolor.c computed inline (same integers, so bit-identical), which lets
                    // the loop vectorise.
                    let kR = fix(1.40200), kB = fix(1.77200), kGr = -fix(0.71414), kGb = -fix(0.34414)
                    for i in 0..<count {
                        let luma = Int32(y[i]), cb = Int32(u[i]) &- 128, cr = Int32(v[i]) &- 128
                        let r = luma &+ ((kR &* cr &+ 32768) >> 16)
                        let g = luma &+ ((kGb &* cb &+ 32768 &+ kGr &* cr) >> 16)
                        let b = luma &+ ((kB &* cb &+ 32768) >> 16)
                        out[i * 3] = clamp(r)
                        out[i * 3 + 1] = clamp(g)
                        out[i * 3 + 2] = clamp(b)
                    }
                } else {
                    for i in 0..<count { out[i * 3] = y[i]; out[i * 3 + 1] = u[i]; out[i * 3 + 2] = v[i] }
                }
            }}}
            if planes.count == 4 {
                // YCCK stores inverted CMY; Adobe CMYK files store inverted ink (Pillow's "CMYK;I").
                // Pillow then converts CMYK to RGB as (255 - K) - C (255 - K) / 255 per channel.
                planes[3].withUnsafeBufferPointer { k in
                    for i in 0..<count {
                        let nk = Int32(k[i])  // stored K is inverted: 255 - K
                        for c in 0..<3 {
                            // Ink after Pillow's inversion: for YCCK libjpeg outputs 255 - RGB, inverted back to RGB.
                            let ink = transform ? Int32(out[i * 3 + c]) : 255 - Int32(out[i * 3 + c])
                            out[i * 3 + c] = clamp(nk - mulDiv255(ink, nk))
                        }
                    }
                }
            }
            initialized = count * 3
        }
        return RawImage(unchecked: width, height: height, channels: 3, pixels: pixels)
    }

    @inline(__always)
    static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(value, 0), 255))
    }

    static func mulDiv255(_ a: Int32, _ b: Int32) -> Int32 { RawImage.mulDiv255(a, b) }
}
