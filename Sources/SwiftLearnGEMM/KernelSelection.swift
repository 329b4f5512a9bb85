import SwiftLearnSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks the microkernel once, at first use, by timing the compiled candidates.
///
/// Swift has no compile-time test for CPU features, and the same source must be correct in a
/// baseline x86-64 build (no FMA: `addingProduct` is a libm call per lane) and fast in a
/// `-target-cpu native` build (packed FMA). So both families are compiled and timed once:
///
/// 1. Family: the fused kernel is used only if it is no more than 2x slower than the separate
///    one at the same width. With hardware FMA it is faster (one instruction instead of two);
///    without it, it is 10-50x slower. The 2x threshold sits far from both, so the decision is
///    stable run to run — it matters, because the two families round differently.
/// 2. Width: within the chosen family the fastest variant wins. Variants of one family give
///    bit-identical results, so timing noise here can change speed but never results. Each call
///    then takes the family's tile of that width whose height pads the fewest rows of C
///    (`KernelChoices`: 6, 8, 10 or 12 rows), also without changing a bit.
///
/// SGEMM and DGEMM each choose once, among their own variants. `SWIFTLEARN_GEMM_KERNEL=<name>` (for
/// example `separate-6x16`, or `f64-separate-6x8` for DGEMM) overrides the choice for the type that has
/// a variant of that name; every shape then runs that tile (narrower ones of its height only for narrow C
/// and the last columns). Debug builds (`-DDEBUG`, SwiftPM's default for `swift build`/`swift test`)
/// skip the timing and use the narrowest separate variant (`separate-6x8`, `f64-separate-6x4`).
public enum KernelSelection {
    /// The choices for one scalar type out of its compiled `candidates` (called once per type, by the
    /// type's `kernelChoices`).
    static func choices<Scalar: GEMMScalar>(from candidates: [GEMMKernel<Scalar>]) -> KernelChoices<Scalar> {
        let choices = chooseUnchecked(from: candidates)
        let selected = choices.selectedKernel
        GEMMBlocking.checkInvariants(Scalar.self, mr: selected.mr, nr: selected.nr)
        return choices
    }

    /// The variant `SWIFTLEARN_GEMM_KERNEL` names, if any.
    static let forcedName = getenv("SWIFTLEARN_GEMM_KERNEL").map { String(cString: $0) }

    private static func chooseUnchecked<Scalar: GEMMScalar>(from candidates: [GEMMKernel<Scalar>]) -> KernelChoices<Scalar> {
        if let variant = candidates.first(where: { $0.name == forcedName }) {
            return KernelChoices(forcing: variant)
        }
        let separate = candidates.filter { $0.arithmetic == .separate }
        #if DEBUG
        // Unoptimized builds time generic overhead, not arithmetic: take the portable narrowest kernel
        // without spending seconds on timing (tests exercise every variant explicitly).
        return KernelChoices(selected: separate.min { $0.nr < $1.nr }!, family: separate, fixedHeight: false)
        #else
        let fusedWide = candidates.filter { $0.arithmetic == .fused }.max { $0.nr < $1.nr }!
        let separateWide = separate.max { $0.nr < $1.nr }!
        let separateTime = time(separateWide)
        let fusedIsHardware = time(fusedWide, cutoff: separateTime) <= 2 * separateTime
        let family = candidates.filter { $0.arithmetic == (fusedIsHardware ? .fused : .separate) }
        let times = family.map { time($0) }
        let fastest = times.indices.filter { family[$0].vectorsPerRow == 2 }.min { times[$0] < times[$1] }!
        // A height that runs more than 25% slower than the best of its width (a tile that spills on a
        // CPU with fewer vector registers) is left out of the per-shape choice.
        let usable = family.indices.filter { index in
            times[index] <= 1.25 * family.indices.filter { family[$0].nr == family[index].nr }.map { times[$0] }.min()!
        }
        return KernelChoices(selected: family[fastest], family: usable.map { family[$0] }, fixedHeight: false)
        #endif
    }

    /// GFLOPS of every compiled SGEMM variant on packed panels in L1/L2 (the figures the first-use
    /// selection compares; gemm-bench `--kernels` prints them against the FMA peak).
    public static func measureFloatMicrokernels() -> [(variant: MicrokernelVariant, gflops: Double)] {
        GEMMKernel<Float>.all.map { ($0.publicDescription, 1e-9 / time($0)) }
    }

    /// The same for every compiled DGEMM variant (gemm-bench `--kernels --double`).
    public static func measureDoubleMicrokernels() -> [(variant: MicrokernelVariant, gflops: Double)] {
        GEMMKernel<Double>.all.map { ($0.publicDescription, 1e-9 / time($0)) }
    }

    /// Best-of-5 seconds per flop of one variant on packed panels already in L1/L2; a variant still 8x slower
    /// than `cutoff` after three trials is not timed further (see `CandidateTiming`).
    private static func time<Scalar: GEMMScalar>(_ variant: GEMMKernel<Scalar>, cutoff: Double = .infinity) -> Double {
        let k = 128, mr = variant.mr, nr = variant.nr
        let a = [Scalar](repeating: 0.5, count: mr * k)
        let b = [Scalar](repeating: 0.25, count: nr * k)
        var c = [Scalar](repeating: 0, count: mr * nr)
        let repetitions = 64
        let flops = Double(2 * mr * nr * k * repetitions)
        let seconds = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    CandidateTiming.bestSeconds(givingUpAbove: 8 * cutoff * flops) {
                        for _ in 0..<repetitions {
                            variant.run(k, a.baseAddress!, 1, mr, b.baseAddress!, nr, 1, 1, c.baseAddress!, nr)
                        }
                    }
                }
            }
        }
        return seconds / flops
    }
}
