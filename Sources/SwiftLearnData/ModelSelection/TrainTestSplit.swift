import SwiftLearnRandom
import SwiftLearnTensor

/// Train/test indices for `count` samples, identical to the split `sklearn.model_selection.train_test_split` makes.
///
/// With `shuffle` the indices are `ShuffleSplit(test_size=nTest, train_size=nTrain, random_state=randomState)`'s
/// first split: `RandomState(randomState).permutation(count)`, the first `nTest` for test and the next `nTrain`
/// for train. Without it, train is `0 ..< nTrain` and test follows. When neither size is given the test part is
/// 25 %; a fractional `testSize` rounds up, a fractional `trainSize` rounds down.
///
/// ```swift
/// let split = try trainTestSplitIndices(count: 10, testSize: 0.3, randomState: 0)
/// // split.train == [9, 1, 6, 7, 3, 0, 5], split.test == [2, 8, 4]   (as in Python)
/// ```
public func trainTestSplitIndices(
    count: Int, testSize: SplitSize? = nil, trainSize: SplitSize? = nil,
    randomState: UInt32? = nil, shuffle: Bool = true
) throws(ModelSelectionError) -> TrainTestIndices {
    guard count >= 0 else { throw .invalidParameter("count must be >= 0, got \(count)") }
    if !shuffle {
        let (nTrain, nTest) = try resolveSplitSizes(samples: count, testSize: testSize, trainSize: trainSize,
                                                    defaultTestSize: 0.25)
        return TrainTestIndices(train: Array(0..<nTrain), test: Array(nTrain..<(nTrain + nTest)))
    }
    return try shuffleSplit(samples: count, testSize: testSize, trainSize: trainSize, defaultTestSize: 0.25,
                            seed: randomState ?? freshSeed(), splits: 1)[0]
}

/// Stratified train/test indices, identical to `train_test_split(..., stratify=labels)`
/// (`StratifiedShuffleSplit`'s first split): every class keeps its proportion in both parts.
///
/// - Throws: when a class has a single member or a part would be smaller than the number of classes.
public func trainTestSplitIndices<Label: Hashable & Comparable>(
    stratify labels: [Label], testSize: SplitSize? = nil, trainSize: SplitSize? = nil,
    randomState: UInt32? = nil
) throws(ModelSelectionError) -> TrainTestIndices {
    try stratifiedShuffleSplit(labels: try EncodedLabels(sorting: labels), testSize: testSize, trainSize: trainSize,
                               defaultTestSize: 0.25, seed: randomState ?? freshSeed(), splits: 1)[0]
}

/// Splits any number of tensors aligned on axis 0 into train and test parts, as
/// `sklearn.model_selection.train_test_split(*arrays, ...)` does (same indices for the same `randomState`).
///
/// ```swift
/// let ((xTrain, xTest), (yTrain, yTest)) = try trainTestSplit(x, y, testSize: 0.2, randomState: 42)
/// ```
/// - Parameters:
///   - tensors: arrays with the same `shape[0]` (any ranks and scalar types).
///   - testSize, trainSize: a count or a fraction; when both are `nil` the test part is 0.25.
///   - randomState: the numpy seed; `nil` draws one from the system generator.
///   - shuffle: `false` keeps the order: the first samples train, the following ones test.
/// - Returns: one `(train, test)` pair per input tensor.
public func trainTestSplit<each Scalar: TensorScalar>(
    _ tensors: repeat Tensor<each Scalar>,
    testSize: SplitSize? = nil, trainSize: SplitSize? = nil,
    randomState: UInt32? = nil, shuffle: Bool = true
) throws(ModelSelectionError) -> (repeat (train: Tensor<each Scalar>, test: Tensor<each Scalar>)) {
    var counts = [Int?]()
    for tensor in repeat each tensors { counts.append(tensor.shape.first) }
    let samples = try consistentSampleCount(counts)
    let split = try trainTestSplitIndices(count: samples, testSize: testSize, trainSize: trainSize,
                                          randomState: randomState, shuffle: shuffle)
    return (repeat (train: gatherSamples(each tensors, split.train), test: gatherSamples(each tensors, split.test)))
}

/// Stratified ``trainTestSplit(_:testSize:trainSize:randomState:shuffle:)``: `stratify` holds one label per
/// sample and both parts keep the class proportions (scikit-learn's `stratify=`).
public func trainTestSplit<each Scalar: TensorScalar, Label: Hashable & Comparable>(
    _ tensors: repeat Tensor<each Scalar>,
    testSize: SplitSize? = nil, trainSize: SplitSize? = nil,
    randomState: UInt32? = nil, stratify labels: [Label]
) throws(ModelSelectionError) -> (repeat (train: Tensor<each Scalar>, test: Tensor<each Scalar>)) {
    var counts = [Int?]()
    for tensor in repeat each tensors { counts.append(tensor.shape.first) }
    counts.append(labels.count)
    _ = try consistentSampleCount(counts)
    let split = try trainTestSplitIndices(stratify: labels, testSize: testSize, trainSize: trainSize,
                                          randomState: randomState)
    return (repeat (train: gatherSamples(each tensors, split.train), test: gatherSamples(each tensors, split.test)))
}

/// Stratified split with the labels in a tensor: shape `[n]` or `[n, 1]`, or `[n, k]` multi-label rows
/// (each distinct row is a class, as in scikit-learn).
public func trainTestSplit<each Scalar: TensorScalar, Label: TensorScalar>(
    _ tensors: repeat Tensor<each Scalar>,
    testSize: SplitSize? = nil, trainSize: SplitSize? = nil,
    randomState: UInt32? = nil, stratify labels: Tensor<Label>
) throws(ModelSelectionError) -> (repeat (train: Tensor<each Scalar>, test: Tensor<each Scalar>)) {
    try trainTestSplit(repeat each tensors, testSize: testSize, trainSize: trainSize, randomState: randomState,
                       stratify: tensorLabels(labels, name: "stratify"))
}
