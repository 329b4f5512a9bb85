import SwiftLearnTensor

/// Scales every feature to `featureRange` using its minimum and maximum (scikit-learn's `MinMaxScaler`).
///
/// `scale = (high - low) / (max - min)`, `min = low - dataMin * scale`, `transform(x) = x * scale + min`
/// (then clipped to the range when `clip` is on). A constant feature (range below `10 * eps` of the input type)
/// gets `scale = high - low`, so it maps to `low`.
///
/// ```swift
/// var scaler = try MinMaxScaler(featureRange: (0, 1))
/// let scaled = try scaler.fitTransform(xTrain)       // [samples, features]
/// let test = try scaler.transform(xTest)
/// ```
public struct MinMaxScaler: FeatureScaler {
    public let featureRange: (low: Double, high: Double)
    public let clip: Bool

    /// Per-feature minimum seen in fit (`data_min_`).
    public private(set) var dataMin: [Double]?
    /// Per-feature maximum seen in fit (`data_max_`).
    public private(set) var dataMax: [Double]?
    /// `dataMax - dataMin` (`data_range_`).
    public private(set) var dataRange: [Double]?
    /// Per-feature multiplier (`scale_`).
    public private(set) var scale: [Double]?
    /// Per-feature offset added after scaling (`min_`).
    public private(set) var min: [Double]?
    /// Samples seen by `fit`/`partialFit` (`n_samples_seen_`).
    public private(set) var nSamplesSeen: Int?
    public private(set) var nFeaturesIn: Int?

    /// - Throws: ``PreprocessingError/invalidParameter(_:)`` unless `low < high`.
    public init(featureRange: (low: Double, high: Double) = (0, 1), clip: Bool = false) throws(PreprocessingError) {
        guard featureRange.low < featureRange.high else {
            throw .invalidParameter(
                "minimum of desired feature range must be smaller than maximum; got (\(featureRange.low), \(featureRange.high))")
        }
        self.featureRange = featureRange
        self.clip = clip
    }

    public mutating func fit<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) {
        self = try MinMaxScaler(featureRange: featureRange, clip: clip)
        try partialFit(x)
    }

    /// Updates the minimum and maximum with another batch (`partial_fit`), for data that does not fit in memory.
    public mutating func partialFit<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) {
        let matrix = try featureMatrix(x, estimator: "MinMaxScaler", expectedFeatures: nFeaturesIn)
        var low = [Double](repeating: .nan, count: matrix.features)
        var high = [Double](repeating: .nan, count: matrix.features)
        for feature in 0..<matrix.features {
            // nanmin / nanmax: NaN only when the whole column is NaN.
            for value in matrix.column(feature) {
                if low[feature].isNaN || value < low[feature] { low[feature] = value }
                if high[feature].isNaN || value > high[feature] { high[feature] = value }
            }
        }
        if let previousLow = dataMin, let previousHigh = dataMax {
            // np.minimum / np.maximum propagate NaN.
            low = zip(previousLow, low).map { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
            high = zip(previousHigh, high).map { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        }
        let range = zip(high, low).map { $0 - $1 }
        let width = featureRange.high - featureRange.low
        let scale = handleZerosInScale(range, for: Scalar.self).map { width / $0 }
        dataMin = low
        dataMax = high
        dataRange = range
        self.scale = scale
        self.min = zip(low, scale).map { featureRange.low - $0 * $1 }
        nSamplesSeen = (nSamplesSeen ?? 0) + matrix.samples
        nFeaturesIn = matrix.features
    }

    public func transform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) -> Tensor<Scalar> {
        guard let scale, let min, let nFeaturesIn else { throw .notFitted("MinMaxScaler") }
        let matrix = try featureMatrix(x, estimator: "MinMaxScaler", expectedFeatures: nFeaturesIn,
                                       requireSamples: false)
        var values = scaleAndShift(matrix, multiply: scale, add: min)
        if clip {
            // np.clip keeps NaN.
            let (low, high) = featureRange
            for index in values.indices where !values[index].isNaN {
                values[index] = Swift.min(Swift.max(values[index], low), high)
            }
        }
        return featureTensor(shape: x.shape, values: values, as: Scalar.self)
    }

    public func inverseTransform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) -> Tensor<Scalar> {
        guard let scale, let min, let nFeaturesIn else { throw .notFitted("MinMaxScaler") }
        let matrix = try featureMatrix(x, estimator: "MinMaxScaler", expectedFeatures: nFeaturesIn,
                                       requireSamples: false)
        return centerAndScale(matrix, subtract: min, divide: scale, shape: x.shape, as: Scalar.self)
    }
}
