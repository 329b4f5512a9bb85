import XCTest
import SwiftLearnSystem
import SwiftLearnTensor
@testable import SwiftLearnNN

/// `ForwardPass`, the one setup of a forward pass: run in two layer ranges (as the training step runs it, the
/// second range beside the next batch's gather) it gives every layer's output of naive loops in Double, and the
/// same bits as the pass run whole (`withForwardPass`, which predict and evaluate use).
final class ForwardPassTests: XCTestCase {
    func testPassInTwoRangesMatchesNaiveLoopsAndTheWholePass() throws {
        let batch = 6, widths = [9, 20, 12, 5]
        setRandomSeed(41)
        let model = Sequential([Dense(widths[1], activation: .relu, biasInitializer: .randomUniform(min: -0.3, max: 0.3), inputShape: [widths[0]]),
                                Dense(widths[2], activation: .relu, biasInitializer: .randomUniform(min: -0.3, max: 0.3)),
                                Dense(widths[3], activation: .softmax)])
        try model.build(inputShape: [widths[0]])
        let x = uniformValues(batch * widths[0], seed: 42)
        let weights = model.getWeights().map(\.scalars)
        // Naive layers in Double: relu, relu, softmax.
        var expected: [[Double]] = []
        var current = x.map(Double.init)
        for layer in 0..<3 {
            let (fanIn, fanOut) = (widths[layer], widths[layer + 1])
            let (w, b) = (weights[2 * layer], weights[2 * layer + 1])
            var next = [Double](repeating: 0, count: batch * fanOut)
            for r in 0..<batch {
                for j in 0..<fanOut {
                    var sum = Double(b[j])
                    for i in 0..<fanIn { sum += current[r * fanIn + i] * Double(w[i * fanOut + j]) }
                    next[r * fanOut + j] = layer < 2 ? max(sum, 0) : sum
                }
                if layer == 2 {
                    let row = next[r * fanOut..<(r + 1) * fanOut], top = row.max()!
                    let total = row.reduce(0) { $0 + exp($1 - top) }
                    for j in 0..<fanOut { next[r * fanOut + j] = exp(next[r * fanOut + j] - top) / total }
                }
            }
            expected.append(next)
            current = next
        }
        try x.withUnsafeBufferPointer { input in
            for split in 0...3 {
                var forward = ForwardPass(model, input: input, batchSize: batch, training: false, activationLeftToLoss: false)
                try forward.run(upTo: split)
                XCTAssertEqual(forward.layersRun, split)
                try forward.run(upTo: 3)
                let outputs = forward.trace.outputs.map { Array($0) }
                for layer in 0..<3 {
                    assertClose(outputs[layer], expected[layer].map { Float($0) }, tolerance: 1e-5, "layer \(layer), split at \(split)")
                }
                let whole = try model.withForwardPass(input, batchSize: batch, training: false, activationLeftToLoss: false) {
                    $0.outputs.map { Array($0) }
                }
                XCTAssertEqual(outputs, whole, "split at \(split) changed the bits")
            }
        }
    }
}
