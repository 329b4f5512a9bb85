import SwiftLearnData
import SwiftLearnRandom
import SwiftLearnSystem
import SwiftLearnTensor

extension SGDClassifier {
    /// scikit-learn's parameter constraints and `_more_validate_params`, with the value received in every message.
    func validateParameters(forPartialFit: Bool) throws(LinearModelError) {
        guard alpha.isFinite, alpha >= 0 else { throw .invalidParameter("alpha must be >= 0, got \(alpha)") }
        if learningRate == .optimal && alpha == 0 {
            throw .invalidParameter(
                "alpha must be > 0 since learningRate is .optimal (alpha is used to compute the optimal learning"
                    + " rate), got alpha=0")
        }
        guard l1Ratio >= 0, l1Ratio <= 1 else { throw .invalidParameter("l1Ratio must be in [0, 1], got \(l1Ratio)") }
        guard maxIter >= 1 else { throw .invalidParameter("maxIter must be >= 1, got \(maxIter)") }
        if let tol, !(tol >= 0 && tol.isFinite) {
            throw .invalidParameter("tol must be >= 0 (or nil to never stop early), got \(tol)")
        }
        guard eta0 > 0, eta0.isFinite else { throw .invalidParameter("eta0 must be > 0, got \(eta0)") }
        guard powerT.isFinite else { throw .invalidParameter("powerT must be finite, got \(powerT)") }
        guard validationFraction > 0, validationFraction < 1 else {
            throw .invalidParameter("validationFraction must be in (0, 1), got \(validationFraction)")
        }
        guard nIterNoChange >= 1 else { throw .invalidParameter("nIterNoChange must be >= 1, got \(nIterNoChange)") }
        guard average >= 0 else { throw .invalidParameter("average must be >= 0 (0 is off), got \(average)") }
        if (learningRate == .passiveAggressive1 || learningRate == .passiveAggressive2) && loss != .hinge {
            throw .invalidParameter(
                "learning rate '\(learningRate.rawValue)' only works with loss .hinge, got loss '\(loss.rawValue)'")
        }
        if case .weights(let weights)? = classWeight,
           let (label, weight) = weights.first(where: { !$0.value.isFinite }) {
            throw .invalidParameter("classWeight for class \(label) must be finite, got \(weight)")
        }
        if forPartialFit && earlyStopping {
            throw .invalidParameter("earlyStopping must be false with partialFit")
        }
        if forPartialFit && classWeight == .balanced {
            throw .invalidParameter(
                "classWeight .balanced is not supported by partialFit; compute the weights from a large enough sample"
                    + " of the labels and pass them as .weights")
        }
    }

    /// The weight of each class in `classes` order (scikit-learn's `compute_class_weight`).
    func expandedClassWeights(labels: [Int], classes: [Int]) throws(LinearModelError) -> [Double] {
        switch classWeight {
        case nil:
            return [Double](repeating: 1, count: classes.count)
        case .balanced?:
            var counts = [Int: Int]()
            for label in labels { counts[label, default: 0] += 1 }
            return classes.map { label in
                Double(labels.count) / (Double(classes.count) * Double(counts[label, default: 0]))
            }
        case .weights(let weights)?:
            let unknown = weights.keys.filter { !classes.contains($0) }.sorted()
            if !unknown.isEmpty {
                throw .invalidParameter("classWeight names the classes \(unknown), which are not in the data (\(classes))")
            }
            return classes.map { weights[$0] ?? 1 }
        }
    }

    /// The settings of every binary problem.
    var settings: SGDSettings {
        SGDSettings(loss: loss, penalty: penalty, alpha: alpha, l1Ratio: l1Ratio, fitIntercept: fitIntercept,
                    maxIter: maxIter, tol: tol ?? -.infinity, nIterNoChange: nIterNoChange, shuffle: shuffle,
                    learningRate: learningRate, eta0: eta0, powerT: powerT, earlyStopping: earlyStopping,
                    average: average)
    }

    /// Rows held out for early stopping: the test part of `StratifiedShuffleSplit(testSize: validationFraction,
    /// randomState: randomState)` on `classIndex`, as scikit-learn's `_make_validation_split`.
    func validationRows(classIndex: [Int], weights: [Double]) throws(LinearModelError) -> [Int] {
        guard earlyStopping else { return [] }
        let split: TrainTestIndices
        do {
            split = try trainTestSplitIndices(stratify: classIndex, testSize: .fraction(validationFraction),
                                              randomState: randomState ?? UInt32.random(in: .min ... .max))
        } catch {
            throw .invalidInput(
                "early stopping cannot hold out validationFraction=\(validationFraction) of \(classIndex.count)"
                    + " samples: \(error)")
        }
        if split.test.isEmpty || split.train.isEmpty {
            throw .invalidInput(
                "splitting \(classIndex.count) samples into a train set and a validation set with"
                    + " validationFraction=\(validationFraction) led to an empty set (\(split.train.count) and"
                    + " \(split.test.count) samples); change validationFraction, add samples, or disable earlyStopping")
        }
        if !split.test.contains(where: { weights[$0] > 0 }) {
            throw .invalidInput(
                "the sample weights of the validation set are all zero; consider a different randomState")
        }
        return split.test.sorted()
    }

