/// The inverse DCTs of libjpeg-turbo's default decode, bit-exact: the accurate integer IDCT (`jidctint.c`,
/// `JDCT_ISLOW`, Loeffler-Ligtenberg-Moschytz with 13-bit constants) for 8x8 output, and the reduced IDCTs of
/// `jidctred.c` for 4x4, 2x2 and 1x1 output (DCT-domain downscaling).
///
/// Dequantization happens here (`coefficient * quant`). Samples are level-shifted by 128 and clamped to 0...255.
enum JPEGIDCT {
    static let constBits: Int32 = 13
    static let pass1Bits: Int32 = 2

    static let fix_0_211164243: Int32 = 1730
    static let fix_0_298631336: Int32 = 2446
    static let fix_0_390180644: Int32 = 3196
    static let fix_0_509795579: Int32 = 4176
    static let fix_0_541196100: Int32 = 4433
    static let fix_0_601344887: Int32 = 4926
    static let fix_0_720959822: Int32 = 5906
    static let fix_0_765366865: Int32 = 6270
    static let fix_0_850430095: Int32 = 6967
    static let fix_0_899976223: Int32 = 7373
    static let fix_1_061594337: Int32 = 8697
    static let fix_1_175875602: Int32 = 9633
    static let fix_1_272758580: Int32 = 10426
    static let fix_1_451774981: Int32 = 11893
    static let fix_1_501321110: Int32 = 12299
    static let fix_1_847759065: Int32 = 15137
    static let fix_1_961570560: Int32 = 16069
    static let fix_2_053119869: Int32 = 16819
    static let fix_2_172734803: Int32 = 17799
    static let fix_2_562915447: Int32 = 20995
    static let fix_3_072711026: Int32 = 25172
    static let fix_3_624509785: Int32 = 29692

    typealias V = SIMD8<Int32>

    /// The flat block of a DC-only 8x8 block, the same at every output size: `((dc * q + 4) >> 3) + 128`
    /// (what both libjpeg's shortcut paths and `jpeg_idct_1x1` compute).
    @inline(__always)
    static func dcValue(_ dc: Int16, quant: Int32) -> UInt8 {
        clamp(((Int32(dc) &* quant &+ 4) >> 3) &+ 128)
    }

    /// Writes `size x size` samples of value `value` (a DC-only block).
    @inline(__always)
    static func fill(_ value: UInt8, size: Int, output: UnsafeMutablePointer<UInt8>, stride: Int) {
        if size == 8 {
            let word = UInt64(value) &* 0x0101_0101_0101_0101
            for row in 0..<8 { UnsafeMutableRawPointer(output + row &* stride).storeBytes(of: word, as: UInt64.self) }
            return
        }
        for row in 0..<size {
            for x in 0..<size { output[row &* stride &+ x] = value }
        }
    }

    /// The IDCT of one block (natural-order coefficients) to `size x size` samples (8, 4, 2 or 1).
    @inline(__always)
    static func transform(_ coefficients: UnsafePointer<Int16>, quant: UnsafePointer<Int32>, size: Int,
                          output: UnsafeMutablePointer<UInt8>, stride: Int, workspace: UnsafeMutablePointer<Int32>) {
        switch size {
        case 8: islow(coefficients, quant: quant, output: output, stride: stride, workspace: workspace)
        case 4: reduced4x4(coefficients, quant: quant, output: output, stride: stride, workspace: workspace)
        case 2: reduced2x2(coefficients, quant: quant, output: output, stride: stride)
        default: output[0] = dcValue(coefficients[0], quant: quant[0])
        }
    }

