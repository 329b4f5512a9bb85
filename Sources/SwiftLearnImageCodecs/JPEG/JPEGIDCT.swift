/// The accurate integer inverse DCT of libjpeg (`jidctint.c`, `JDCT_ISLOW`, Loeffler-Ligtenberg-Moschytz),
/// separable: 8 column passes with 2 extra fraction bits, then 8 row passes.
///
/// Bit-exact with libjpeg-turbo's default IDCT (what Pillow uses), so JPEG pixels match Pillow's
/// except where upsampling or colour conversion differ. 13-bit fixed-point constants `FIX(x) = round(x * 8192)`.
enum JPEGIDCT {
    static let constBits: Int32 = 13
    static let pass1Bits: Int32 = 2

    static let fix_0_298631336: Int32 = 2446
    static let fix_0_390180644: Int32 = 3196
    static let fix_0_541196100: Int32 = 4433
    static let fix_0_765366865: Int32 = 6270
    static let fix_0_899976223: Int32 = 7373
    static let fix_1_175875602: Int32 = 9633
    static let fix_1_501321110: Int32 = 12299
    static let fix_1_847759065: Int32 = 15137
    static let fix_1_961570560: Int32 = 16069
    static let fix_2_053119869: Int32 = 16819
    static let fix_2_562915447: Int32 = 20995
    static let fix_3_072711026: Int32 = 25172

    /// Dequantizes `coefficients` (natural order) with `quant` and writes the 8x8 samples (+128, clamped) to `output`.
    @inline(__always)
    static func transform(_ coefficients: UnsafePointer<Int16>, quant: UnsafePointer<Int32>,
                          workspace ws: UnsafeMutablePointer<Int32>,
                          output: UnsafeMutablePointer<UInt8>, stride: Int) {
        // A block with only a DC coefficient (frequent in smooth areas) is flat: libjpeg's two shortcut paths
        // give ((dc << pass1Bits) + 16) >> 5 + 128 everywhere.
        var acBits: Int16 = 0
        for i in 1..<64 { acBits |= coefficients[i] }
        if acBits == 0 {
            let dc = (Int32(coefficients[0]) &* quant[0]) << pass1Bits
            let value = clamp(((dc &+ (1 << (pass1Bits + 2))) >> (pass1Bits + 3)) &+ 128)
            for row in 0..<8 {
                let out = output + row * stride
                for x in 0..<8 { out[x] = value }
            }
            return
        }
        // Pass 1 (columns) on whole rows at once: lane j of each vector is column j.
        typealias V = SIMD8<Int32>
        @inline(__always) func row(_ r: Int) -> V {
            let c = UnsafeRawPointer(coefficients + r * 8).loadUnaligned(as: SIMD8<Int16>.self)
            let q = UnsafeRawPointer(quant + r * 8).loadUnaligned(as: V.self)
            return V(truncatingIfNeeded: c) &* q
        }
        var rows = idct1D(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7),
                          shift: constBits - pass1Bits)
        // Transpose so that pass 2 (rows) also runs 8 lanes wide: lane r of vector k is workspace (r, k).
        withUnsafeMutableBytes(of: &rows) { raw in
            let w = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
            for r in 0..<8 { for k in 0..<8 { ws[k * 8 + r] = w[r * 8 + k] } }
        }
        @inline(__always) func column(_ k: Int) -> V { UnsafeRawPointer(ws + k * 8).loadUnaligned(as: V.self) }
        var out = idct1D(column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7),
                         shift: constBits + pass1Bits + 3)
        // Level shift and clamp, then store: vector k holds output column k for rows 0..7.
        withUnsafeMutableBytes(of: &out) { raw in
            let w = raw.baseAddress!.assumingMemoryBound(to: V.self)
            for k in 0..<8 {
                let v = (w[k] &+ 128).clamped(lowerBound: V(repeating: 0), upperBound: V(repeating: 255))
                for r in 0..<8 { output[r * stride + k] = UInt8(truncatingIfNeeded: v[r]) }
            }
        }
    }

    /// One 8-point LLM inverse DCT on 8 lanes at once (jidctint.c's even/odd parts), descaled by `shift` with rounding.
    @inline(__always)
    static func idct1D(_ i0: SIMD8<Int32>, _ i1: SIMD8<Int32>, _ i2: SIMD8<Int32>, _ i3: SIMD8<Int32>,
                       _ i4: SIMD8<Int32>, _ i5: SIMD8<Int32>, _ i6: SIMD8<Int32>, _ i7: SIMD8<Int32>,
                       shift: Int32) -> (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>,
                                         SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>) {
        typealias V = SIMD8<Int32>
        let z1e = (i2 &+ i6) &* fix_0_541196100
        let tmp2e = z1e &+ i6 &* (-fix_1_847759065)
        let tmp3e = z1e &+ i2 &* fix_0_765366865
        let tmp0e = (i0 &+ i4) &<< constBits
        let tmp1e = (i0 &- i4) &<< constBits
        let tmp10 = tmp0e &+ tmp3e, tmp13 = tmp0e &- tmp3e, tmp11 = tmp1e &+ tmp2e, tmp12 = tmp1e &- tmp2e

        var z1 = i7 &+ i1, z2 = i5 &+ i3, z3 = i7 &+ i3, z4 = i5 &+ i1
        let z5 = (z3 &+ z4) &* fix_1_175875602
        var tmp0 = i7 &* fix_0_298631336
        var tmp1 = i5 &* fix_2_053119869
        var tmp2 = i3 &* fix_3_072711026
        var tmp3 = i1 &* fix_1_501321110
        z1 = z1 &* (-fix_0_899976223)
        z2 = z2 &* (-fix_2_562915447)
        z3 = z3 &* (-fix_1_961570560) &+ z5
        z4 = z4 &* (-fix_0_390180644) &+ z5
        tmp0 = tmp0 &+ z1 &+ z3
        tmp1 = tmp1 &+ z2 &+ z4
        tmp2 = tmp2 &+ z2 &+ z3
        tmp3 = tmp3 &+ z1 &+ z4

        let round = V(repeating: 1 &<< (shift &- 1))
        let s = V(repeating: shift)
        return ((tmp10 &+ tmp3 &+ round) &>> s, (tmp11 &+ tmp2 &+ round) &>> s,
                (tmp12 &+ tmp1 &+ round) &>> s, (tmp13 &+ tmp0 &+ round) &>> s,
                (tmp13 &- tmp0 &+ round) &>> s, (tmp12 &- tmp1 &+ round) &>> s,
                (tmp11 &- tmp2 &+ round) &>> s, (tmp10 &- tmp3 &+ round) &>> s)
    }

    @inline(__always)
    static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : (value > 255 ? 255 : value))
    }
}
