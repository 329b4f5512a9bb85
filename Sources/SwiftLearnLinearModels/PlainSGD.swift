import Glibc

/// scikit-learn's `our_rand_r`: a 32-bit xorshift (13, 17, 5) reduced to `0 ..< 2³¹`; a zero state becomes 1.
struct XorShiftRandom {
    var state: UInt32

    init(seed: UInt32) { state = seed }

    mutating func next() -> UInt32 {
        if state == 0 { state = 1 }
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        return state % 0x8000_0000
    }

    /// Fisher–Yates from the front, `j = i + next() % (n - i)`, as scikit-learn's `SequentialDataset.shuffle`.
    static func shuffle(_ order: inout [Int32], seed: UInt32) {
        var random = XorShiftRandom(seed: seed)
        let count = order.count
        guard count > 1 else { return }
        for i in 0..<(count - 1) {
            let j = i + Int(random.next() % UInt32(count - i))
            order.swapAt(i, j)
        }
    }
}

/// One binary problem for ``plainSGD(_:_:state:shuffleSeed:)``: the samples, their targets in the loss's coding,
/// their weights and which rows are held out for early stopping.
struct BinarySGDProblem {
    let x: UnsafePointer<Double>
    let rows: Int
    let features: Int
    /// `+1`/`-1`, or `1`/`0` for the log loss.
    let targets: [Double]
    let sampleWeights: [Double]
    /// Rows held out for early stopping; empty when it is off.
    let validationRows: [Int]
    let isValidation: [Bool]
    /// Class weights of the positive and the negative targets.
    let positiveWeight: Double
    let negativeWeight: Double
}

/// The hyper-parameters ``plainSGD(_:_:state:shuffleSeed:)`` needs, resolved from ``SGDClassifier``.
struct SGDSettings {
    var loss: SGDClassifier.Loss
    var penalty: SGDClassifier.Penalty
    var alpha: Double
    var l1Ratio: Double
    var fitIntercept: Bool
    var maxIter: Int
    /// `-∞` when the stopping criterion is off (`tol: nil`).
    var tol: Double
    var nIterNoChange: Int
    var shuffle: Bool
    var learningRate: SGDClassifier.LearningRate
    var eta0: Double
    var powerT: Double
    var earlyStopping: Bool
    /// Averaging starts at this sample count; 0 is off.
    var average: Int
}

/// The weights of one binary problem, carried across `fit`/`partialFit` calls.
struct BinarySGDState {
    var weights: [Double]
    var intercept: Double
    var averageWeights: [Double]
    var averageIntercept: Double
    /// The learning-rate clock `t` at the start (scikit-learn's `t_`).
    var t: Double
}

/// A weight vector stored as `scale · v` so that the L2 shrinkage `w ← (1 - ηα) w` is one multiplication
/// (scikit-learn's `WeightVector`); with averaging, the average is kept as `(ā + a·v) / b` (Bottou's trick).
private struct ScaledWeights {
    let v: UnsafeMutablePointer<Double>
    let count: Int
    var scale = 1.0
    var squaredNorm: Double
    var l1Norm: Double
    let average: UnsafeMutablePointer<Double>?
    var averageA = 0.0
    var averageB = 1.0

    init(_ v: UnsafeMutablePointer<Double>, count: Int, average: UnsafeMutablePointer<Double>?) {
        self.v = v
        self.count = count
        self.average = average
        squaredNorm = sumOfSquares(v, count: count)
        l1Norm = absoluteSum(v, count: count)
    }

    func dot(_ x: UnsafePointer<Double>) -> Double { dotProduct(v, x, count: count) * scale }

    /// `w += c · x`; the norms are refreshed only when the stopping criterion reads them.
    mutating func add(_ x: UnsafePointer<Double>, _ c: Double, norms: Bool, l1: Bool) {
        let factor = c / scale
        if norms {
            squaredNorm = addScaledReturningSquaredNorm(x, times: factor, to: v, count: count) * (scale * scale)
            if l1 { l1Norm = absoluteSum(v, count: count) * scale }
        } else {
            addScaled(x, times: factor, to: v, count: count)
        }
    }

    mutating func addAverage(_ x: UnsafePointer<Double>, _ c: Double, iterations: Double) {
        guard let average else { return }
        let mu = 1 / iterations
        let factor = -c / scale
        for j in 0..<count { average[j] += averageA * x[j] * factor }
        if iterations > 1 { averageB /= 1 - mu }
        averageA += mu * averageB * scale
    }

    mutating func multiply(by c: Double) {
        scale *= c
        squaredNorm *= c * c
        l1Norm *= abs(c)
        if scale < 1e-9 { resetScale() }
    }

