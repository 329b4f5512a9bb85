// Square roots that compile to one vector instruction (`vsqrtps`/`vsqrtpd`) in any build.
//
// `SIMD16<Float>.squareRoot()` is a per-lane `Float.squareRoot()`, which LLVM treats as libm `sqrtf`: because
// `sqrtf` of a negative sets errno, every lane becomes `vsqrtss` plus a compare and a branch to the library
// call, and nothing vectorizes (measured 0.16-0.48x numpy). The square root of |x| can never set errno, so
// LLVM drops the fallback and the lanes fuse into one instruction; the sign is handled around it with
// compares and blends (`FloatingLanes.correctlyRoundedSquareRoot`, written on the concrete vector types
// because generic SIMD code is a per-lane loop). The hardware instruction is IEEE correctly rounded, so results
// equal numpy's `sqrt` bit for bit, including sqrt(-0) = -0, sqrt(negative) = NaN, sqrt(inf) = inf, NaN → NaN.

@inline(__always)
func correctlyRoundedSquareRoot(_ x: SIMD16<Float>) -> SIMD16<Float> { SIMD16<Float>.correctlyRoundedSquareRoot(x) }

@inline(__always)
func correctlyRoundedSquareRoot(_ x: SIMD8<Double>) -> SIMD8<Double> { SIMD8<Double>.correctlyRoundedSquareRoot(x) }

/// `y[i] = sqrt(x[i])` over a buffer, split over threads like the other cheap maps. Each part runs an out-of-line
/// serial loop: specialized inside the threaded closure, LLVM left `_stdlib_squareRootf` as a call per lane (a
/// 1e7 Float square root on two threads took 12.3-16.0 ms against 7.8-9.1 on one, which had been read as the two
/// vCPUs sharing one square-root unit); in a function of its own the loop is one `vsqrtps` per vector.
func squareRootMap<T>(_ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>,
                      serial: (UnsafeBufferPointer<T>, UnsafeMutableBufferPointer<T>) -> Void) {
    precondition(x.count == y.count, "sqrt: input length \(x.count) differs from output length \(y.count)")
    guard let xs = x.baseAddress, let ys = y.baseAddress else { return }
    nonisolated(unsafe) let (input, output) = (xs, ys)
    ParallelChunks.run(count: x.count, cost: .memoryBound) { range in
        serial(UnsafeBufferPointer(start: input + range.lowerBound, count: range.count),
               UnsafeMutableBufferPointer(start: output + range.lowerBound, count: range.count))
    }
}

@inline(never)
func squareRootSerial(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
    mapLanesSerial(x, into: y, Lanes.SquareRoot())
}

@inline(never)
func squareRootSerial(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
    mapLanesSerial(x, into: y, DoubleLanes.SquareRoot())
}
