import Dispatch

/// Timing of implementation candidates at first use. Swift has no compile-time CPU-feature test, so where
/// the right kernel depends on the hardware (a fused multiply-add is one instruction with FMA hardware and a
/// libm call per lane without it) the project times the candidates once per process and keeps the fastest:
/// SGEMM's microkernel family (`KernelSelection`) and the transcendentals' polynomial family (`PolynomialFamily`).
///
/// ```swift
/// let separate = CandidateTiming.bestSeconds { runSeparate() }
/// let fused = CandidateTiming.bestSeconds(givingUpAbove: 8 * separate) { runFused() }
/// ```
public enum CandidateTiming {
    /// The fastest of five runs of `body`, in seconds. A candidate whose best is still above `limit` after
    /// three runs is not run further (a software FMA would otherwise cost tens of milliseconds at start-up).
    /// Three, not one: a single preemption during the fast family's first run once switched a whole process to
    /// the other family, whose different rounding trained a different model from the same seed.
    public static func bestSeconds(givingUpAbove limit: Double = .infinity, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for run in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = Swift.min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            if run >= 2 && best > limit { break }
        }
        return best
    }
}
