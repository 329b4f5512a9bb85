import XCTest
import SwiftLearnSystem
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
    /// Pooling by its definition, one window, tap and channel at a time: the output, and the input gradient
    /// (the maximum's to the first maximal tap in row-major order, the mean's spread over the taps inside).
    private func naivePooling(_ x: [Float], shape: [Int], upstream: [Float], window: [Int], strides: [Int], padding: Padding,
                              maximum: Bool) -> (output: [Float], inputGradient: [Float]) {
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        func axis(_ size: Int, _ window: Int, _ stride: Int) -> (Int, Int) {
            if padding == .valid { return ((size - window) / stride + 1, 0) }
            let out = (size + stride - 1) / stride
            return (out, max((out - 1) * stride + window - size, 0) / 2)
        }
        let (oh, top) = axis(h, window[0], strides[0]), (ow, left) = axis(w, window[1], strides[1])
        var y = [Float](repeating: 0, count: n * oh * ow * c), dx = [Float](repeating: 0, count: x.count)
        for b in 0..<n {
            for i in 0..<oh {
                for j in 0..<ow {
                    for ch in 0..<c {
                        var taps: [Int] = []
                        for p in 0..<window[0] {
                            for q in 0..<window[1] {
                                let r = i * strides[0] - top + p, s = j * strides[1] - left + q
                                if r >= 0, r < h, s >= 0, s < w { taps.append(((b * h + r) * w + s) * c + ch) }
                            }
                        }
                        let out = ((b * oh + i) * ow + j) * c + ch
                        if maximum {
                            var best = taps[0]
                            for t in taps where x[t] > x[best] { best = t }
                            y[out] = x[best]
                            dx[best] += upstream[out]
                        } else {
                            y[out] = taps.reduce(Float(0)) { $0 + x[$1] } / Float(taps.count)
                            for t in taps { dx[t] += upstream[out] / Float(taps.count) }
                        }
                    }
                }
            }
        }
        return (y, dx)
    }

    /// 21 channels (a block of 16 and a tail of 5) with many ties: covering, non-covering and overlapping windows
    /// against the naive loops, and bit-identical on 1, 2 and 3 threads.
    func testVectorizedPoolingMatchesNaiveLoopsWithTies() throws {
        let cases: [(shape: [Int], window: [Int], strides: [Int], padding: Padding)] = [
            ([3, 6, 8, 21], [2, 2], [2, 2], .valid),
            ([2, 7, 5, 21], [2, 2], [2, 2], .valid),
            ([2, 7, 5, 21], [3, 3], [2, 2], .same),
            ([2, 5, 6, 21], [2, 3], [1, 2], .same),
        ]
        let saved = Parallelism.threadCount
        defer { Parallelism.threadCount = saved }
        for (index, test) in cases.enumerated() {
            let count = test.shape.reduce(1, *)
            // Five levels only, so most windows hold ties.
            let values = uniformValues(count, seed: UInt32(60 + index)).map { ($0 * 2.5).rounded() }
            let x = try Tensor(shape: test.shape, scalars: values)
            for maximum in [true, false] {
                var results: [[Float]] = []
                for threads in [1, 2, 3] {
                    Parallelism.threadCount = threads
                    let layer: Layer = maximum ? MaxPooling2D(Size2D(test.window), strides: Size2D(test.strides), padding: test.padding)
                                               : AveragePooling2D(Size2D(test.window), strides: Size2D(test.strides), padding: test.padding)
                    let y = try layer(x)
                    let upstream = uniformValues(y.shape.reduce(1, *), seed: 70)
                    let dx = try layer.backward(inputs: x, outputs: y, outputGradient: try Tensor(shape: y.shape, scalars: upstream))
                    if threads == 1 {
                        let naive = naivePooling(values, shape: test.shape, upstream: upstream, window: test.window,
                                                 strides: test.strides, padding: test.padding, maximum: maximum)
                        assertClose(y.scalars, naive.output, tolerance: 1e-6, "case \(index) maximum \(maximum) forward")
                        assertClose(dx.scalars, naive.inputGradient, tolerance: 1e-6, "case \(index) maximum \(maximum) backward")
                    }
                    results.append(y.scalars + dx.scalars)
                }
                XCTAssertEqual(results[1], results[0], "case \(index) maximum \(maximum), 2 threads")
                XCTAssertEqual(results[2], results[0], "case \(index) maximum \(maximum), 3 threads")
            }
        }
    }
}
