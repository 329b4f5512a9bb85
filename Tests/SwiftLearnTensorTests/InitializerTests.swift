import XCTest
@testable import SwiftLearnTensor

final class InitializerTests: XCTestCase {
    func testArangeAndLinspaceMatchNumpy() {
        assertClose(Tensor<Float>.arange(0, 1, step: 0.1), shape: [10], [0.0, 0.10000000149011612, 0.20000000298023224,
            0.30000001192092896, 0.4000000059604645, 0.5, 0.6000000238418579, 0.699999988079071, 0.800000011920929,
            0.9000000357627869], tolerance: 0)
        XCTAssertEqual(Tensor<Int32>.arange(5).scalars, [0, 1, 2, 3, 4])
        XCTAssertEqual(Tensor<Int32>.arange(10, 1, step: -3).scalars, [10, 7, 4])
        XCTAssertEqual(Tensor<Float>.arange(3, 1).count, 0)
        XCTAssertEqual(Tensor<Double>.linspace(0, 1, count: 5).scalars, [0.0, 0.25, 0.5, 0.75, 1.0])
        XCTAssertEqual(Tensor<Double>.linspace(2, 3, count: 4, endpoint: false).scalars, [2.0, 2.25, 2.5, 2.75])
        assertClose(Tensor<Float>.linspace(-1, 1, count: 7), shape: [7], [-1.0, -0.6666666865348816, -0.3333333432674408,
            0.0, 0.3333333432674408, 0.6666666865348816, 1.0], tolerance: 0)
        XCTAssertEqual(Tensor<Float>.linspace(5, 9, count: 1).scalars, [5])
    }

    func testSeededRandomIsReproducible() {
        var first = SplitMix64(seed: 42), second = SplitMix64(seed: 42), other = SplitMix64(seed: 43)
        let a = Tensor<Float>.randomNormal([100], using: &first)
        let b = Tensor<Float>.randomNormal([100], using: &second)
        let c = Tensor<Float>.randomNormal([100], using: &other)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        // Draw definition: u = (next() >> 11) * 2^-53.
        var g = SplitMix64(seed: 9), h = SplitMix64(seed: 9)
        let u = Tensor<Double>.randomUniform([3], lowerBound: 2, upperBound: 4, using: &g)
        for i in 0..<3 { XCTAssertEqual(u.scalars[i], 2 + 2 * Double(h.next() >> 11) * 0x1p-53) }
    }

    func testDistributionsHaveTheirMoments() {
        var rng = SplitMix64(seed: 1)
        let n = 200_000
        let uniform = Tensor<Double>.randomUniform([n], lowerBound: -3, upperBound: 5, using: &rng)
        XCTAssertGreaterThanOrEqual(uniform.min(), -3); XCTAssertLessThan(uniform.max(), 5)
        XCTAssertEqual(uniform.mean(), 1, accuracy: 0.03)
        XCTAssertEqual(uniform.variance(), 64.0 / 12, accuracy: 0.05)
        let normal = Tensor<Double>.randomNormal([n], mean: 2, standardDeviation: 3, using: &rng)
        XCTAssertEqual(normal.mean(), 2, accuracy: 0.03)
        XCTAssertEqual(normal.standardDeviation(), 3, accuracy: 0.03)
        let truncated = Tensor<Double>.truncatedNormal([n], standardDeviation: 2, using: &rng)
        XCTAssertLessThanOrEqual(truncated.max(), 4); XCTAssertGreaterThanOrEqual(truncated.min(), -4)
        XCTAssertEqual(truncated.standardDeviation(), 2 * 0.87962566103423978, accuracy: 0.01)
    }

    func testKerasInitializerFormulas() {
        XCTAssert(Tensor<Float>.fans([784, 128]) == (784, 128))
        XCTAssert(Tensor<Float>.fans([3, 3, 16, 32]) == (144, 288), "receptive field 9")
        XCTAssert(Tensor<Float>.fans([10]) == (10, 10))
        var rng = SplitMix64(seed: 5)
        let glorot = Tensor<Double>.glorotUniform([300, 200], using: &rng)
        let limit = (6.0 / 500).squareRoot()
        XCTAssertLessThan(glorot.max(), limit); XCTAssertGreaterThanOrEqual(glorot.min(), -limit)
        XCTAssertGreaterThan(glorot.max(), limit * 0.999)
        XCTAssertEqual(glorot.variance(), limit * limit / 3, accuracy: limit * limit / 3 * 0.02)
        let heUniform = Tensor<Double>.heUniform([300, 200], using: &rng)
        XCTAssertLessThan(heUniform.max(), (6.0 / 300).squareRoot())
        XCTAssertGreaterThan(heUniform.max(), (6.0 / 300).squareRoot() * 0.999)
        // he_normal: stddev sqrt(2/fan_in)/0.8796 before truncation at 2σ, so the sample std is sqrt(2/fan_in).
        let heNormal = Tensor<Double>.heNormal([400, 500], using: &rng)
        let target = (2.0 / 400).squareRoot()
        XCTAssertEqual(heNormal.standardDeviation(), target, accuracy: target * 0.01)
        XCTAssertLessThanOrEqual(heNormal.max(), 2 * target / 0.87962566103423978)
        let glorotNormal = Tensor<Float>.glorotNormal([400, 500], using: &rng)
        XCTAssertEqual(Double(glorotNormal.standardDeviation()), (2.0 / 900).squareRoot(), accuracy: (2.0 / 900).squareRoot() * 0.01)
    }
}