    /// Folds `scale` into `v` (and the pending average terms into the average).
    mutating func resetScale() {
        if let average {
            addScaled(UnsafePointer(v), times: averageA, to: average, count: count)
            multiplyInPlace(average, by: 1 / averageB, count: count)
            averageA = 0
            averageB = 1
        }
        multiplyInPlace(v, by: scale, count: count)
        scale = 1
    }

    /// The true weights `scale · v` into `output` (for the early-stopping score).
    func materialize(into output: inout [Double]) {
        for j in 0..<count { output[j] = v[j] * scale }
    }
}

/// Truncated-gradient L1 step over every feature (Tsuruoka, Tsujii and Ananiadou, 2009), as scikit-learn's
/// `l1penalty`: each weight moves toward zero by the penalty accumulated since it was last clipped, never past it.
private func applyL1Penalty(_ w: inout ScaledWeights, q: UnsafeMutablePointer<Double>, u: Double) {
    let scale = w.scale
    for j in 0..<w.count {
        let z = w.v[j]
        if scale * z > 0 {
            w.v[j] = max(0, w.v[j] - (u + q[j]) / scale)
        } else if scale * z < 0 {
            w.v[j] = min(0, w.v[j] + (u - q[j]) / scale)
        }
        q[j] += scale * (w.v[j] - z)
    }
}

