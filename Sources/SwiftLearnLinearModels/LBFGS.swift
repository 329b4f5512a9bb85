/// Why ``minimizeLBFGS(from:memory:maxIterations:gradientTolerance:relativeReductionTolerance:maxLineSearchSteps:maxEvaluations:objective:)``
/// stopped.
enum LBFGSStop: Equatable {
    /// `max |gᵢ| ≤ gradientTolerance` (scipy: `NORM_OF_PROJECTED_GRADIENT_<=_PGTOL`).
    case gradientSmall
    /// `(f_old - f) / max(|f_old|, |f|, 1) ≤ relativeReductionTolerance` (`REL_REDUCTION_OF_F_<=_FACTR*EPSMCH`).
    case reductionSmall
    /// `maxIterations` iterations done.
    case iterationLimit
    /// `maxEvaluations` objective evaluations exceeded.
    case evaluationLimit
    /// The line search failed with no curvature pairs left to drop (`ABNORMAL_TERMINATION_IN_LNSRCH`).
    case lineSearchFailed

    var converged: Bool { self == .gradientSmall || self == .reductionSmall }
}

struct LBFGSResult {
    var x: [Double]
    var value: Double
    var iterations: Int
    var evaluations: Int
    var stop: LBFGSStop
}

/// Minimizes a smooth function with limited-memory BFGS, following scipy's `L-BFGS-B` on an unbounded problem
/// (the solver behind scikit-learn's `LogisticRegression(solver="lbfgs")`), so both take the same path:
///
/// - direction `d = -H g`, `H` the inverse-Hessian estimate from the last `memory` pairs `(s, y)` with initial
///   scaling `sᵀy / yᵀy` (two-loop recursion; for no bounds this is L-BFGS-B's subspace step); a pair is skipped
///   when `sᵀy ≤ ε · (-g_oldᵀ s)`;
/// - Moré–Thuente line search (`dcsrch`, `ftol` 1e-3, `gtol` 0.9, `xtol` 0.1) from the step `1 / ‖d‖` on the first
///   iteration and 1 afterwards; after `maxLineSearchSteps` trials or an uphill direction the pairs are dropped and
///   the iteration restarts from `-g`;
/// - stop when `max |gᵢ| ≤ gradientTolerance`, when the relative decrease of `f` is at most
///   `relativeReductionTolerance`, or at `maxIterations`.
///
/// - Parameter objective: writes the gradient at `x` into its second argument and returns the value.
func minimizeLBFGS(
    from start: [Double], memory: Int = 10, maxIterations: Int, gradientTolerance: Double,
    relativeReductionTolerance: Double = 64 * Double.ulpOfOne, maxLineSearchSteps: Int = 50,
    maxEvaluations: Int = 15_000,
    objective: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Double
) -> LBFGSResult {
    let n = start.count
    var x = start
    var g = [Double](repeating: 0, count: n)
    var evaluations = 0
    func evaluate(_ point: [Double], _ gradient: inout [Double]) -> Double {
        evaluations += 1
        return point.withUnsafeBufferPointer { p in gradient.withUnsafeMutableBufferPointer { objective(p, $0) } }
    }
    var f = evaluate(x, &g)
    if maxAbsolute(g) <= gradientTolerance {
        return LBFGSResult(x: x, value: f, iterations: 0, evaluations: evaluations, stop: .gradientSmall)
    }
    var steps = [[Double]](), changes = [[Double]](), inverseCurvatures = [Double]()
    var theta = 1.0
    var iterations = 0
    var d = [Double](repeating: 0, count: n)
    var trial = [Double](repeating: 0, count: n), trialGradient = [Double](repeating: 0, count: n)
    while true {
        // d = -H g by the two-loop recursion, H₀ = I / θ.
        for i in 0..<n { d[i] = -g[i] }
        var alphas = [Double](repeating: 0, count: steps.count)
        for k in stride(from: steps.count - 1, through: 0, by: -1) {
            alphas[k] = inverseCurvatures[k] * dot(steps[k], d)
            for i in 0..<n { d[i] -= alphas[k] * changes[k][i] }
        }
        for i in 0..<n { d[i] /= theta }
        for k in 0..<steps.count {
            let beta = inverseCurvatures[k] * dot(changes[k], d)
            for i in 0..<n { d[i] += (alphas[k] - beta) * steps[k][i] }
        }

        // Line search along d from x; a failed search leaves x, f and g as they were.
        let directionNorm = dot(d, d).squareRoot()
        let stepMax = 1e10
        var step = iterations == 0 ? min(1 / directionNorm, stepMax) : 1
        let fOld = f, gOld = g
        let slopeOld = dot(g, d)
        var slope = slopeOld
        var accepted = false
        if slopeOld < 0 {
            var search = MoreThuenteSearch(step: step, value: f, slope: slopeOld, stepMax: stepMax)
            var trials = 0
            while trials < maxLineSearchSteps {
                for i in 0..<n { trial[i] = step == 1 ? x[i] + d[i] : step * d[i] + x[i] }
                let value = evaluate(trial, &trialGradient)
                trials += 1
                slope = dot(trialGradient, d)
                if search.next(value: value, slope: slope, step: &step) != .evaluate {
                    swap(&x, &trial)
                    swap(&g, &trialGradient)
                    f = value
                    accepted = true
                    break
                }
            }
        }
        if !accepted {
            if steps.isEmpty {
                return LBFGSResult(x: x, value: f, iterations: iterations + 1, evaluations: evaluations,
                                   stop: .lineSearchFailed)
            }
            steps = []
            changes = []
            inverseCurvatures = []
            theta = 1
            continue
        }

        iterations += 1
        if iterations >= maxIterations {
            return LBFGSResult(x: x, value: f, iterations: iterations, evaluations: evaluations, stop: .iterationLimit)
        }
        if evaluations > maxEvaluations {
            return LBFGSResult(x: x, value: f, iterations: iterations, evaluations: evaluations, stop: .evaluationLimit)
        }
        if maxAbsolute(g) <= gradientTolerance {
            return LBFGSResult(x: x, value: f, iterations: iterations, evaluations: evaluations, stop: .gradientSmall)
        }
        if fOld - f <= relativeReductionTolerance * max(abs(fOld), abs(f), 1) {
            return LBFGSResult(x: x, value: f, iterations: iterations, evaluations: evaluations, stop: .reductionSmall)
        }
        var change = [Double](repeating: 0, count: n)
        for i in 0..<n { change[i] = g[i] - gOld[i] }
        let changeNorm = dot(change, change)
        let curvature: Double, scale: Double
        if step == 1 {
            curvature = slope - slopeOld
            scale = -slopeOld
        } else {
            curvature = (slope - slopeOld) * step
            for i in 0..<n { d[i] *= step }
            scale = -slopeOld * step
        }
        if curvature <= Double.ulpOfOne * scale { continue }
        if steps.count == memory {
            steps.removeFirst()
            changes.removeFirst()
            inverseCurvatures.removeFirst()
        }
        steps.append(d)
        changes.append(change)
        inverseCurvatures.append(1 / curvature)
        theta = changeNorm / curvature
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in dotProduct(a.baseAddress!, b.baseAddress!, count: a.count) } }
}

