import XCTest
import SwiftLearnSystem
@testable import SwiftLearnNN

/// The convolution's building blocks on their own: im2col (whole or a band of its columns) and col2im (the
/// whole-run path for column dilation 1 and the per-tap path), the fused relu-and-bias backward sweep, and which pooling windows take the 2 x 2 loops.
final class ConvKernelTests: XCTestCase {
    private let shapes: [(input: [Int], window: Size2D, strides: Size2D, dilation: Size2D, padding: Padding)] = [
        ([5, 7, 3], 3, 1, 1, .same),
        ([6, 5, 2], [2, 3], [2, 1], 1, .valid),
        ([5, 6, 4], 3, 2, 1, .same),
        ([4, 9, 17], [1, 4], [1, 3], 1, .same),
        ([7, 7, 2], 3, 1, 2, .same),  // column dilation 2: the per-tap path
    ]

    /// im2col against its definition (row `oh·outWidth + ow`, column `(i·kw + j)·channels + c` holds the input at
    /// (oh·sh - top + i·dh, ow·sw - left + j·dw, c), zero outside), and col2im against a scatter-add of every
    /// entry in Double.
    func testIm2colMatchesItsDefinitionAndCol2imScattersEveryEntry() throws {
        for (index, shape) in shapes.enumerated() {
            let geometry = try WindowGeometry(inputShape: shape.input, window: shape.window, strides: shape.strides,
                                              dilation: shape.dilation, padding: shape.padding, owner: "test")
            let (rows, columns, c) = (geometry.rows, geometry.columns, geometry.channels)
            let x = uniformValues(geometry.inputCount, seed: UInt32(80 + index))
            let patch = geometry.patchSize, count = geometry.outputPixels * patch
            var matrix = [Float](repeating: .nan, count: count)
            matrix.withUnsafeMutableBufferPointer { geometry.im2col(x, into: $0.baseAddress!) }
            var expected = [Float](repeating: 0, count: count)
            let upstream = uniformValues(count, seed: UInt32(90 + index))
            var scattered = [Double](repeating: 0, count: x.count)
            for oh in 0..<rows.output {
                for ow in 0..<columns.output {
                    for i in 0..<rows.window {
                        for j in 0..<columns.window {
                            let r = oh * rows.stride - rows.padBefore + i * rows.dilation
                            let s = ow * columns.stride - columns.padBefore + j * columns.dilation
                            guard r >= 0, r < rows.input, s >= 0, s < columns.input else { continue }
                            for channel in 0..<c {
                                let entry = (oh * columns.output + ow) * patch + (i * columns.window + j) * c + channel
                                let source = (r * columns.input + s) * c + channel
                                expected[entry] = x[source]
                                scattered[source] += Double(upstream[entry])
                            }
                        }
                    }
                }
            }
            XCTAssertEqual(matrix, expected, "im2col of case \(index)")
            // A band of columns (the weight gradient's share of one thread): cut out of the definition's matrix.
            for band in [0..<patch, 0..<(patch / 3), (patch / 3)..<(patch - 1), (patch - 5)..<patch] {
                var part = [Float](repeating: .nan, count: geometry.outputPixels * band.count)
                part.withUnsafeMutableBufferPointer { geometry.im2col(x, patchColumns: band, into: $0.baseAddress!) }
                let cut = (0..<geometry.outputPixels).flatMap { row in band.map { expected[row * patch + $0] } }
                XCTAssertEqual(part, cut, "im2col columns \(band) of case \(index)")
            }
            var gradient = [Float](repeating: .nan, count: x.count)
            gradient.withUnsafeMutableBufferPointer { geometry.col2im(upstream, into: $0.baseAddress!) }
            assertClose(gradient, scattered.map { Float($0) }, tolerance: 1e-5, "col2im of case \(index)")
        }
    }

    /// The fused sweep gives the same bits as relu's backward pass followed by the column sums, on 1, 2 and 3
    /// threads (outputs with exact zeros, gradients of both signs).
    func testReluBackwardWithColumnSumsMatchesTheSeparatePasses() {
        let rows = 37, width = 48
        let output = uniformValues(rows * width, seed: 3).map { max($0, 0) }
        let upstream = uniformValues(rows * width, seed: 4)
        var expectedGradient = upstream, expectedSums = [Float](repeating: .nan, count: width)
        output.withUnsafeBufferPointer { y in
            expectedGradient.withUnsafeMutableBufferPointer { g in
                ActivationFunction.relu.backward(output: y, gradient: g, rows: rows, width: width)
                expectedSums.withUnsafeMutableBufferPointer { columnSums(UnsafeBufferPointer(g), rows: rows, width: width, into: $0) }
            }
        }
        let saved = Parallelism.threadCount
        defer { Parallelism.threadCount = saved }
        for threads in [1, 2, 3] {
            Parallelism.threadCount = threads
            var gradient = upstream, sums = [Float](repeating: .nan, count: width)
            output.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { g in
                    sums.withUnsafeMutableBufferPointer { reluBackwardWithColumnSums(output: y, gradient: g, rows: rows, width: width, into: $0) }
                }
            }
            XCTAssertEqual(gradient, expectedGradient, "gradient on \(threads) threads")
            XCTAssertEqual(sums, expectedSums, "sums on \(threads) threads")
        }
    }

    /// The first layer's direct loops run on a zero-bordered copy with the same outputs when the windows pad (the
    /// forward tests against numpy and the naive loop cover its results), and on the input itself when they do not.
    func testDirectConvolutionPadsOnlyPaddedWindows() throws {
        func direct(_ input: [Int], _ strides: Size2D, _ padding: Padding) throws -> DirectConvolution {
            DirectConvolution(geometry: try WindowGeometry(inputShape: input, window: 3, strides: strides, dilation: 1,
                                                           padding: padding, owner: "test"), filters: 32)
        }
        let same = try XCTUnwrap(try direct([28, 28, 1], 1, .same).paddedCopy).geometry
        XCTAssertEqual([same.rows.input, same.columns.input, same.rows.output, same.columns.output], [30, 30, 28, 28])
        XCTAssertEqual(same.rows.outputsWithWholeWindow, 0..<28)
        let strided = try XCTUnwrap(try direct([7, 6, 2], 2, .same).paddedCopy).geometry
        XCTAssertEqual([strided.rows.input, strided.columns.input, strided.rows.output, strided.columns.output], [9, 7, 4, 3])
        XCTAssertNil(try direct([28, 28, 1], 1, .valid).paddedCopy)
    }

    /// 2 x 2 windows with stride 2 whose every window lies whole inside take the dedicated loops (the pooling
    /// tests check their results against naive loops); padding that shifts or cuts a window does not.
    func testTwoByTwoTilingIsRecognized() throws {
        func tiling(_ input: [Int], _ window: Size2D, _ strides: Size2D, _ padding: Padding) throws -> Bool {
            try WindowGeometry(inputShape: input, window: window, strides: strides, dilation: 1, padding: padding,
                               owner: "test").isTwoByTwoTiling
        }
        XCTAssertTrue(try tiling([28, 28, 32], 2, 2, .valid))
        XCTAssertTrue(try tiling([7, 5, 21], 2, 2, .valid))
        XCTAssertTrue(try tiling([8, 6, 3], 2, 2, .same))
        XCTAssertFalse(try tiling([7, 6, 3], 2, 2, .same))
        XCTAssertFalse(try tiling([8, 8, 3], 2, 1, .valid))
        XCTAssertFalse(try tiling([9, 9, 3], 3, 2, .valid))
    }
}