    /// Runs `epochs` epochs of every one-vs-rest problem (one problem for two classes) from the current state,
    /// or from `coefInit`/`interceptInit`/zeros when there is none, then advances `t` (scikit-learn's
    /// `_partial_fit`, `_fit_binary` and `_fit_multiclass`).
    mutating func train(
        _ data: FeatureMatrix, labels: [Int], classes: [Int], weights: [Double], epochs: Int,
        coefInit: Tensor<Double>?, interceptInit: Tensor<Double>?
    ) throws(LinearModelError) {
        let decisions = classes.count == 2 ? 1 : classes.count
        let classWeights = try expandedClassWeights(labels: labels, classes: classes)
        if decisionStates.isEmpty || coefInit != nil {
            decisionStates = try initialStates(decisions: decisions, features: data.columns, coefInit: coefInit,
                                               interceptInit: interceptInit)
            self.classes = classes
            featureCount = data.columns
        }
        let classIndex = classIndices(labels, classes: classes)
        let heldOut = try validationRows(classIndex: classIndex, weights: weights)
        var isValidation = [Bool](repeating: false, count: data.rows)
        for row in heldOut { isValidation[row] = true }

        // Seeds, in scikit-learn's order: a binary problem draws from RandomState(randomState) itself; one-vs-rest
        // first draws one seed per class, and each class draws from RandomState(thatSeed).
        var generator = RandomState(seed: randomState ?? UInt32.random(in: .min ... .max))
        let classSeeds: [UInt32] = decisions == 1
            ? [] : generator.randint(0, Int(Int32.max), count: decisions).map { UInt32($0) }
        var shuffleSeeds = [UInt32]()
        for decision in 0..<decisions {
            var stream = decisions == 1 ? generator : RandomState(seed: classSeeds[decision])
            _ = stream.randint(1, Int(Int32.max))  // make_dataset's seed, which dense SGD never reads
            shuffleSeeds.append(UInt32(stream.randint(0, Int(Int32.max))))
        }

        var settings = self.settings
        settings.maxIter = epochs
        let zeroOne = loss.usesZeroOneTargets
        var states = decisionStates
        // Every problem starts from the model's clock; the model's clock then advances by the longest run.
        for index in states.indices { states[index].t = t }
        var outcomes = [Result<Int, LinearModelError>](repeating: .success(0), count: decisions)
        data.values.withUnsafeBufferPointer { samples in
            let samples = UncheckedSendable(samples)
            states.withUnsafeMutableBufferPointer { stateBuffer in
                outcomes.withUnsafeMutableBufferPointer { outcomeBuffer in
                    let stateBuffer = UncheckedSendable(stateBuffer), outcomeBuffer = UncheckedSendable(outcomeBuffer)
                    let parts = min(Parallelism.threadCount, decisions)
                    // Decision d goes to part d % parts: each part writes only its own problems' states.
                    Parallelism.run(parts) { part in
                        for decision in stride(from: part, to: decisions, by: parts) {
                            let positive = decisions == 1 ? 1 : decision
                            let targets = classIndex.map { $0 == positive ? 1.0 : (zeroOne ? 0.0 : -1.0) }
                            let problem = BinarySGDProblem(
                                x: samples.value.baseAddress!, rows: data.rows, features: data.columns,
                                targets: targets, sampleWeights: weights, validationRows: heldOut,
                                isValidation: isValidation, positiveWeight: classWeights[positive],
                                negativeWeight: decisions == 1 ? classWeights[0] : 1)
                            outcomeBuffer.value[decision] = Result { () throws(LinearModelError) -> Int in
                                try plainSGD(problem, settings, state: &stateBuffer.value[decision],
                                             shuffleSeed: shuffleSeeds[decision])
                            }
                        }
                    }
                }
            }
        }
        var epochsRun = 0
        for outcome in outcomes {
            switch outcome {
            case .success(let count): epochsRun = max(epochsRun, count)
            case .failure(let error): throw error
            }
        }
        decisionStates = states
        nIter = epochsRun
        t += Double(epochsRun * data.rows)
    }

    /// Zero weights, or the given starting point checked against the data's shape.
    private func initialStates(
        decisions: Int, features: Int, coefInit: Tensor<Double>?, interceptInit: Tensor<Double>?
    ) throws(LinearModelError) -> [BinarySGDState] {
        var weights = [Double](repeating: 0, count: decisions * features)
        var intercepts = [Double](repeating: 0, count: decisions)
        if let coefInit {
            guard coefInit.count == decisions * features, coefInit.rank <= 2,
                  coefInit.rank < 2 || coefInit.shape == [decisions, features] else {
                throw .invalidInput(
                    "coefInit of shape \(coefInit.shape) does not match the data: expected [\(decisions), \(features)]")
            }
            weights = coefInit.scalars
        }
        if let interceptInit {
            guard interceptInit.count == decisions, interceptInit.rank <= 1 else {
                throw .invalidInput(
                    "interceptInit of shape \(interceptInit.shape) does not match the data: expected [\(decisions)]")
            }
            intercepts = interceptInit.scalars
        }
        return (0..<decisions).map { decision in
            BinarySGDState(weights: Array(weights[(decision * features)..<((decision + 1) * features)]),
                           intercept: intercepts[decision], averageWeights: [], averageIntercept: 0, t: 1)
        }
    }
}
