import SwiftLearnTensor

/// Scales features with statistics that ignore outliers (scikit-learn's `RobustScaler`).
///
/// `center` is the per-feature median and `scale` the inter-quantile range `q(high) - q(low)` of `quantileRange`
/// (percentiles with numpy's linear interpolation); `transform(x) = (x - center) / scale`. A zero range becomes 1.
/// With `unitVariance` the scale is divided by `Φ⁻¹(high/100) - Φ⁻¹(low/100)` (1.3489795 for the default
/// range) so that normally distributed features end with unit variance.
///
/// ```swift
/// var scaler = try RobustScaler(quantileRange: (10, 90))
/// let scaled = try scaler.fitTransform(x)
/// ```
public struct RobustScaler: FeatureScaler {
    public let withCentering: Bool
    public let withScaling: Bool
    public let quantileRange: (low: Double, high: Double)
    public let unitVariance: Bool

    /// Per-feature median (`center_`); `nil` when `withCentering` is off.
    public private(set) var center: [Double]?
    /// Per-feature inter-quantile range (`scale_`); `nil` when `withScaling` is off.
    public private(set) var scale: [Double]?
    public private(set) var nFeaturesIn: Int?

    /// - Throws: ``PreprocessingError/invalidParameter(_:)`` unless `0 <= low <= high <= 100`.
    public init(withCentering: Bool = true, withScaling: Bool = true,
                quantileRange: (low: Double, high: Double) = (25, 75),
                unitVariance: Bool = false) throws(PreprocessingError) {
        guard 0 <= quantileRange.low, quantileRange.low <= quantileRange.high, quantileRange.high <= 100 else {
            throw .invalidParameter("invalid quantile range: (\(quantileRange.low), \(quantileRange.high));"
                                        + " expected 0 <= low <= high <= 100")
        }
        self.withCentering = withCentering
        self.withScaling = withScaling
        self.quantileRange = quantileRange
        self.unitVariance = unitVariance
    }

    public mutating func fit<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) {
        let matrix = try featureMatrix(x, estimator: "RobustScaler", expectedFeatures: nil)
        let columns = (0..<matrix.features).map { matrix.column($0).sorted() }
        center = withCentering ? columns.map { median(sorted: $0) } : nil
        if withScaling {
            let ranges = columns.map {
                linearPercentile(sorted: $0, quantileRange.high) - linearPercentile(sorted: $0, quantileRange.low)
            }
            var scale = handleZerosInScale(ranges, for: Scalar.self)
            if unitVariance {
                let adjust = standardNormalQuantile(quantileRange.high / 100)
                    - standardNormalQuantile(quantileRange.low / 100)
                scale = scale.map { $0 / adjust }
            }
            self.scale = scale
        } else {
            scale = nil
        }
        nFeaturesIn = matrix.features
    }

    public func transform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) -> Tensor<Scalar> {
        try centerScaleTransform(x, estimator: "RobustScaler", nFeaturesIn: nFeaturesIn, center: center, scale: scale,
                                 inverse: false)
    }

    public func inverseTransform<Scalar: TensorScalar & BinaryFloatingPoint>(
        _ x: Tensor<Scalar>
    ) throws(PreprocessingError) -> Tensor<Scalar> {
        try centerScaleTransform(x, estimator: "RobustScaler", nFeaturesIn: nFeaturesIn, center: center, scale: scale,
                                 inverse: true)
    }
}
