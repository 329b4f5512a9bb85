/// The lane type of the optimizers' elementwise loops.
typealias Lanes = SIMD16<Float>

/// Runs an elementwise kernel over `count` elements of the arrays at `bases`, 16 lanes at a time.
///
/// `kernel(t, blocks)` processes `blocks` blocks of 16 elements starting at the pointers `t[0]`, `t[1]`, ...
/// (one per array). It runs once in place over the full blocks, then once more over a zero-padded copy
/// of the last, partial block, which is written back: every element goes through exactly the same lane
/// arithmetic wherever it sits, so results do not depend on how a weight is split into chunks.
@inline(__always)
func runLaneKernel(_ count: Int, _ bases: [UnsafeMutablePointer<Float>],
                   _ kernel: (_ t: UnsafeMutablePointer<UnsafeMutablePointer<Float>>, _ blocks: Int) -> Void) {
    let arrays = bases.count
    withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Float>.self, capacity: arrays) { table in
        let t = table.baseAddress!
        let full = count / 16
        if full > 0 {
            for a in 0..<arrays { t[a] = bases[a] }
            kernel(t, full)
        }
        let start = full * 16, rest = count - start
        guard rest > 0 else { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 * arrays) { scratch in
            for a in 0..<arrays {
                let padded = scratch.baseAddress! + 16 * a
                padded.initialize(repeating: 0, count: 16)
                padded.update(from: bases[a] + start, count: rest)
                t[a] = padded
            }
            kernel(t, 1)
            for a in 0..<arrays { (bases[a] + start).update(from: t[a], count: rest) }
        }
    }
}

@inline(__always) func load(_ pointer: UnsafeMutablePointer<Float>) -> Lanes {
    UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
}

@inline(__always) func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
}

/// `sqrt(x)` for `x >= 0` on 16 lanes as `x · rsqrt(x)`: a bit-level first guess refined by three
/// Newton steps `r ← r(1.5 - x r²/2)`; relative error below 2e-7 (about 1.5 ulp), exact 0 at 0.
/// (Swift lowers `Float.squareRoot()` on SIMD vectors to guarded scalar `sqrtf` calls LLVM cannot vectorize.)
@inline(__always)
func vectorSquareRoot(_ x: Lanes) -> Lanes {
    let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
    var r = unsafeBitCast(SIMD16<UInt32>(repeating: 0x5F37_5A86) &- (bits &>> 1), to: Lanes.self)
    let half = x * 0.5
    r = r * (1.5 - half * r * r)
    r = r * (1.5 - half * r * r)
    r = r * (1.5 - half * r * r)
    return x * r
}