private func maxAbsolute(_ values: [Double]) -> Double { values.reduce(0) { max($0, abs($1)) } }

/// The Moré–Thuente line search (MINPACK-2 `dcsrch` with its step rule `dcstep`): finds a step satisfying the
/// sufficient-decrease condition `f(s) ≤ f(0) + ftol·s·f'(0)` and the curvature condition
/// `|f'(s)| ≤ gtol·|f'(0)|`, safeguarding cubic and quadratic interpolation steps within a bracketing interval.
struct MoreThuenteSearch {
    enum Outcome { case evaluate, converged, warning }

    let ftol = 1e-3, gtol = 0.9, xtol = 0.1, stepMin = 0.0
    let stepMax: Double
    var bracketed = false
    var stage = 1
    let initialValue: Double, initialSlope: Double, slopeTest: Double
    var width: Double, previousWidth: Double
    var bestStep = 0.0, bestValue: Double, bestSlope: Double
    var otherStep = 0.0, otherValue: Double, otherSlope: Double
    var intervalMin = 0.0, intervalMax: Double

    /// Starts a search from `step` at a point with `value` and directional derivative `slope` (< 0).
    init(step: Double, value: Double, slope: Double, stepMax: Double) {
        self.stepMax = stepMax
        initialValue = value
        initialSlope = slope
        slopeTest = ftol * slope
        width = stepMax - stepMin
        previousWidth = width / 0.5
        bestValue = value
        bestSlope = slope
        otherValue = value
        otherSlope = slope
        intervalMax = step + 4 * step
    }

