import SwiftLearnTensor

/// A per-feature affine transform learnt from data, like scikit-learn's scalers.
///
/// Inputs are 2-D tensors `[samples, features]` of `Float` or `Double`; statistics are accumulated in `Double`.
/// NaN values are ignored while fitting and kept as NaN by `transform` (scikit-learn's `allow-nan`);
/// infinite values are rejected with their row and column.
public protocol FeatureScaler: Sendable {
    /// The number of features seen by `fit`, `nil` before fitting (`n_features_in_`).
    var nFeaturesIn: Int? { get }
    /// Learns the statistics of `x`, forgetting any previous fit.
    mutating func fit<Scalar: TensorScalar & BinaryFloatingPoint>(_ x: Tensor<Scalar>) throws(PreprocessingError)
    /// Scales `x` with the fitted statistics.
    func transform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>) throws(PreprocessingError) -> Tensor<Scalar>
    /// Undoes ``transform(_:)``.
    func inverseTransform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>) throws(PreprocessingError) -> Tensor<Scalar>
}

extension FeatureScaler {
    /// `fit(x)` then `transform(x)`.
    public mutating func fitTransform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) -> Tensor<Scalar> {
        try fit(x)
        return try transform(x)
    }
}

/// A validated `[samples, features]` tensor's values as `Double`, row-major.
struct FeatureMatrix {
    var samples: Int
    var features: Int
    var values: [Double]

    subscript(sample: Int, feature: Int) -> Double { values[sample * features + feature] }

    /// The non-NaN values of one feature.
    func column(_ feature: Int) -> [Double] {
        var result = [Double]()
        result.reserveCapacity(samples)
        for sample in 0..<samples {
            let value = values[sample * features + feature]
            if !value.isNaN { result.append(value) }
        }
        return result
    }
}

/// Checks rank, feature count (when fitted), sample count (when fitting) and finiteness; converts to `Double`.
func featureMatrix<Scalar: TensorScalar & BinaryFloatingPoint>(
    _ x: Tensor<Scalar>, estimator: String, expectedFeatures: Int?, requireSamples: Bool = true
) throws(PreprocessingError) -> FeatureMatrix {
    guard x.rank == 2 else {
        throw .invalidInput(
            "\(estimator) expects a 2-D tensor [samples, features], got shape \(x.shape);"
                + " reshape a single feature to [n, 1] or a single sample to [1, n]")
    }
    if let expectedFeatures, x.shape[1] != expectedFeatures {
        throw .featureCountMismatch(estimator: estimator, expected: expectedFeatures, received: x.shape[1])
    }
    if requireSamples && x.shape[0] == 0 {
        throw .invalidInput(
            "found array with 0 sample(s) (shape \(x.shape)) while a minimum of 1 is required by \(estimator)")
    }
    if requireSamples && x.shape[1] == 0 {
        throw .invalidInput(
            "found array with 0 feature(s) (shape \(x.shape)) while a minimum of 1 is required by \(estimator)")
    }
    let features = x.shape[1]
    let values = doubleValues(x)
    if let index = values.firstIndex(where: { $0.isInfinite }) {
        throw .invalidInput(
            "input to \(estimator) contains infinity at row \(index / features), column \(index % features)")
    }
    return FeatureMatrix(samples: x.shape[0], features: features, values: values)
}

/// The scalars as `Double`. The public API is generic and not inlinable, so its body runs unspecialised;
/// converting through concrete types here keeps the per-element work out of generic code.
func doubleValues<Scalar: TensorScalar>(_ x: Tensor<Scalar>) -> [Double] {
    if let double = x as? Tensor<Double> { return double.scalars }
    if let float = x as? Tensor<Float> { return float.scalars.map { Double($0) } }
    return x.scalars.map { $0.doubleValue }
}

/// A tensor of `shape` from row-major `Double` values, rounded once to `Scalar`.
func featureTensor<Scalar: TensorScalar>(shape: [Int], values: [Double], as _: Scalar.Type) -> Tensor<Scalar> {
    if Scalar.self == Double.self, let result = wrapScalars(values, shape: shape) as? Tensor<Scalar> {
        return result
    }
    if Scalar.self == Float.self,
       let result = wrapScalars(values.map { Float($0) }, shape: shape) as? Tensor<Scalar> {
        return result
    }
    return wrapScalars(values.map { Scalar(converting: $0) }, shape: shape)
}

