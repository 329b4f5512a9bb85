import XCTest
import SwiftLearnSystem
import SwiftLearnTensor
@testable import SwiftLearnNN

/// Dense kernels stored as column panels (one contiguous block per column share, so each core keeps its own
/// cache lines in every phase of a step): storage follows the panel formula, every public accessor, the saved
/// file and the optimizer state stay row-major, and training matches a row-major kernel.
final class ColumnPanelTests: XCTestCase {
    private var savedMultiplyAdds = 0

    override func setUp() { savedMultiplyAdds = Dense.parallelMultiplyAdds }
    override func tearDown() { Dense.parallelMultiplyAdds = savedMultiplyAdds }

    func testPanelsStoreEachColumnBlockRowMajor() {
        // [a b c; d e f] with panels {0}, {1, 2}: column by column, [a d | b e c f].
        let panels = ColumnPanels(rows: 2, columns: 3, bounds: [0, 1, 3])
        let rowMajor: [Float] = [1, 2, 3, 4, 5, 6]
        var stored = [Float](repeating: 0, count: 6), back = [Float](repeating: 0, count: 6)
        stored.withUnsafeMutableBufferPointer { panels.arrange(rowMajor, into: $0.baseAddress!) }
        XCTAssertEqual(stored, [1, 4, 2, 5, 3, 6])
        back.withUnsafeMutableBufferPointer { panels.rowMajor(stored, into: $0.baseAddress!) }
        XCTAssertEqual(back, rowMajor)
    }

    func testPanelledKernelReadsAndWritesRowMajor() throws {
        func built(multiplyAdds: Int) throws -> Dense {
            Dense.parallelMultiplyAdds = multiplyAdds
            setRandomSeed(21)
            let dense = Dense(70, activation: .relu)
            try dense.build(inputShape: [40])
            return dense
        }
        let rowMajor = try built(multiplyAdds: 1 << 40), panelled = try built(multiplyAdds: 1)
        XCTAssertNil(rowMajor.kernel!.panels)
        let panels = try XCTUnwrap(panelled.kernel!.panels)
        XCTAssertEqual(panels.bounds, [0, 35, 70])
        let expected = rowMajor.kernel!.scalars
        XCTAssertEqual(panelled.kernel!.scalars, expected, "the initializer's draw does not depend on the layout")
        XCTAssertEqual(panelled.kernel!.value, rowMajor.kernel!.value)
        // Storage: panel [lo, hi) from 40·lo, column by column: row r of column c at 40·lo + 40·(c - lo) + r.
        let storage = panelled.kernel!.values
        for r in 0..<40 {
            for c in 0..<70 {
                let lo = c < 35 ? 0 : 35
                XCTAssertEqual(storage[40 * lo + 40 * (c - lo) + r], expected[r * 70 + c], "row \(r) column \(c)")
            }
        }
        let replacement = try Tensor<Float>(shape: [40, 70], scalars: uniformValues(2800, seed: 22))
        try panelled.kernel!.assign(replacement)
        XCTAssertEqual(panelled.kernel!.value, replacement)
        try panelled.kernel!.assignGradient(replacement)
        XCTAssertEqual(panelled.kernel!.gradient, replacement)
        // The forward pass reads the panels: same output as the row-major layer given the same kernel.
        try rowMajor.kernel!.assign(replacement)
        let x = try Tensor<Float>(shape: [5, 40], scalars: uniformValues(200, seed: 23))
        Dense.parallelMultiplyAdds = 1
        assertClose(try panelled(x).scalars, try rowMajor(x).scalars, tolerance: 1e-6)
    }

