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
