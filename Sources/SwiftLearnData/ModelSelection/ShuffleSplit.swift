import SwiftLearnRandom

/// Random permutation train/test splits, identical to scikit-learn's `ShuffleSplit` for the same `random_state`.
///
/// Every split draws `permutation(n)` from one `RandomState(randomState)`: the first `nTest` indices are the test
/// part and the next `nTrain` the train part.
///
/// ```swift
/// let splitter = try ShuffleSplit(nSplits: 3, testSize: 0.25, randomState: 0)
/// for split in try splitter.split(count: 100) { ... }   // split.train, split.test
/// ```
public struct ShuffleSplit: Sendable {
    public let nSplits: Int
    public let testSize: SplitSize?
    public let trainSize: SplitSize?
    public let randomState: UInt32?

    /// - Throws: ``ModelSelectionError/invalidParameter(_:)`` when `nSplits < 1`.
    public init(nSplits: Int = 10, testSize: SplitSize? = nil, trainSize: SplitSize? = nil,
                randomState: UInt32? = nil) throws(ModelSelectionError) {
        guard nSplits >= 1 else { throw .invalidParameter("n_splits must be at least 1, got \(nSplits)") }
        self.nSplits = nSplits
        self.testSize = testSize
        self.trainSize = trainSize
        self.randomState = randomState
    }

    /// The `nSplits` (train, test) index pairs for `count` samples (default test size 0.1, as scikit-learn).
    public func split(count: Int) throws(ModelSelectionError) -> [TrainTestIndices] {
        try shuffleSplit(samples: count, testSize: testSize, trainSize: trainSize, defaultTestSize: 0.1,
                         seed: randomState ?? freshSeed(), splits: nSplits)
    }
}

/// Stratified random train/test splits, identical to scikit-learn's `StratifiedShuffleSplit`.
///
/// Per split: the train count per class is the approximate mode of the multivariate hypergeometric distribution
/// (`_approximate_mode`, ties broken by `choice(..., replace=False)`), then the test counts from what remains;
/// every class is permuted, cut, and both parts are permuted once more.
public struct StratifiedShuffleSplit: Sendable {
    public let nSplits: Int
    public let testSize: SplitSize?
    public let trainSize: SplitSize?
    public let randomState: UInt32?

    /// - Throws: ``ModelSelectionError/invalidParameter(_:)`` when `nSplits < 1`.
    public init(nSplits: Int = 10, testSize: SplitSize? = nil, trainSize: SplitSize? = nil,
                randomState: UInt32? = nil) throws(ModelSelectionError) {
        guard nSplits >= 1 else { throw .invalidParameter("n_splits must be at least 1, got \(nSplits)") }
        self.nSplits = nSplits
        self.testSize = testSize
        self.trainSize = trainSize
        self.randomState = randomState
    }

    /// The `nSplits` stratified (train, test) index pairs for `labels` (default test size 0.1).
    /// - Throws: when a class has fewer than 2 members, or a part is smaller than the number of classes.
    public func split<Label: Hashable & Comparable>(labels: [Label]) throws(ModelSelectionError) -> [TrainTestIndices] {
        try stratifiedShuffleSplit(labels: try EncodedLabels(sorting: labels), testSize: testSize, trainSize: trainSize,
                                   defaultTestSize: 0.1, seed: randomState ?? freshSeed(), splits: nSplits)
    }
}

/// A pair of index lists into the samples.
public struct TrainTestIndices: Sendable, Equatable {
    public var train: [Int]
    public var test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }
}

func shuffleSplit(samples: Int, testSize: SplitSize?, trainSize: SplitSize?, defaultTestSize: Double,
                  seed: UInt32, splits: Int) throws(ModelSelectionError) -> [TrainTestIndices] {
    let (nTrain, nTest) = try resolveSplitSizes(samples: samples, testSize: testSize, trainSize: trainSize,
                                                defaultTestSize: defaultTestSize)
    var rng = RandomState(seed: seed)
    return (0..<splits).map { _ in
        let permutation = rng.permutation(samples)
        return TrainTestIndices(train: Array(permutation[nTest..<(nTest + nTrain)]),
                                test: Array(permutation[0..<nTest]))
    }
}

