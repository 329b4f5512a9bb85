import SwiftLearnTensor

/// The confusion matrix `C[i][j]` = number of samples of true class `labels[i]` predicted as `labels[j]`
/// (scikit-learn's `confusion_matrix`).
///
/// `labels` defaults to the sorted union of both arrays; with explicit labels, samples whose true or predicted
/// label is not listed are left out.
///
/// ```swift
/// try confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])   // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
/// ```
/// - Throws: for different lengths, empty input, an empty `labels`, or `labels` none of which occurs in `yTrue`.
public func confusionMatrix<Label: Hashable & Comparable>(
    _ yTrue: [Label], _ yPred: [Label], labels: [Label]? = nil
) throws(MetricsError) -> [[Int]] {
    try checkTargets(yTrue, yPred)
    let labels = labels ?? uniqueLabels(yTrue, yPred)
    guard !labels.isEmpty else { throw .invalidParameter("labels should contain at least one label") }
    let present = Set(yTrue)
    guard labels.contains(where: { present.contains($0) }) else {
        throw .invalidLabels("at least one label specified must be in yTrue; got labels \(labels)")
    }
    var position = [Label: Int]()
    for (index, label) in labels.enumerated() where position[label] == nil { position[label] = index }
    var matrix = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
    for (truth, prediction) in zip(yTrue, yPred) {
        if let row = position[truth], let column = position[prediction] { matrix[row][column] += 1 }
    }
    return matrix
}

/// ``confusionMatrix(_:_:labels:)`` for label tensors of shape `[n]` or `[n, 1]`, as an `Int32` tensor
/// `[classes, classes]`.
public func confusionMatrix<Label: TensorScalar>(
    _ yTrue: Tensor<Label>, _ yPred: Tensor<Label>, labels: [Label]? = nil
) throws(MetricsError) -> Tensor<Int32> {
    let matrix = try confusionMatrix(classLabels(yTrue, name: "yTrue"), classLabels(yPred, name: "yPred"),
                                     labels: labels)
    let scalars = matrix.flatMap { $0.map { Int32(clamping: $0) } }
    return Tensor(shape: [matrix.count, matrix.count]) { buffer in
        for (index, value) in scalars.enumerated() { buffer.initializeElement(at: index, to: value) }
    }
}
