import SwiftLearnTensor

/// Standardises every feature to zero mean and unit variance (scikit-learn's `StandardScaler`).
///
/// `transform(x) = (x - mean) / scale` with `scale = sqrt(variance)` (population variance, `ddof = 0`).
/// Mean and variance are accumulated in `Double` with the same corrected two-pass update scikit-learn uses
/// (Chan, Golub & LeVeque), so `partialFit` over batches equals one `fit` on their concatenation. A feature
/// whose variance is zero up to rounding (`var <= n·eps·var + (n·mean·eps)²`) gets `scale = 1`.
///
/// ```swift
/// var scaler = StandardScaler()
/// let xTrainScaled = try scaler.fitTransform(xTrain)
/// let xTestScaled = try scaler.transform(xTest)
/// ```
public struct StandardScaler: FeatureScaler {
    public let withMean: Bool
    public let withStd: Bool

    /// Per-feature mean (`mean_`); `nil` when both `withMean` and `withStd` are off.
    public private(set) var mean: [Double]?
    /// Per-feature population variance (`var_`); `nil` when `withStd` is off.
    public private(set) var variance: [Double]?
    /// Per-feature divisor (`scale_`); `nil` when `withStd` is off.
    public private(set) var scale: [Double]?
    /// Non-NaN samples seen per feature (`n_samples_seen_`).
    public private(set) var nSamplesSeen: [Int]?
    public private(set) var nFeaturesIn: Int?

    public init(withMean: Bool = true, withStd: Bool = true) {
        self.withMean = withMean
        self.withStd = withStd
    }

    public mutating func fit<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) {
        self = StandardScaler(withMean: withMean, withStd: withStd)
        try partialFit(x)
    }

    /// Folds another batch into the running mean and variance (`partial_fit`).
    public mutating func partialFit<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) {
        let matrix = try featureMatrix(x, estimator: "StandardScaler", expectedFeatures: nFeaturesIn)
        let features = matrix.features
        let lastCount = (nSamplesSeen ?? [Int](repeating: 0, count: features)).map(Double.init)

        // New batch: per-feature sum and count of the non-NaN values, summed row after row like numpy's axis-0 sum.
        var newSum = [Double](repeating: 0, count: features)
        var nanCount = [Int](repeating: 0, count: features)
        for sample in 0..<matrix.samples {
            for feature in 0..<features {
                let value = matrix[sample, feature]
                if value.isNaN { nanCount[feature] += 1 } else { newSum[feature] += value }
            }
        }
        let newCount = nanCount.map { Double(matrix.samples - $0) }
        let updatedCount = zip(lastCount, newCount).map { $0 + $1 }

        if withMean || withStd {
            let lastMean = mean ?? [Double](repeating: 0, count: features)
            let lastSum = zip(lastMean, lastCount).map { $0 * $1 }
            let updatedMean = (0..<features).map { (lastSum[$0] + newSum[$0]) / updatedCount[$0] }
            if withStd {
                let lastVariance = variance ?? [Double](repeating: 0, count: features)
                let batchMean = zip(newSum, newCount).map { $0 / $1 }
                var correction = [Double](repeating: 0, count: features)
                var squares = [Double](repeating: 0, count: features)
                for sample in 0..<matrix.samples {
                    for feature in 0..<features {
                        let centred = matrix[sample, feature] - batchMean[feature]
                        if centred.isNaN { continue }
                        correction[feature] += centred
                        squares[feature] += centred * centred
                    }
                }
                var updatedVariance = [Double](repeating: 0, count: features)
                for feature in 0..<features {
                    let newUnnormalised = squares[feature] - correction[feature] * correction[feature] / newCount[feature]
                    var unnormalised = newUnnormalised
                    if lastCount[feature] != 0 {
                        let lastOverNew = lastCount[feature] / newCount[feature]
                        let gap = lastSum[feature] / lastOverNew - newSum[feature]
                        unnormalised = lastVariance[feature] * lastCount[feature] + newUnnormalised
                            + lastOverNew / updatedCount[feature] * gap * gap
                    }
                    updatedVariance[feature] = unnormalised / updatedCount[feature]
                }
                variance = updatedVariance
            }
            mean = updatedMean
        }
        nSamplesSeen = updatedCount.map { Int($0) }
        nFeaturesIn = features

        if withStd, let variance, let mean {
            let epsilon = Double.ulpOfOne
            scale = (0..<features).map { feature in
                let n = updatedCount[feature], v = variance[feature]
                let bound = n * epsilon * v + (n * mean[feature] * epsilon) * (n * mean[feature] * epsilon)
                return v <= bound ? 1 : v.squareRoot()
            }
        }
    }

    public func transform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) -> Tensor<Scalar> {
        try centerScaleTransform(x, estimator: "StandardScaler", nFeaturesIn: nFeaturesIn,
                                 center: withMean ? mean : nil, scale: withStd ? scale : nil, inverse: false)
    }

    public func inverseTransform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) -> Tensor<Scalar> {
        try centerScaleTransform(x, estimator: "StandardScaler", nFeaturesIn: nFeaturesIn,
                                 center: withMean ? mean : nil, scale: withStd ? scale : nil, inverse: true)
    }
}