func stratifiedShuffleSplit(labels: EncodedLabels, testSize: SplitSize?, trainSize: SplitSize?,
                            defaultTestSize: Double, seed: UInt32,
                            splits: Int) throws(ModelSelectionError) -> [TrainTestIndices] {
    let samples = labels.codes.count
    let (nTrain, nTest) = try resolveSplitSizes(samples: samples, testSize: testSize, trainSize: trainSize,
                                                defaultTestSize: defaultTestSize)
    var classCounts = [Int](repeating: 0, count: labels.classCount)
    // Members of each class in ascending sample order (`argsort(y_indices, kind="stable")`).
    var classIndices = [[Int]](repeating: [], count: labels.classCount)
    for (sample, code) in labels.codes.enumerated() {
        classCounts[code] += 1
        classIndices[code].append(sample)
    }
    let tooFew = classCounts.indices.filter { classCounts[$0] < 2 }.map { labels.classNames[$0] }
    if !tooFew.isEmpty {
        throw .invalidLabels(
            "the least populated classes in y have only 1 member, which is too few; the minimum number of groups"
                + " for any class cannot be less than 2; classes with too few members are: \(tooFew)")
    }
    if nTrain < labels.classCount {
        throw .invalidParameter(
            "the train_size = \(nTrain) should be greater or equal to the number of classes = \(labels.classCount)")
    }
    if nTest < labels.classCount {
        throw .invalidParameter(
            "the test_size = \(nTest) should be greater or equal to the number of classes = \(labels.classCount)")
    }

    var rng = RandomState(seed: seed)
    var result = [TrainTestIndices]()
    for _ in 0..<splits {
        let trainPerClass = approximateMode(classCounts: classCounts, draws: nTrain, rng: &rng)
        let remaining = zip(classCounts, trainPerClass).map { $0 - $1 }
        let testPerClass = approximateMode(classCounts: remaining, draws: nTest, rng: &rng)
        var train = [Int](), test = [Int]()
        train.reserveCapacity(nTrain)
        test.reserveCapacity(nTest)
        for code in 0..<labels.classCount {
            let members = classIndices[code]
            let permutation = rng.permutation(classCounts[code])
            for position in 0..<trainPerClass[code] {
                train.append(members[permutation[position]])
            }
            for position in trainPerClass[code]..<(trainPerClass[code] + testPerClass[code]) {
                test.append(members[permutation[position]])
            }
        }
        rng.shuffle(&train)
        rng.shuffle(&test)
        result.append(TrainTestIndices(train: train, test: test))
    }
    return result
}

/// scikit-learn's `_approximate_mode`: how many of `draws` to take from each class.
///
/// `continuous = count / total * draws` is floored, then the missing draws go to the classes with the largest
/// remainders; within a group of equal remainders the winners are `rng.choice(group, k, replace=False)`, which
/// numpy's legacy generator implements as `permutation(len(group))[:k]`.
func approximateMode(classCounts: [Int], draws: Int, rng: inout RandomState) -> [Int] {
    let total = Double(classCounts.reduce(0, +))
    let continuous = classCounts.map { Double($0) / total * Double(draws) }
    var floored = continuous.map { $0.rounded(.down) }
    var needToAdd = Int(Double(draws) - floored.reduce(0, +))
    if needToAdd > 0 {
        let remainder = zip(continuous, floored).map { $0 - $1 }
        let values = Set(remainder).sorted(by: >)
        for value in values {
            let group = remainder.indices.filter { remainder[$0] == value }
            let addNow = min(group.count, needToAdd)
            let chosen = rng.permutation(group.count).prefix(addNow)
            for position in chosen { floored[group[position]] += 1 }
            needToAdd -= addNow
            if needToAdd == 0 { break }
        }
    }
    return floored.map { Int($0) }
}
