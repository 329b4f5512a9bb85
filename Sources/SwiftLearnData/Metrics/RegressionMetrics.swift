import SwiftLearnTensor

/// Mean absolute error `mean(|yTrue - yPred|)` (`mean_absolute_error`); for `[n, k]` targets the per-output
/// errors are averaged uniformly.
public func meanAbsoluteError(_ yTrue: [Double], _ yPred: [Double]) throws(MetricsError) -> Double {
    try checkRegression(yTrue, yPred)
    return numpyMean(zip(yTrue, yPred).map { Swift.abs($1 - $0) })
}

/// Mean squared error `mean((yTrue - yPred)²)` (`mean_squared_error`).
public func meanSquaredError(_ yTrue: [Double], _ yPred: [Double]) throws(MetricsError) -> Double {
    try checkRegression(yTrue, yPred)
    return numpyMean(zip(yTrue, yPred).map { ($1 - $0) * ($1 - $0) })
}

/// Coefficient of determination `1 - Σ(yTrue - yPred)² / Σ(yTrue - mean(yTrue))²` (`r2_score`).
///
/// A constant `yTrue` gives 1 for a perfect prediction and 0 otherwise (scikit-learn's `force_finite`);
/// fewer than two samples give NaN, as scikit-learn does.
public func r2Score(_ yTrue: [Double], _ yPred: [Double]) throws(MetricsError) -> Double {
    try checkRegression(yTrue, yPred)
    return r2(yTrue, yPred)
}

/// ``meanAbsoluteError(_:_:)`` for tensors of shape `[n]` or `[n, k]` (uniform average over the k outputs).
public func meanAbsoluteError<Scalar: TensorScalar>(
    _ yTrue: Tensor<Scalar>, _ yPred: Tensor<Scalar>
) throws(MetricsError) -> Double {
    let outputs = try regressionColumns(yTrue, yPred)
    return numpyMean(outputs.map { numpyMean(zip($0.true, $0.pred).map { Swift.abs($1 - $0) }) })
}

/// ``meanSquaredError(_:_:)`` for tensors of shape `[n]` or `[n, k]`.
public func meanSquaredError<Scalar: TensorScalar>(
    _ yTrue: Tensor<Scalar>, _ yPred: Tensor<Scalar>
) throws(MetricsError) -> Double {
    let outputs = try regressionColumns(yTrue, yPred)
    return numpyMean(outputs.map { numpyMean(zip($0.true, $0.pred).map { ($1 - $0) * ($1 - $0) }) })
}

/// ``r2Score(_:_:)`` for tensors of shape `[n]` or `[n, k]` (uniform average of the per-output scores).
public func r2Score<Scalar: TensorScalar>(
    _ yTrue: Tensor<Scalar>, _ yPred: Tensor<Scalar>
) throws(MetricsError) -> Double {
    let outputs = try regressionColumns(yTrue, yPred)
    return numpyMean(outputs.map { r2($0.true, $0.pred) })
}

private func r2(_ yTrue: [Double], _ yPred: [Double]) -> Double {
    guard yTrue.count >= 2 else { return .nan }
    let mean = numpyMean(yTrue)
    let residual = numpySum(zip(yTrue, yPred).map { ($0 - $1) * ($0 - $1) })
    let total = numpySum(yTrue.map { ($0 - mean) * ($0 - mean) })
    if total == 0 { return residual == 0 ? 1 : 0 }
    return 1 - residual / total
}

private func checkRegression(_ yTrue: [Double], _ yPred: [Double]) throws(MetricsError) {
    guard yTrue.count == yPred.count else {
        throw .inconsistentLengths(
            "found input variables with inconsistent numbers of samples: [\(yTrue.count), \(yPred.count)]")
    }
    guard !yTrue.isEmpty else { throw .invalidParameter("yTrue and yPred are empty; at least one sample is required") }
}

/// Splits `[n]` or `[n, k]` targets into k aligned columns of `Double`.
private func regressionColumns<Scalar: TensorScalar>(
    _ yTrue: Tensor<Scalar>, _ yPred: Tensor<Scalar>
) throws(MetricsError) -> [(true: [Double], pred: [Double])] {
    guard yTrue.shape == yPred.shape else {
        throw .inconsistentLengths("yTrue has shape \(yTrue.shape) but yPred has shape \(yPred.shape)")
    }
    guard yTrue.rank == 1 || yTrue.rank == 2 else {
        throw .invalidParameter("regression targets must have shape [n] or [n, outputs], got \(yTrue.shape)")
    }
    guard yTrue.count > 0 else { throw .invalidParameter("yTrue and yPred are empty; at least one sample is required") }
    let outputs = yTrue.rank == 1 ? 1 : yTrue.shape[1]
    let samples = yTrue.shape[0]
    return (0..<outputs).map { output in
        ((0..<samples).map { yTrue.scalars[$0 * outputs + output].doubleValue },
         (0..<samples).map { yPred.scalars[$0 * outputs + output].doubleValue })
    }
}
