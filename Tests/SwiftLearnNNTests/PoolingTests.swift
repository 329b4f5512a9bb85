import XCTest
import SwiftLearnTensor
import SwiftLearnTestSupport
@testable import SwiftLearnNN

final class PoolingTests: XCTestCase {
    /// Max and average pooling (valid and same, overlapping and rectangular windows) against numpy's naive loops.
    func testPoolingMatchesNumpyNaiveLoops() throws {
        for (name, make) in [("max_pool", { (p: Size2D, s: Size2D, pad: Padding) -> Layer in MaxPooling2D(p, strides: s, padding: pad) }),
                             ("average_pool", { (p: Size2D, s: Size2D, pad: Padding) -> Layer in AveragePooling2D(p, strides: s, padding: pad) })] {
            let cases = try ConvFixtureCase.load(layer: name)
            XCTAssertGreaterThanOrEqual(cases.count, 3, name)
            for fixture in cases {
                let layer = make(Size2D(fixture.ints("pool_size")), Size2D(fixture.ints("strides")), fixture.padding)
                let output = try layer(fixture.input)
                XCTAssertEqual(output.shape, fixture.ints("output_shape"), fixture.description)
                assertClose(output.scalars, fixture.floats("output"), tolerance: 1e-6, fixture.description)
            }
        }
    }

    /// A whole-image window is the global pooling: the fixture's (5, 4) windows over 5 x 4 inputs.
    func testGlobalPoolingMatchesTheWholeImageWindow() throws {
        for (name, global) in [("max_pool", GlobalMaxPooling2D() as Layer), ("average_pool", GlobalAveragePooling2D() as Layer)] {
            let fixture = try XCTUnwrap(try ConvFixtureCase.load(layer: name).first { $0.ints("pool_size") == [5, 4] })
            let output = try global(fixture.input)
            XCTAssertEqual(output.shape, [3, 5])
            assertClose(output.scalars, fixture.floats("output"), tolerance: 1e-6, name)
        }
        let kept = GlobalAveragePooling2D(keepDims: true)
        try kept.build(inputShape: [4, 3, 2])
        XCTAssertEqual(kept.outputShape, [1, 1, 2])
    }

    /// Distinct inputs 0.05 apart: a step of 1e-2 never changes which tap is the maximum.
    private func separatedValues(_ count: Int, seed: UInt32) -> [Float] {
        var order = Array(0..<count)
        var generator = SplitMix64(seed: UInt64(seed))
        order.shuffle(using: &generator)
        return order.map { Float($0) * 0.05 - Float(count) * 0.025 }
    }

    func testGradientsAgainstFiniteDifferences() throws {
        let layers: [(Layer, [Int], Int)] = [
            (MaxPooling2D(2), [4, 5, 3], 2),
            (MaxPooling2D(3, strides: 2, padding: .same), [5, 4, 2], 2),
            (MaxPooling2D([2, 3], strides: 1), [3, 4, 1], 3),
            (AveragePooling2D(2), [4, 5, 3], 2),
            (AveragePooling2D(3, strides: 2, padding: .same), [5, 4, 2], 2),
            (AveragePooling2D([2, 3], strides: 1), [3, 4, 1], 3),
            (GlobalMaxPooling2D(), [3, 4, 2], 2),
            (GlobalAveragePooling2D(), [3, 4, 2], 2),
        ]
        for (index, (layer, shape, batch)) in layers.enumerated() {
            let input = separatedValues(batch * shape.reduce(1, *), seed: UInt32(index))
            try checkLayerGradients(layer, inputShape: shape, batch: batch, input: input, step: 1e-2, tolerance: 1e-3)
        }
    }

    /// Ties send the whole gradient to the first maximal tap in row-major window order (as TensorFlow).
    func testMaxPoolingTieGoesToTheFirstTap() throws {
        let pool = MaxPooling2D(2)
        let x = try Tensor<Float>(shape: [1, 2, 2, 1], scalars: [0, 1, 1, 0.5])
        let y = try pool(x)
        XCTAssertEqual(y.scalars, [1])
        let dx = try pool.backward(inputs: x, outputs: y, outputGradient: try Tensor(shape: [1, 1, 1, 1], scalars: [3]))
        XCTAssertEqual(dx.scalars, [0, 3, 0, 0])
    }
}
