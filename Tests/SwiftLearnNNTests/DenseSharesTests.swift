import XCTest
import SwiftLearnSystem
import SwiftLearnTensor
@testable import SwiftLearnNN

/// Dense products split into column (and row) shares on the worker pool: the shares depend on the shape
/// only, the split layer matches naive loops in Double, and its bits do not depend on the thread count.
final class DenseSharesTests: XCTestCase {
    private var saved = (threads: 0, multiplyAdds: 0)

    override func setUp() {
        saved = (Parallelism.threadCount, Dense.parallelMultiplyAdds)
        Dense.parallelMultiplyAdds = 1
    }

    override func tearDown() {
        Parallelism.threadCount = saved.threads
        Dense.parallelMultiplyAdds = saved.multiplyAdds
    }

    func testSharesCoverTheOutputOnVectorBoundaries() {
        Parallelism.threadCount = 1
        func ranges(_ count: Int) -> [Range<Int>] {
            var result: [Range<Int>] = []
            forEachShare(of: count, multiplyAdds: 1 << 30) { result.append($0) }
            return result
        }
        XCTAssertEqual(ranges(31), [0..<31])
        XCTAssertEqual(ranges(100), [0..<48, 48..<100])
        XCTAssertEqual(ranges(130), [0..<32, 32..<64, 64..<96, 96..<130])
        XCTAssertEqual(ranges(784), [0..<192, 192..<384, 384..<576, 576..<784])
        Dense.parallelMultiplyAdds = 1 << 17
        XCTAssertEqual(Dense.shareCount(100, multiplyAdds: 32 * 100 * 784), 2)
        XCTAssertEqual(Dense.shareCount(10, multiplyAdds: 32 * 10 * 100), 1)
        XCTAssertEqual(Dense.shareCount(1000, multiplyAdds: (1 << 17) * 3), 2, "each share is worth the threshold")
    }

    /// Forward (bias + relu, bias + softmax) and backward (dW, db, dx) of a layer split into 4 column
    /// shares and 2 or 4 row shares, against loops in Double; bit-identical for 1, 2 and 3 threads.
    func testSplitDenseMatchesNaiveLoops() throws {
        let batch = 9, inputs = 70, units = 130
        let x = uniformValues(batch * inputs, seed: 31)
        let upstream = uniformValues(batch * units, seed: 32)
        var first: [[Float]]? = nil
        for threads in [1, 2, 3] {
            Parallelism.threadCount = threads
            for activation: ActivationFunction in [.relu, .softmax] {
                setRandomSeed(33)
                let dense = Dense(units, activation: activation, biasInitializer: .randomUniform(min: -0.5, max: 0.5))
                try dense.build(inputShape: [inputs])
                let input = try Tensor<Float>(shape: [batch, inputs], scalars: x)
                let output = try dense(input)
                let dx = try dense.backward(inputs: input, outputs: output, outputGradient: try Tensor(shape: [batch, units], scalars: upstream))
                let w = dense.kernel!.scalars, b = dense.bias!.scalars
                // Naive forward in Double.
                var y = [Double](repeating: 0, count: batch * units)
                for r in 0..<batch {
                    for j in 0..<units {
                        var sum = Double(b[j])
                        for i in 0..<inputs { sum += Double(x[r * inputs + i]) * Double(w[i * units + j]) }
                        y[r * units + j] = activation == .relu ? max(sum, 0) : sum
                    }
                    if activation == .softmax {
                        let row = y[r * units..<(r + 1) * units], top = row.max()!
                        let total = row.reduce(0) { $0 + exp($1 - top) }
                        for j in 0..<units { y[r * units + j] = exp(y[r * units + j] - top) / total }
                    }
                }
                assertClose(output.scalars, y.map { Float($0) }, tolerance: 1e-5, "\(activation) forward, \(threads) threads")
                // Naive backward: dz from the activation, then dW = xᵀ dz, db = Σ dz, dx = dz Wᵀ.
                var dz = [Double](repeating: 0, count: batch * units)
                for r in 0..<batch {
                    let dot = (0..<units).reduce(0.0) { $0 + Double(upstream[r * units + $1]) * y[r * units + $1] }
                    for j in 0..<units {
                        let g = Double(upstream[r * units + j]), value = y[r * units + j]
                        dz[r * units + j] = activation == .relu ? (value > 0 ? g : 0) : value * (g - dot)
                    }
                }
                var dw = [Double](repeating: 0, count: inputs * units), db = [Double](repeating: 0, count: units)
                var dxExpected = [Double](repeating: 0, count: batch * inputs)
                for r in 0..<batch {
                    for j in 0..<units {
                        db[j] += dz[r * units + j]
                        for i in 0..<inputs {
                            dw[i * units + j] += Double(x[r * inputs + i]) * dz[r * units + j]
                            dxExpected[r * inputs + i] += dz[r * units + j] * Double(w[i * units + j])
                        }
                    }
                }
                assertClose(dense.kernel!.gradient.scalars, dw.map { Float($0) }, tolerance: 1e-5, "\(activation) dW, \(threads) threads")
                assertClose(dense.bias!.gradient.scalars, db.map { Float($0) }, tolerance: 1e-5, "\(activation) db, \(threads) threads")
                assertClose(dx.scalars, dxExpected.map { Float($0) }, tolerance: 1e-5, "\(activation) dx, \(threads) threads")
                let results = [output.scalars, dense.kernel!.gradient.scalars, dense.bias!.gradient.scalars, dx.scalars]
                if activation == .relu {
                    if let first { XCTAssertEqual(results, first, "\(threads) threads changed the bits") } else { first = results }
                }
            }
        }
    }
}