    /// Takes the value and slope at `step`; returns whether to stop, else sets the next `step` to evaluate.
    mutating func next(value: Double, slope: Double, step: inout Double) -> Outcome {
        let valueTest = initialValue + step * slopeTest
        if stage == 1 && value <= valueTest && slope >= 0 { stage = 2 }
        var outcome = Outcome.evaluate
        if bracketed && (step <= intervalMin || step >= intervalMax) { outcome = .warning }
        if bracketed && intervalMax - intervalMin <= xtol * intervalMax { outcome = .warning }
        if step == stepMax && value <= valueTest && slope <= slopeTest { outcome = .warning }
        if step == stepMin && (value > valueTest || slope >= slopeTest) { outcome = .warning }
        if value <= valueTest && abs(slope) <= gtol * -initialSlope { outcome = .converged }
        if outcome != .evaluate { return outcome }

        var stx = bestStep, sty = otherStep, brackt = bracketed
        if stage == 1 && value <= bestValue && value > valueTest {
            // The modified function ψ(s) = f(s) - f(0) - ftol·s·f'(0) predicts the step in the first stage.
            var fm = value - step * slopeTest, fxm = bestValue - bestStep * slopeTest
            var fym = otherValue - otherStep * slopeTest
            var gm = slope - slopeTest, gxm = bestSlope - slopeTest, gym = otherSlope - slopeTest
            MoreThuenteSearch.takeStep(&stx, &fxm, &gxm, &sty, &fym, &gym, &step, &fm, &gm, &brackt,
                                       lower: intervalMin, upper: intervalMax)
            bestValue = fxm + stx * slopeTest
            otherValue = fym + sty * slopeTest
            bestSlope = gxm + slopeTest
            otherSlope = gym + slopeTest
        } else {
            var fp = value, dp = slope
            var fx = bestValue, gx = bestSlope, fy = otherValue, gy = otherSlope
            MoreThuenteSearch.takeStep(&stx, &fx, &gx, &sty, &fy, &gy, &step, &fp, &dp, &brackt,
                                       lower: intervalMin, upper: intervalMax)
            bestValue = fx
            bestSlope = gx
            otherValue = fy
            otherSlope = gy
        }
        bestStep = stx
        otherStep = sty
        bracketed = brackt
        if bracketed {
            if abs(otherStep - bestStep) >= 0.66 * previousWidth { step = bestStep + 0.5 * (otherStep - bestStep) }
            previousWidth = width
            width = abs(otherStep - bestStep)
        }
        if bracketed {
            intervalMin = min(bestStep, otherStep)
            intervalMax = max(bestStep, otherStep)
        } else {
            intervalMin = step + 1.1 * (step - bestStep)
            intervalMax = step + 4 * (step - bestStep)
        }
        step = min(max(step, stepMin), stepMax)
        if (bracketed && (step <= intervalMin || step >= intervalMax))
            || (bracketed && intervalMax - intervalMin <= xtol * intervalMax) {
            step = bestStep
        }
        return .evaluate
    }

    /// MINPACK-2 `dcstep`: a safeguarded step from the best point `(stx, fx, dx)`, the other end `(sty, fy, dy)` and
    /// the trial `(stp, fp, dp)`, updating the interval.
    private static func takeStep(
        _ stx: inout Double, _ fx: inout Double, _ dx: inout Double,
        _ sty: inout Double, _ fy: inout Double, _ dy: inout Double,
        _ stp: inout Double, _ fp: inout Double, _ dp: inout Double, _ bracketed: inout Bool,
        lower: Double, upper: Double
    ) {
        let sameSign = dp * (dx / abs(dx))
        var nextStep: Double
        if fp > fx {
            // Higher value: the minimum is bracketed; the cubic step or the average of cubic and quadratic.
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp < stx { gamma = -gamma }
            let p = (gamma - dx) + theta, q = ((gamma - dx) + gamma) + dp
            let cubic = stx + p / q * (stp - stx)
            let quadratic = stx + dx / ((fx - fp) / (stp - stx) + dx) / 2 * (stp - stx)
            nextStep = abs(cubic - stx) < abs(quadratic - stx) ? cubic : cubic + (quadratic - cubic) / 2
            bracketed = true
        } else if sameSign < 0 {
            // Derivatives of opposite sign: bracketed; the cubic or the secant step, whichever is farther.
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp > stx { gamma = -gamma }
            let p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dx
            let cubic = stp + p / q * (stx - stp)
            let secant = stp + dp / (dp - dx) * (stx - stp)
            nextStep = abs(cubic - stp) > abs(secant - stp) ? cubic : secant
            bracketed = true
        } else if abs(dp) < abs(dx) {
            // Same sign, decreasing derivative: the cubic step if it heads the right way, else an end point.
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp > stx { gamma = -gamma }
            let p = (gamma - dp) + theta, q = (gamma + (dx - dp)) + gamma
            let r = p / q
            let cubic: Double
            if r < 0 && gamma != 0 {
                cubic = stp + r * (stx - stp)
            } else {
                cubic = stp > stx ? upper : lower
            }
            let secant = stp + dp / (dp - dx) * (stx - stp)
            if bracketed {
                nextStep = abs(cubic - stp) < abs(secant - stp) ? cubic : secant
                nextStep = stp > stx ? min(stp + 0.66 * (sty - stp), nextStep) : max(stp + 0.66 * (sty - stp), nextStep)
            } else {
                nextStep = abs(cubic - stp) > abs(secant - stp) ? cubic : secant
                nextStep = max(lower, min(upper, nextStep))
            }
        } else {
            // Same sign, derivative not decreasing: the cubic step toward the other end, or an end point.
            if bracketed {
                let theta = 3 * (fp - fy) / (sty - stp) + dy + dp
                let s = max(abs(theta), abs(dy), abs(dp))
                var gamma = s * ((theta / s) * (theta / s) - (dy / s) * (dp / s)).squareRoot()
                if stp > sty { gamma = -gamma }
                let p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dy
                nextStep = stp + p / q * (sty - stp)
            } else {
                nextStep = stp > stx ? upper : lower
            }
        }
        if fp > fx {
            sty = stp
            fy = fp
            dy = dp
        } else {
            if sameSign < 0 {
                sty = stx
                fy = fx
                dy = dx
            }
            stx = stp
            fx = fp
            dx = dp
        }
        stp = nextStep
    }
}