    /// The panelled forward pass (each panel's `yₚᵀ` from SGEMM, moved into y's columns by register-block
    /// transposes, then bias and relu along the rows) against a naive loop in Double, with a non-zero bias, for
    /// batches that are no multiple of the 4- and 8-wide transpose blocks, and bit for bit against the row-major
    /// layer (both sum each output's 40 products in one order, then add the bias, then relu).
    func testPanelledForwardAddsBiasAndReluForAnyBatch() throws {
        Dense.parallelMultiplyAdds = 1
        setRandomSeed(31)
        let panelled = Dense(70, activation: .relu), rowMajor = Dense(70, activation: .relu)
        try panelled.build(inputShape: [40])
        Dense.parallelMultiplyAdds = 1 << 40
        try rowMajor.build(inputShape: [40])
        Dense.parallelMultiplyAdds = 1
        XCTAssertNotNil(panelled.kernel!.panels)
        let kernel = uniformValues(2800, seed: 32), bias = uniformValues(70, seed: 33, low: -0.5, high: 0.5)
        for layer in [panelled, rowMajor] {
            try layer.kernel!.assign(Tensor<Float>(shape: [40, 70], scalars: kernel))
            try layer.bias!.assign(Tensor<Float>(shape: [70], scalars: bias))
        }
        for batch in [1, 3, 9, 17, 37] {
            let input = uniformValues(batch * 40, seed: 40 + UInt32(batch))
            let x = try Tensor<Float>(shape: [batch, 40], scalars: input)
            let y = try panelled(x).scalars
            var expected = [Float](repeating: 0, count: batch * 70)
            for r in 0..<batch {
                for c in 0..<70 {
                    var sum = Double(bias[c])
                    for p in 0..<40 { sum += Double(input[r * 40 + p]) * Double(kernel[p * 70 + c]) }
                    expected[r * 70 + c] = Float(Swift.max(sum, 0))
                }
            }
            assertClose(y, expected, tolerance: 1e-5, "batch \(batch)")
            XCTAssertEqual(y.map(\.bitPattern), try rowMajor(x).scalars.map(\.bitPattern), "batch \(batch)")
        }
    }

    /// A model whose first kernel is panelled trains like the row-major one (weights and Adam moments, read
    /// row-major), and its saved file resumes training bit for bit.
    func testPanelledModelTrainsSavesAndResumesLikeRowMajor() throws {
        let x = try Tensor<Float>(shape: [64, 40], scalars: uniformValues(64 * 40, seed: 24))
        let y = Tensor<Float>((0..<64).map { Float($0 % 3) })
        func trained(multiplyAdds: Int) throws -> Sequential {
            Dense.parallelMultiplyAdds = multiplyAdds
            setRandomSeed(25)
            let model = Sequential {
                Dense(70, activation: .relu, inputShape: [40])
                Dense(3, activation: .softmax)
            }
            try model.compile(optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy)
            try model.fit(x, y, epochs: 2, batchSize: 16, shuffle: false, verbose: 0)
            return model
        }
        let rowMajor = try trained(multiplyAdds: 1 << 40), panelled = try trained(multiplyAdds: 1)
        XCTAssertNotNil((panelled.layers[0] as! Dense).kernel!.panels)
        for (a, b) in zip(panelled.getWeights(), rowMajor.getWeights()) { assertClose(a.scalars, b.scalars, tolerance: 1e-5) }
        let kernels = [panelled, rowMajor].map { ($0.layers[0] as! Dense).kernel! }
        let states = zip([panelled, rowMajor], kernels).map { $0.0.optimizer!.savedState(for: $0.1) }
        XCTAssertEqual(states[0].map(\.name), ["m", "v"])
        for (a, b) in zip(states[0], states[1]) { assertClose(a.value.scalars, b.value.scalars, tolerance: 1e-5, a.name) }

        let directory = temporaryDirectory()
        try panelled.save(directory + "/panelled.safetensors")
        let restored = try loadModel(directory + "/panelled.safetensors")
        XCTAssertNotNil((restored.layers[0] as! Dense).kernel!.panels)
        XCTAssertEqual(restored.getWeights(), panelled.getWeights())
        try panelled.fit(x, y, epochs: 1, batchSize: 16, shuffle: false, verbose: 0)
        try restored.fit(x, y, epochs: 1, batchSize: 16, shuffle: false, verbose: 0)
        XCTAssertEqual(restored.getWeights(), panelled.getWeights(), "the restored moments were put in panel order")
    }
}
