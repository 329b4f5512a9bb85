import SwiftLearnRandom
import SwiftLearnTensor

/// One cross-validation fold: the samples to fit on and the samples to score on.
public struct Fold: Sendable, Equatable {
    /// Indices of the training samples, ascending.
    public var train: [Int]
    /// Indices of the held-out samples, ascending.
    public var validation: [Int]

    public init(train: [Int], validation: [Int]) {
        self.train = train
        self.validation = validation
    }
}

/// K-fold cross-validation with scikit-learn's exact folds.
///
/// The samples (shuffled first by `RandomState(randomState).shuffle` when `shuffle` is on) are cut into `nSplits`
/// consecutive blocks; the first `n % nSplits` blocks hold one extra sample. Each block is the validation part of
/// one fold, and both index lists come back sorted, as `KFold.split` yields them.
///
/// ```swift
/// let folds = try KFold(nSplits: 3, shuffle: true, randomState: 42).split(count: 404)
/// ```
public struct KFold: Sendable {
    public let nSplits: Int
    public let shuffle: Bool
    public let randomState: UInt32?

    /// - Throws: when `nSplits < 2`, or a `randomState` is given without `shuffle` (it would have no effect).
    public init(nSplits: Int = 5, shuffle: Bool = false, randomState: UInt32? = nil) throws(ModelSelectionError) {
        try validateFoldParameters(nSplits: nSplits, shuffle: shuffle, randomState: randomState)
        self.nSplits = nSplits
        self.shuffle = shuffle
        self.randomState = randomState
    }

    /// The folds for `count` samples.
    /// - Throws: when `nSplits > count`.
    public func split(count: Int) throws(ModelSelectionError) -> [Fold] {
        guard nSplits <= count else {
            throw .invalidParameter(
                "cannot have number of splits n_splits=\(nSplits) greater than the number of samples: n_samples=\(count)")
        }
        var order = Array(0..<count)
        if shuffle {
            var rng = RandomState(seed: randomState ?? freshSeed())
            rng.shuffle(&order)
        }
        var foldOf = [Int](repeating: 0, count: count)
        var start = 0
        for fold in 0..<nSplits {
            let size = count / nSplits + (fold < count % nSplits ? 1 : 0)
            for position in start..<(start + size) { foldOf[order[position]] = fold }
            start += size
        }
        return folds(from: foldOf, nSplits: nSplits)
    }
}

/// Stratified K-fold cross-validation with scikit-learn's exact folds.
///
/// Classes are numbered by first appearance; the per-fold count of every class is the round-robin allocation
/// over the sorted labels, each class's samples are given fold numbers in blocks (shuffled per class with
/// one `RandomState(randomState)` when `shuffle` is on), exactly as `StratifiedKFold._make_test_folds`.
public struct StratifiedKFold: Sendable {
    public let nSplits: Int
    public let shuffle: Bool
    public let randomState: UInt32?

    /// - Throws: when `nSplits < 2`, or a `randomState` is given without `shuffle`.
    public init(nSplits: Int = 5, shuffle: Bool = false, randomState: UInt32? = nil) throws(ModelSelectionError) {
        try validateFoldParameters(nSplits: nSplits, shuffle: shuffle, randomState: randomState)
        self.nSplits = nSplits
        self.shuffle = shuffle
        self.randomState = randomState
    }

    /// The folds for one label per sample.
    /// - Throws: when `nSplits` exceeds the sample count or every class's member count.
    public func split<Label: Hashable>(labels: [Label]) throws(ModelSelectionError) -> [Fold] {
        try split(encoded: EncodedLabels(firstAppearance: labels))
    }

    /// The folds for labels in a tensor of shape `[n]` or `[n, 1]`; floating-point labels must be integral.
    public func split<Label: TensorScalar>(labels: Tensor<Label>) throws(ModelSelectionError) -> [Fold] {
        guard labels.rank == 1 || (labels.rank == 2 && labels.shape[1] == 1) else {
            throw .invalidLabels(
                "StratifiedKFold supports binary or multiclass labels of shape [n] or [n, 1], got shape \(labels.shape)")
        }
        try requireDiscrete(labels, name: "labels")
        return try split(labels: labels.scalars)
    }

    func split(encoded: EncodedLabels) throws(ModelSelectionError) -> [Fold] {
        let count = encoded.codes.count
        guard nSplits <= count else {
            throw .invalidParameter(
                "cannot have number of splits n_splits=\(nSplits) greater than the number of samples: n_samples=\(count)")
        }
        var classCounts = [Int](repeating: 0, count: encoded.classCount)
        for code in encoded.codes { classCounts[code] += 1 }
        if classCounts.allSatisfy({ nSplits > $0 }) {
            throw .invalidParameter("n_splits=\(nSplits) cannot be greater than the number of members in each class")
        }
        // allocation[fold][class] = members of `class` among sortedCodes[fold], sortedCodes[fold + nSplits], ...
        var allocation = [[Int]](repeating: [Int](repeating: 0, count: encoded.classCount), count: nSplits)
        var position = 0
        for code in 0..<encoded.classCount {
            for _ in 0..<classCounts[code] {
                allocation[position % nSplits][code] += 1
                position += 1
            }
        }
        var rng = RandomState(seed: shuffle ? (randomState ?? freshSeed()) : 0)
        var membersOf = [[Int]](repeating: [], count: encoded.classCount)
        for (sample, code) in encoded.codes.enumerated() { membersOf[code].append(sample) }
        var foldOf = [Int](repeating: 0, count: count)
        for code in 0..<encoded.classCount {
            var foldsForClass = [Int]()
            foldsForClass.reserveCapacity(classCounts[code])
            for fold in 0..<nSplits {
                foldsForClass.append(contentsOf: repeatElement(fold, count: allocation[fold][code]))
            }
            if shuffle { rng.shuffle(&foldsForClass) }
            for (sample, fold) in zip(membersOf[code], foldsForClass) { foldOf[sample] = fold }
        }
        return folds(from: foldOf, nSplits: nSplits)
    }
}

func validateFoldParameters(nSplits: Int, shuffle: Bool, randomState: UInt32?) throws(ModelSelectionError) {
    guard nSplits >= 2 else {
        throw .invalidParameter(
            "k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more,"
                + " got n_splits=\(nSplits)")
    }
    if !shuffle, let randomState {
        throw .invalidParameter(
            "setting a random_state (\(randomState)) has no effect since shuffle is false; set shuffle=true"
                + " or leave randomState nil")
    }
}

/// Sorted (train, validation) index lists from each sample's fold number.
func folds(from foldOf: [Int], nSplits: Int) -> [Fold] {
    (0..<nSplits).map { fold in
        var train = [Int](), validation = [Int]()
        for (sample, assigned) in foldOf.enumerated() {
            if assigned == fold { validation.append(sample) } else { train.append(sample) }
        }
        return Fold(train: train, validation: validation)
    }
}
