import Foundation
@testable import SwiftLearnData
import SwiftLearnTensor
import XCTest

final class PreprocessingTests: XCTestCase {
    private func matrix(_ rows: [[Double]]) throws -> Tensor<Double> {
        try Tensor(shape: [rows.count, rows.first?.count ?? 0], scalars: rows.flatMap { $0 })
    }

    private func rows(_ tensor: Tensor<Double>) -> [[Double]] {
        let width = tensor.shape[1]
        return (0..<tensor.shape[0]).map { Array(tensor.scalars[($0 * width)..<(($0 + 1) * width)]) }
    }

    private func assertMatrix(_ actual: Tensor<Double>, _ expected: [[Double]], tolerance: Double, _ label: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, [expected.count, expected.first?.count ?? 0], label, file: file, line: line)
        assertCloseToReference(actual.scalars, expected.flatMap { $0 }, tolerance: tolerance, label, file: file, line: line)
    }

    // MARK: - Boston (shared fixture)

    /// The Keras seed-113 split of Boston: 404 training and 102 test rows of the 13 features.
    private func bostonSplit() throws -> (train: Tensor<Double>, test: Tensor<Double>) {
        let data = try SklearnReference.bostonRows()
        XCTAssertEqual(data.count, 506)
        let splits = try XCTUnwrap(try SklearnReference.shared()["keras_boston_split"] as? [[String: Any]])
        let split = try XCTUnwrap(splits.first { ($0["seed"] as? Int) == 113 })
        let train = referenceInts(split["train_index"]), test = referenceInts(split["test_index"])
        XCTAssertEqual(train.count, 404)
        XCTAssertEqual(test.count, 102)
        return (try matrix(train.map { Array(data[$0].prefix(13)) }), try matrix(test.map { Array(data[$0].prefix(13)) }))
    }

    func testScalersOnBostonMatchScikitLearn() throws {
        let (train, test) = try bostonSplit()
        let reference = try XCTUnwrap(try SklearnReference.shared()["scalers_boston"] as? [String: Any])
        let scalers: [(String, any FeatureScaler)] = [
            ("minmax", try MinMaxScaler()),
            ("minmax_m1_1", try MinMaxScaler(featureRange: (-1, 1))),
            ("standard", StandardScaler()),
            ("robust", try RobustScaler()),
            ("robust_10_90", try RobustScaler(quantileRange: (10, 90))),
            ("robust_unit_variance", try RobustScaler(unitVariance: true)),
        ]
        XCTAssertEqual(Set(reference.keys), Set(scalers.map(\.0)))
        for (name, prototype) in scalers {
            var scaler = prototype
            try scaler.fit(train)
            XCTAssertEqual(scaler.nFeaturesIn, 13)
            let transformed = try scaler.transform(test)
            let expected = try XCTUnwrap(reference[name] as? [String: Any])
            let head = rows(transformed).prefix(5)
            assertCloseToReference(head.flatMap { $0 }, referenceMatrix(expected["transform_test_head"]).flatMap { $0 },
                        tolerance: 1e-6, "\(name) head")
            let means = (0..<13).map { column in rows(transformed).map { $0[column] }.reduce(0, +) / 102 }
            assertCloseToReference(means, referenceDoubles(expected["transform_test_mean"]), tolerance: 1e-6, "\(name) mean")
            // The inverse brings the test rows back.
            assertCloseToReference(try scaler.inverseTransform(transformed).scalars, test.scalars, tolerance: 1e-9,
                        "\(name) inverse")
        }
    }

    func testConstantColumnGetsScaleOne() throws {
        let entry = try XCTUnwrap(try SklearnReference.shared()["scalers_constant_column"] as? [String: Any])
        let x = try matrix(referenceMatrix(entry["X"]))
        var standard = StandardScaler()
        assertMatrix(try standard.fitTransform(x), referenceMatrix(entry["standard"]), tolerance: 1e-12, "standard")
        XCTAssertEqual(standard.scale?[1], 1)
        XCTAssertEqual(standard.variance?[1], 0)
        var minMax = try MinMaxScaler()
        assertMatrix(try minMax.fitTransform(x), referenceMatrix(entry["minmax"]), tolerance: 1e-12, "minmax")
        XCTAssertEqual(minMax.scale?[1], 1)
        var robust = try RobustScaler()
        assertMatrix(try robust.fitTransform(x), referenceMatrix(entry["robust"]), tolerance: 1e-12, "robust")
        XCTAssertEqual(robust.scale?[1], 1)
    }

    // MARK: - Local scikit-learn reference (NaN, ties, partial fits, options)

    private func localScalers() throws -> (x: Tensor<Double>, test: Tensor<Double>, reference: [String: Any]) {
        let reference = try XCTUnwrap(try SklearnReference.local()["scalers"] as? [String: Any])
        return (try matrix(referenceMatrix(reference["X"])), try matrix(referenceMatrix(reference["X_test"])), reference)
    }

    func testMinMaxScalerAttributesClipAndPartialFit() throws {
        let (x, test, reference) = try localScalers()
        let expected = try XCTUnwrap(reference["minmax_m2_3"] as? [String: Any])
        var scaler = try MinMaxScaler(featureRange: (-2, 3))
        try scaler.fit(x)
        assertCloseToReference(try XCTUnwrap(scaler.dataMin), referenceDoubles(expected["data_min"]), tolerance: 1e-15, "data_min")
        assertCloseToReference(try XCTUnwrap(scaler.dataMax), referenceDoubles(expected["data_max"]), tolerance: 1e-15, "data_max")
        assertCloseToReference(try XCTUnwrap(scaler.dataRange), referenceDoubles(expected["data_range"]), tolerance: 1e-15, "range")
        assertCloseToReference(try XCTUnwrap(scaler.scale), referenceDoubles(expected["scale"]), tolerance: 1e-15, "scale")
        assertCloseToReference(try XCTUnwrap(scaler.min), referenceDoubles(expected["min"]), tolerance: 1e-15, "min")
        assertMatrix(try scaler.transform(test), referenceMatrix(expected["transform"]), tolerance: 1e-12, "transform")
        assertMatrix(try scaler.inverseTransform(test), referenceMatrix(expected["inverse"]), tolerance: 1e-12, "inverse")
        XCTAssertEqual(scaler.nSamplesSeen, 40)

        let clipped = try XCTUnwrap(reference["minmax_clip"] as? [String: Any])
        var clipping = try MinMaxScaler(clip: true)
        try clipping.fit(x)
        assertMatrix(try clipping.transform(test), referenceMatrix(clipped["transform"]), tolerance: 1e-12, "clip")

        let partial = try XCTUnwrap(reference["minmax_partial"] as? [String: Any])
        var incremental = try MinMaxScaler()
        let all = rows(x)
        try incremental.partialFit(try matrix(Array(all[..<15])))
        try incremental.partialFit(try matrix(Array(all[15...])))
        assertCloseToReference(try XCTUnwrap(incremental.dataMin), referenceDoubles(partial["data_min"]), tolerance: 0, "partial min")
        assertCloseToReference(try XCTUnwrap(incremental.dataMax), referenceDoubles(partial["data_max"]), tolerance: 0, "partial max")
        XCTAssertEqual(incremental.nSamplesSeen, (partial["n_samples_seen"] as? Int))
    }

    func testStandardScalerWithNaNPartialFitAndOptions() throws {
        let (x, test, reference) = try localScalers()
        let expected = try XCTUnwrap(reference["standard"] as? [String: Any])
        var scaler = StandardScaler()
        try scaler.fit(x)
        assertCloseToReference(try XCTUnwrap(scaler.mean), referenceDoubles(expected["mean"]), tolerance: 1e-14, "mean")
        assertCloseToReference(try XCTUnwrap(scaler.variance), referenceDoubles(expected["var"]), tolerance: 1e-13, "var")
        assertCloseToReference(try XCTUnwrap(scaler.scale), referenceDoubles(expected["scale"]), tolerance: 1e-13, "scale")
        XCTAssertEqual(scaler.nSamplesSeen, referenceInts(expected["n_samples_seen"]))
        assertMatrix(try scaler.transform(test), referenceMatrix(expected["transform"]), tolerance: 1e-12, "transform")
        assertMatrix(try scaler.inverseTransform(test), referenceMatrix(expected["inverse"]), tolerance: 1e-12, "inverse")

        let partial = try XCTUnwrap(reference["standard_partial"] as? [String: Any])
        var incremental = StandardScaler()
        let all = rows(x)
        for range in [0..<11, 11..<29, 29..<40] { try incremental.partialFit(try matrix(Array(all[range]))) }
        assertCloseToReference(try XCTUnwrap(incremental.mean), referenceDoubles(partial["mean"]), tolerance: 1e-13, "partial mean")
        assertCloseToReference(try XCTUnwrap(incremental.variance), referenceDoubles(partial["var"]), tolerance: 1e-12, "partial var")

        let noMean = try XCTUnwrap(reference["standard_no_mean"] as? [String: Any])
        var withoutMean = StandardScaler(withMean: false)
        try withoutMean.fit(x)
        assertCloseToReference(try XCTUnwrap(withoutMean.scale), referenceDoubles(noMean["scale"]), tolerance: 1e-13, "no-mean scale")
        assertMatrix(try withoutMean.transform(test), referenceMatrix(noMean["transform"]), tolerance: 1e-12, "no mean")

        let noStd = try XCTUnwrap(reference["standard_no_std"] as? [String: Any])
        var withoutStd = StandardScaler(withStd: false)
        try withoutStd.fit(x)
        XCTAssertNil(withoutStd.scale)
        XCTAssertNil(withoutStd.variance)
        assertMatrix(try withoutStd.transform(test), referenceMatrix(noStd["transform"]), tolerance: 1e-12, "no std")
    }

    func testScalersOnFloatTensorsAccumulateInDouble() throws {
        let (x, test, reference) = try localScalers()
        let x32 = try Tensor<Float>(shape: x.shape, scalars: x.scalars.map { Float($0) })
        let test32 = try Tensor<Float>(shape: test.shape, scalars: test.scalars.map { Float($0) })
        // Reference: scikit-learn in float64 on the float32-rounded inputs; the Float result is that, rounded once.
        var standard = StandardScaler()
        try standard.fit(x32)
        let standardResult = try standard.transform(test32)
        XCTAssertEqual(standardResult.shape, [6, 4])
        assertCloseToReference(standardResult.scalars.map { Double($0) },
                    referenceMatrix(reference["standard_float32_inputs"]).flatMap { $0 }, tolerance: 1.2e-7, "standard")
        var minMax = try MinMaxScaler()
        try minMax.fit(x32)
        assertCloseToReference(try minMax.transform(test32).scalars.map { Double($0) },
                    referenceMatrix(reference["minmax_float32_inputs"]).flatMap { $0 }, tolerance: 1.2e-7, "minmax")
    }

    func testRobustScalerPercentilesAndUnitVariance() throws {
        let (x, test, reference) = try localScalers()
        let expected = try XCTUnwrap(reference["robust"] as? [String: Any])
        var scaler = try RobustScaler()
        try scaler.fit(x)
        assertCloseToReference(try XCTUnwrap(scaler.center), referenceDoubles(expected["center"]), tolerance: 1e-15, "center")
        assertCloseToReference(try XCTUnwrap(scaler.scale), referenceDoubles(expected["scale"]), tolerance: 1e-14, "scale")
        assertMatrix(try scaler.transform(test), referenceMatrix(expected["transform"]), tolerance: 1e-12, "transform")
        assertMatrix(try scaler.inverseTransform(test), referenceMatrix(expected["inverse"]), tolerance: 1e-12, "inverse")

        let unit = try XCTUnwrap(reference["robust_5_62_unit"] as? [String: Any])
        var unitScaler = try RobustScaler(quantileRange: (5, 62.5), unitVariance: true)
        try unitScaler.fit(x)
        assertCloseToReference(try XCTUnwrap(unitScaler.scale), referenceDoubles(unit["scale"]), tolerance: 1e-13, "unit scale")
        assertMatrix(try unitScaler.transform(test), referenceMatrix(unit["transform"]), tolerance: 1e-12, "unit")

        let full = try XCTUnwrap(reference["robust_no_center_0_100"] as? [String: Any])
        var fullRange = try RobustScaler(withCentering: false, quantileRange: (0, 100))
        try fullRange.fit(x)
        XCTAssertNil(fullRange.center)
        assertCloseToReference(try XCTUnwrap(fullRange.scale), referenceDoubles(full["scale"]), tolerance: 1e-15, "0-100 scale")
        assertMatrix(try fullRange.transform(test), referenceMatrix(full["transform"]), tolerance: 1e-12, "0-100")
    }

    // MARK: - errors

    func testTransformBeforeFitAndFeatureMismatchThrow() throws {
        let x = Tensor<Double>.ones([4, 3])
        let wrong = Tensor<Double>.ones([2, 5])
        var scalers: [any FeatureScaler] = [StandardScaler(), try MinMaxScaler(), try RobustScaler()]
        for index in scalers.indices {
            XCTAssertThrowsError(try scalers[index].transform(x)) { error in
                XCTAssertTrue("\(error)".contains("not fitted"), "\(error)")
            }
            XCTAssertThrowsError(try scalers[index].inverseTransform(x))
            try scalers[index].fit(x)
            XCTAssertThrowsError(try scalers[index].transform(wrong)) { error in
                XCTAssertTrue("\(error)".contains("X has 5 features") && "\(error)".contains("expecting 3 features"),
                              "\(error)")
                if case .featureCountMismatch(_, let expected, let received)? = error as? PreprocessingError {
                    XCTAssertEqual(expected, 3)
                    XCTAssertEqual(received, 5)
                } else {
                    XCTFail("unexpected error \(error)")
                }
            }
            XCTAssertThrowsError(try scalers[index].fit(Tensor<Double>.ones([6])))   // not 2-D
            XCTAssertThrowsError(try scalers[index].fit(Tensor<Double>.ones([0, 3])))  // no samples
        }
        var standard = StandardScaler()
        let infinite = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, .infinity, 4])
        XCTAssertThrowsError(try standard.fit(infinite)) { error in
            XCTAssertTrue("\(error)".contains("row 1, column 0"), "\(error)")
        }
        XCTAssertThrowsError(try MinMaxScaler(featureRange: (1, 1)))
        XCTAssertThrowsError(try RobustScaler(quantileRange: (80, 20)))
    }

    func testNormalQuantileMatchesScipy() throws {
        let pairs = try XCTUnwrap(try SklearnReference.local()["norm_ppf"] as? [[Any]])
        XCTAssertEqual(pairs.count, 17)
        for pair in pairs {
            let p = referenceDouble(pair[0]), expected = referenceDouble(pair[1])
            XCTAssertEqual(standardNormalQuantile(p), expected, accuracy: 4e-15 * Swift.max(1, Swift.abs(expected)),
                           "p=\(p)")
        }
        XCTAssertEqual(standardNormalQuantile(0), -.infinity)
        XCTAssertEqual(standardNormalQuantile(1), .infinity)
        XCTAssertTrue(standardNormalQuantile(1.5).isNaN)
    }
}