/// Plain stochastic gradient descent on one binary problem, scikit-learn's `_plain_sgd` for dense data.
///
/// Every epoch visits the rows in an order shuffled by ``XorShiftRandom/shuffle(_:seed:)`` (the same seed every
/// epoch, applied to the previous order), and for each training row with prediction `p = w·x + b`:
///
///     η  = 1 / (α (t₀ + t - 1))      optimal, t₀ = 1 / (α η₀), η₀ = α^(-1/4)
///          η₀                        constant (and adaptive, divided by 5 on a plateau)
///          η₀ / t^powerT             invscaling
///     u  = -η · clip(∂L/∂p, ±1e12) · classWeight · sampleWeight
///     w ← (1 - (1 - l1Ratio) η α) w + u x,   b ← b + u
///
/// then the L1 part (if any) by truncated gradient; `t` advances by one per row. After each epoch the mean
/// objective (loss plus penalty), or with early stopping the held-out accuracy, is compared with the best so far:
/// `nIterNoChange` epochs without an improvement of `tol` stop the fit (the adaptive rate first divides η by 5).
/// - Returns: the number of epochs run.
/// - Throws: ``LinearModelError/diverged(_:)`` when a weight becomes NaN or infinite.
func plainSGD(
    _ problem: BinarySGDProblem, _ settings: SGDSettings, state: inout BinarySGDState, shuffleSeed: UInt32
) throws(LinearModelError) -> Int {
    let features = problem.features, rows = problem.rows
    let loss = settings.loss
    let alpha = settings.alpha
    let l1Ratio: Double
    switch settings.penalty {
    case .l2: l1Ratio = 0
    case .l1: l1Ratio = 1
    case .elasticNet: l1Ratio = settings.l1Ratio
    case .none: l1Ratio = settings.l1Ratio
    }
    let shrinks = settings.penalty == .l2 || settings.penalty == .elasticNet
    let truncates = settings.penalty == .l1 || settings.penalty == .elasticNet
    let hasPenalty = settings.penalty != .none
    let isPassiveAggressive = settings.learningRate == .passiveAggressive1 || settings.learningRate == .passiveAggressive2
    // The per-sample objective only feeds the stopping test, which cannot fire without a tolerance or within
    // nIterNoChange epochs (the first epoch always improves on +∞): skip its O(features) norm updates then.
    let tracksObjective = !settings.earlyStopping && settings.tol > -.infinity
        && settings.maxIter > settings.nIterNoChange
    let trainCount = Double(rows - problem.validationRows.count)

    var eta = settings.eta0
    var optimalInit = 0.0
    if settings.learningRate == .optimal {
        let typicalWeight = (1 / alpha.squareRoot()).squareRoot()
        let initialEta = typicalWeight / max(1, loss.derivative(1, -typicalWeight))
        optimalInit = 1 / (initialEta * alpha)
    }

    var order = (0..<rows).map { Int32($0) }
    var t = state.t
    var noImprovement = 0
    var bestObjective = Double.infinity, bestScore = -Double.infinity
    var epochsRun = 0
    let useAverage = settings.average > 0
    if useAverage && state.averageWeights.count != features {
        state.averageWeights = [Double](repeating: 0, count: features)
    }
    var q = [Double](repeating: 0, count: truncates ? features : 0)
    var u = 0.0
    var intercept = state.intercept
    var averageIntercept = state.averageIntercept
    var materialized = [Double](repeating: 0, count: settings.earlyStopping ? features : 0)
    var diverged = false

    state.weights.withUnsafeMutableBufferPointer { weightBuffer in
        state.averageWeights.withUnsafeMutableBufferPointer { averageBuffer in
            q.withUnsafeMutableBufferPointer { qBuffer in
                var w = ScaledWeights(weightBuffer.baseAddress!, count: features,
                                      average: useAverage ? averageBuffer.baseAddress : nil)
                for epoch in 0..<settings.maxIter {
                    epochsRun = epoch + 1
                    var objectiveSum = 0.0
                    if settings.shuffle { XorShiftRandom.shuffle(&order, seed: shuffleSeed) }
                    for position in 0..<rows {
                        let row = Int(order[position])
                        if problem.isValidation[row] { continue }
                        let x = problem.x + row * features
                        let y = problem.targets[row]
                        let p = w.dot(x) + intercept
                        switch settings.learningRate {
                        case .optimal: eta = 1 / (alpha * (optimalInit + t - 1))
                        case .invScaling: eta = settings.eta0 / pow(t, settings.powerT)
                        default: break
                        }
                        if tracksObjective {
                            objectiveSum += loss.value(y, p)
                            if !isPassiveAggressive && hasPenalty {
                                let norm = w.squaredNorm.squareRoot()
                                objectiveSum += alpha * ((1 - l1Ratio) * 0.5 * (norm * norm) + l1Ratio * w.l1Norm)
                            }
                        }
                        let classWeight = y > 0 ? problem.positiveWeight : problem.negativeWeight
                        var update: Double
                        switch settings.learningRate {
                        case .passiveAggressive1, .passiveAggressive2:
                            let squaredLength = dotProduct(x, x, count: features)
                            if settings.learningRate == .passiveAggressive1 {
                                if squaredLength == 0 { continue }
                                update = min(settings.eta0, loss.value(y, p) / squaredLength)
                            } else {
                                update = loss.value(y, p) / (squaredLength + 0.5 / settings.eta0)
                            }
                            update *= y
                        default:
                            let derivative = min(max(loss.derivative(y, p), -1e12), 1e12)
                            update = -eta * derivative
                        }
                        update *= classWeight * problem.sampleWeights[row]
                        if shrinks { w.multiply(by: max(0, 1 - (1 - l1Ratio) * eta * alpha)) }
                        if update != 0 { w.add(x, update, norms: tracksObjective && hasPenalty, l1: l1Ratio > 0) }
                        if settings.fitIntercept && update != 0 { intercept += update }
                        if useAverage && Double(settings.average) <= t {
                            let iterations = t - Double(settings.average) + 1
                            w.addAverage(x, update, iterations: iterations)
                            averageIntercept += (intercept - averageIntercept) / iterations
                        }
                        if truncates {
                            u += l1Ratio * eta * alpha
                            applyL1Penalty(&w, q: qBuffer.baseAddress!, u: u)
                        }
                        t += 1
                    }
                    if !intercept.isFinite || (0..<features).contains(where: { !w.v[$0].isFinite }) {
                        diverged = true
                        break
                    }
                    if settings.earlyStopping {
                        w.materialize(into: &materialized)
                        let score = heldOutAccuracy(problem, weights: materialized, intercept: intercept)
                        if score < bestScore + settings.tol { noImprovement += 1 } else { noImprovement = 0 }
                        if score > bestScore { bestScore = score }
                    } else {
                        let objective = objectiveSum / trainCount
                        if objective > bestObjective - settings.tol { noImprovement += 1 } else { noImprovement = 0 }
                        if objective < bestObjective { bestObjective = objective }
                    }
                    if noImprovement >= settings.nIterNoChange {
                        if settings.learningRate == .adaptive && eta > 1e-6 {
                            eta /= 5
                            noImprovement = 0
                        } else {
                            break
                        }
                    }
                }
                if !diverged { w.resetScale() }
            }
        }
    }
    if diverged {
        throw .diverged(
            "floating-point under-/overflow occurred at epoch #\(epochsRun); scaling the input data with"
                + " StandardScaler or MinMaxScaler might help")
    }
    state.intercept = intercept
    state.averageIntercept = averageIntercept
    state.t = t
    return epochsRun
}

/// Weighted accuracy of `sign(w·x + b)` on the held-out rows of `problem`.
private func heldOutAccuracy(_ problem: BinarySGDProblem, weights: [Double], intercept: Double) -> Double {
    var correct = 0.0, total = 0.0
    weights.withUnsafeBufferPointer { w in
        for row in problem.validationRows {
            let score = dotProduct(problem.x + row * problem.features, w.baseAddress!, count: problem.features)
                + intercept
            if (score > 0) == (problem.targets[row] > 0) { correct += problem.sampleWeights[row] }
            total += problem.sampleWeights[row]
        }
    }
    return total > 0 ? correct / total : 0
}