    /// `jpeg_idct_islow`. Pass 1 runs the butterfly over the columns with the 8 columns in the 8 lanes (rows
    /// are vectors, so no transpose). Pass 2 is linear in the pass-1 output until its final rounding shift, so it
    /// runs as a product with the butterfly's integer matrix, lanes again being output columns; the integer
    /// sums are the same, so the samples are identical to libjpeg's.
    @inline(__always)
    static func islow(_ coefficients: UnsafePointer<Int16>, quant: UnsafePointer<Int32>,
                      output: UnsafeMutablePointer<UInt8>, stride: Int, workspace ws: UnsafeMutablePointer<Int32>) {
        @inline(__always) func row(_ r: Int) -> V {
            let c = UnsafeRawPointer(coefficients + r &* 8).loadUnaligned(as: SIMD8<Int16>.self)
            let q = UnsafeRawPointer(quant + r &* 8).loadUnaligned(as: V.self)
            return V(truncatingIfNeeded: c) &* q
        }
        let pass1 = butterfly(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
        let shift1 = V(repeating: constBits - pass1Bits)
        let round1 = V(repeating: 1 << (constBits - pass1Bits - 1))
        let rows = UnsafeMutableRawPointer(ws)
        rows.storeBytes(of: (pass1.0 &+ round1) &>> shift1, toByteOffset: 0, as: V.self)
        rows.storeBytes(of: (pass1.1 &+ round1) &>> shift1, toByteOffset: 32, as: V.self)
        rows.storeBytes(of: (pass1.2 &+ round1) &>> shift1, toByteOffset: 64, as: V.self)
        rows.storeBytes(of: (pass1.3 &+ round1) &>> shift1, toByteOffset: 96, as: V.self)
        rows.storeBytes(of: (pass1.4 &+ round1) &>> shift1, toByteOffset: 128, as: V.self)
        rows.storeBytes(of: (pass1.5 &+ round1) &>> shift1, toByteOffset: 160, as: V.self)
        rows.storeBytes(of: (pass1.6 &+ round1) &>> shift1, toByteOffset: 192, as: V.self)
        rows.storeBytes(of: (pass1.7 &+ round1) &>> shift1, toByteOffset: 224, as: V.self)
        let m = pass2Matrix
        let m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7]
        let round2 = V(repeating: (1 << (constBits + pass1Bits + 3 - 1)) &+ (128 << (constBits + pass1Bits + 3)))
        let shift2 = V(repeating: constBits + pass1Bits + 3)
        for r in 0..<8 {
            let w = ws + r &* 8
            var sum = round2 &+ m0 &* V(repeating: w[0])
            sum &+= m1 &* V(repeating: w[1])
            sum &+= m2 &* V(repeating: w[2])
            sum &+= m3 &* V(repeating: w[3])
            sum &+= m4 &* V(repeating: w[4])
            sum &+= m5 &* V(repeating: w[5])
            sum &+= m6 &* V(repeating: w[6])
            sum &+= m7 &* V(repeating: w[7])
            let samples = (sum &>> shift2).clamped(lowerBound: V(repeating: 0), upperBound: V(repeating: 255))
            UnsafeMutableRawPointer(output + r &* stride).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: samples), as: SIMD8<UInt8>.self)
        }
    }

    /// `pass2Matrix[k][x]`: the weight of pass-1 value `k` in output column `x` (the butterfly of unit vectors).
    /// Written once at first use and only read afterwards.
    nonisolated(unsafe) static let pass2Matrix: UnsafeMutablePointer<V> = {
        let table = UnsafeMutablePointer<V>.allocate(capacity: 8)
        for k in 0..<8 {
            var unit = [V](repeating: V(repeating: 0), count: 8)
            unit[k] = V(repeating: 1)
            let out = butterfly(unit[0], unit[1], unit[2], unit[3], unit[4], unit[5], unit[6], unit[7])
            table[k] = V(out.0[0], out.1[0], out.2[0], out.3[0], out.4[0], out.5[0], out.6[0], out.7[0])
        }
        return table
    }()

    /// One 8-point LLM inverse DCT on 8 lanes at once (jidctint.c's even and odd parts), before descaling.
    @inline(__always)
    static func butterfly(_ i0: V, _ i1: V, _ i2: V, _ i3: V, _ i4: V, _ i5: V, _ i6: V, _ i7: V)
        -> (V, V, V, V, V, V, V, V) {
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
        return (tmp10 &+ tmp3, tmp11 &+ tmp2, tmp12 &+ tmp1, tmp13 &+ tmp0,
                tmp13 &- tmp0, tmp12 &- tmp1, tmp11 &- tmp2, tmp10 &- tmp3)
    }

    /// `jpeg_idct_4x4` (jidctred.c): 4x4 samples from the 8x8 coefficients (row and column 4 unused). Pass 1 runs
    /// on all 8 columns at once (lanes = columns); libjpeg's column shortcuts give the same integers.
    @inline(__always)
    static func reduced4x4(_ c: UnsafePointer<Int16>, quant q: UnsafePointer<Int32>,
                           output: UnsafeMutablePointer<UInt8>, stride: Int, workspace ws: UnsafeMutablePointer<Int32>) {
        @inline(__always) func row(_ r: Int) -> V {
            V(truncatingIfNeeded: UnsafeRawPointer(c + r &* 8).loadUnaligned(as: SIMD8<Int16>.self))
                &* UnsafeRawPointer(q + r &* 8).loadUnaligned(as: V.self)
        }
        let tmp0 = row(0) &<< (constBits + 1)
        let tmp2 = row(2) &* fix_1_847759065 &+ row(6) &* (-fix_0_765366865)
        let tmp10 = tmp0 &+ tmp2, tmp12 = tmp0 &- tmp2
        let z1 = row(7), z2 = row(5), z3 = row(3), z4 = row(1)
        let odd0 = z1 &* (-fix_0_211164243) &+ z2 &* fix_1_451774981 &+ z3 &* (-fix_2_172734803) &+ z4 &* fix_1_061594337
        let odd2 = z1 &* (-fix_0_509795579) &+ z2 &* (-fix_0_601344887) &+ z3 &* fix_0_899976223 &+ z4 &* fix_2_562915447
        let shift1 = V(repeating: constBits - pass1Bits + 1)
        let round1 = V(repeating: 1 << (constBits - pass1Bits))
        let rows = UnsafeMutableRawPointer(ws)
        rows.storeBytes(of: (tmp10 &+ odd2 &+ round1) &>> shift1, toByteOffset: 0, as: V.self)
        rows.storeBytes(of: (tmp12 &+ odd0 &+ round1) &>> shift1, toByteOffset: 32, as: V.self)
        rows.storeBytes(of: (tmp12 &- odd0 &+ round1) &>> shift1, toByteOffset: 64, as: V.self)
        rows.storeBytes(of: (tmp10 &- odd2 &+ round1) &>> shift1, toByteOffset: 96, as: V.self)
        let shift2 = constBits + pass1Bits + 3 + 1
        for r in 0..<4 {
            let w = ws + r &* 8
            let tmp0 = w[0] &<< (constBits + 1)
            let tmp2 = w[2] &* fix_1_847759065 &+ w[6] &* (-fix_0_765366865)
            let tmp10 = tmp0 &+ tmp2, tmp12 = tmp0 &- tmp2
            let z1 = w[7], z2 = w[5], z3 = w[3], z4 = w[1]
            let odd0 = z1 &* (-fix_0_211164243) &+ z2 &* fix_1_451774981 &+ z3 &* (-fix_2_172734803) &+ z4 &* fix_1_061594337
            let odd2 = z1 &* (-fix_0_509795579) &+ z2 &* (-fix_0_601344887) &+ z3 &* fix_0_899976223 &+ z4 &* fix_2_562915447
            let out = output + r &* stride
            out[0] = clamp(descale(tmp10 &+ odd2, shift2) &+ 128)
            out[1] = clamp(descale(tmp12 &+ odd0, shift2) &+ 128)
            out[2] = clamp(descale(tmp12 &- odd0, shift2) &+ 128)
            out[3] = clamp(descale(tmp10 &- odd2, shift2) &+ 128)
        }
    }

    /// `jpeg_idct_2x2` (jidctred.c): 2x2 samples from columns and rows 0, 1, 3, 5, 7; pass 1 on all columns at once.
    @inline(__always)
    static func reduced2x2(_ c: UnsafePointer<Int16>, quant q: UnsafePointer<Int32>,
                           output: UnsafeMutablePointer<UInt8>, stride: Int) {
        @inline(__always) func row(_ r: Int) -> V {
            V(truncatingIfNeeded: UnsafeRawPointer(c + r &* 8).loadUnaligned(as: SIMD8<Int16>.self))
                &* UnsafeRawPointer(q + r &* 8).loadUnaligned(as: V.self)
        }
        let tmp10 = row(0) &<< (constBits + 2)
        let tmp0 = row(7) &* (-fix_0_720959822) &+ row(5) &* fix_0_850430095 &+ row(3) &* (-fix_1_272758580)
            &+ row(1) &* fix_3_624509785
        let shift1 = V(repeating: constBits - pass1Bits + 2)
        let round1 = V(repeating: 1 << (constBits - pass1Bits + 1))
        let top = (tmp10 &+ tmp0 &+ round1) &>> shift1, bottom = (tmp10 &- tmp0 &+ round1) &>> shift1
        let shift2 = constBits + pass1Bits + 3 + 2
        @inline(__always) func pass2(_ w: V, _ out: UnsafeMutablePointer<UInt8>) {
            let tmp10 = w[0] &<< (constBits + 2)
            let tmp0 = w[7] &* (-fix_0_720959822) &+ w[5] &* fix_0_850430095 &+ w[3] &* (-fix_1_272758580)
                &+ w[1] &* fix_3_624509785
            out[0] = clamp(descale(tmp10 &+ tmp0, shift2) &+ 128)
            out[1] = clamp(descale(tmp10 &- tmp0, shift2) &+ 128)
        }
        pass2(top, output)
        pass2(bottom, output + stride)
    }

    /// libjpeg's `DESCALE`: `x / 2^n` rounded (half up).
    @inline(__always)
    static func descale(_ x: Int32, _ n: Int32) -> Int32 { (x &+ (1 &<< (n &- 1))) &>> n }

    @inline(__always)
    static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: value < 0 ? 0 : (value > 255 ? 255 : value))
    }
}