/// Wraps scalars whose count is known to match `shape` (no extension on Tensor: its API is another module's).
private func wrapScalars<Scalar: TensorScalar>(_ values: [Scalar], shape: [Int]) -> Tensor<Scalar> {
    Tensor(shape: shape) { buffer in
        _ = buffer.initialize(from: values)
    }
}

/// The transform of a scaler fitted to an optional per-feature `center` and `scale` (nil: that step is off):
/// `(x - center) / scale`, or with `inverse` numpy's `X *= scale; X += center`. Shared by ``StandardScaler``
/// (center = mean) and ``RobustScaler`` (center = median).
/// - Throws: ``PreprocessingError/notFitted(_:)`` naming `estimator` when `nFeaturesIn` is nil, or the
///   shape errors of `featureMatrix`.
func centerScaleTransform<Scalar: TensorScalar & BinaryFloatingPoint>(
    _ x: Tensor<Scalar>, estimator: String, nFeaturesIn: Int?, center: [Double]?, scale: [Double]?, inverse: Bool
) throws(PreprocessingError) -> Tensor<Scalar> {
    guard let nFeaturesIn else { throw .notFitted(estimator) }
    let matrix = try featureMatrix(x, estimator: estimator, expectedFeatures: nFeaturesIn, requireSamples: false)
    let ones = [Double](repeating: 1, count: nFeaturesIn), zeros = [Double](repeating: 0, count: nFeaturesIn)
    if inverse {
        return featureTensor(shape: x.shape, values: scaleAndShift(matrix, multiply: scale ?? ones, add: center ?? zeros),
                             as: Scalar.self)
    }
    return centerAndScale(matrix, subtract: center ?? zeros, divide: scale ?? ones, shape: x.shape, as: Scalar.self)
}

/// `(x - subtract[feature]) / divide[feature]` for every element, as a tensor of `shape` and `Scalar`.
///
/// Disabled steps pass 0 and 1, which leave every value (NaN and -0 included) bit-identical.
func centerAndScale<Scalar: TensorScalar>(
    _ matrix: FeatureMatrix, subtract: [Double], divide: [Double], shape: [Int], as type: Scalar.Type
) -> Tensor<Scalar> {
    featureTensor(shape: shape, values: centerAndScale(matrix, subtract: subtract, divide: divide), as: type)
}

func centerAndScale(_ matrix: FeatureMatrix, subtract: [Double], divide: [Double]) -> [Double] {
    combinePerFeature(matrix, subtract, divide) { x, offset, divisor in (x - offset) / divisor }
}

/// `x * multiply[feature] + add[feature]` for every element (two roundings, as numpy's `X *= s; X += m`).
func scaleAndShift(_ matrix: FeatureMatrix, multiply: [Double], add: [Double]) -> [Double] {
    combinePerFeature(matrix, multiply, add) { x, factor, offset in
        let product = x * factor
        return product + offset
    }
}

/// `combine(x[row, feature], first[feature], second[feature])` for every element, row-major like `matrix`.
@inline(__always)
private func combinePerFeature(_ matrix: FeatureMatrix, _ first: [Double], _ second: [Double],
                               _ combine: (Double, Double, Double) -> Double) -> [Double] {
    var result = [Double](repeating: 0, count: matrix.values.count)
    let features = matrix.features
    matrix.values.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { target in
            first.withUnsafeBufferPointer { first in
                second.withUnsafeBufferPointer { second in
                    for row in 0..<matrix.samples {
                        let base = row * features
                        for feature in 0..<features {
                            target[base + feature] = combine(source[base + feature], first[feature], second[feature])
                        }
                    }
                }
            }
        }
    }
    return result
}

/// scikit-learn's `_handle_zeros_in_scale`: scales below `10 * eps` of the input dtype become 1.
func handleZerosInScale<Scalar: BinaryFloatingPoint>(_ scale: [Double], for _: Scalar.Type) -> [Double] {
    let threshold = 10 * Double(Scalar.ulpOfOne)
    return scale.map { $0 < threshold ? 1 : $0 }
}
