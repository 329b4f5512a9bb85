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

/// `sqrt(|x|)` on 16 lanes, correctly rounded: one hardware square-root instruction. (On a vector whose sign
/// bits are clear LLVM emits `vsqrtps`; `Float.squareRoot()` on a possibly negative value keeps a scalar
/// `sqrtf` call per lane for `errno`.)
@inline(__always)
func magnitudeSquareRoot(_ x: Lanes) -> Lanes {
    let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & SIMD16(repeating: 0x7FFF_FFFF), to: Lanes.self)
    return magnitude.squareRoot()
}
