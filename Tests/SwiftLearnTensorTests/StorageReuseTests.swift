import Foundation
import XCTest
import SwiftLearnSystem
import SwiftLearnTestSupport
@testable import SwiftLearnTensor

/// Operators and unary maps compute a temporary operand's result in its own storage (numpy's temporary
/// elision): the result must match numpy, equal the fresh-buffer path bit for bit, and never write through
/// storage another value still holds.
final class StorageReuseTests: XCTestCase {
    func testUniquenessCheckAnswersCorrectlyOnThisPlatform() {
        XCTAssertTrue(StorageUniqueness.isReliable, "the Array layout check failed: every operation takes the fresh path")
        var alone = [Float](repeating: 3, count: 10)
        XCTAssertTrue(StorageUniqueness.isUnique(&alone))
        var shared = alone
        withExtendedLifetime(alone) { XCTAssertFalse(StorageUniqueness.isUnique(&shared)) }
        var empty: [Float] = []
        XCTAssertFalse(StorageUniqueness.isUnique(&empty), "the shared empty-array storage must never be written")
    }

    /// `Tensor<Float>(bytes) / 255` (Keras's first line) reuses the conversion's buffer and matches numpy's
    /// `x.astype(np.float32) / np.float32(255)` exactly, over all 256 byte values and a vector tail.
    func checkScaledBytes<S: TensorFloatingPoint>(_: S.Type) throws {
        let bytes = (0..<517).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 256) }
        let expected = try TensorFastPathTests.numpy("x.astype(np.\(S.dtypeName)) / np.\(S.dtypeName)(255)", bytes)
        let input = Tensor<UInt8>(bytes)
        let converted = Tensor<S>(input)
        let address = converted.withUnsafeBufferPointer { $0.baseAddress }
        let scaled = (consume converted) / 255
        XCTAssertEqual(scaled.withUnsafeBufferPointer { $0.baseAddress }, address, "\(S.self): the temporary was not reused")
        XCTAssertEqual(scaled.scalars.map { $0.doubleValue }, expected, "\(S.self)")
        XCTAssertEqual((Tensor<S>(input) / 255).scalars.map(\.doubleValue), expected, "\(S.self) as one expression")
        XCTAssertEqual(input.astype(S.self) / 255, scaled)
    }

    func testScaledBytesReuseTheConversionAndMatchNumpy() throws {
        try checkScaledBytes(Float.self)
        try checkScaledBytes(Double.self)
    }

    /// Chains of temporaries (`(x - 1) * 2`, `exp(x * 0.5)`, broadcasts into the left operand's shape) against
    /// numpy, including NaN, infinities, zeros and denormals; each equals the same expression on a held operand.
    func checkChains<S: TensorFloatingPoint>(_: S.Type) throws {
        var values: [S] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNormalMagnitude, 3, 0.5]
        var generator = SplitMix64(seed: 23)
        while values.count < 6 * 37 { values.append(S(Double.random(in: -8...8, using: &generator))) }
        let shape = [6, 37]
        let x = try Tensor<S>(shape: shape, scalars: values)
        let row = Tensor<S>((0..<37).map { S($0) / 8 - 2 })
        let expressions = ["(x - 1) * 2", "np.exp(x * 0.5)", "np.tanh(x / 3)", "np.sqrt(np.abs(x) + 1)",
                           "np.maximum((x + (np.arange(37) / 8 - 2).astype(x.dtype)) * 3, 0)", "-(x * 2)", "1 / (1 + np.exp(-(x * 2)))",
                           "np.log(x * x + 1)", "(x > 0.5) * 1.0"]
        let expected = try TensorFastPathTests.numpy(expressions.map { "(\($0)).astype(np.\(S.dtypeName))" }, values, shape: shape)
        let held = x * 2
        let fresh: [Tensor<S>] = [held - 2, held.sigmoid(), Tensor.maximum(x + row, 0)]
        let temporaries: [Tensor<S>] = [(x - 1) * 2, (x * 0.5).exp(), tanh(x / 3), (x.abs() + 1).sqrt(),
                                        Tensor.maximum((x + row) * 3, 0), -(x * 2), (x * 2).sigmoid(),
                                        (x * x + 1).log(), (x .> 0.5) * 1]
        for (name, (tensor, wanted)) in zip(expressions, zip(temporaries, expected)) {
            XCTAssertEqual(tensor.shape, shape, name)
            for (index, (a, e)) in zip(tensor.scalars.map(\.doubleValue), wanted).enumerated() {
                if e.isNaN { XCTAssert(a.isNaN, "\(S.self) \(name)[\(index)]: expected NaN, got \(a)"); continue }
                // Both sides round each step in S; the transcendentals differ by up to ~2 ulp each (ours, numpy's).
                let tolerance = 8 * S.ulpOfOne.doubleValue * Swift.max(Swift.abs(e), S.leastNormalMagnitude.doubleValue)
                XCTAssertEqual(a, e, accuracy: tolerance, "\(S.self) \(name)[\(index)]")
            }
        }
        // In place and fresh paths run the same kernel: identical bits.
        XCTAssertEqual(fresh[0].scalars.map { $0.doubleValue.bitPattern }, ((x * 2) - 2).scalars.map { $0.doubleValue.bitPattern })
        XCTAssertEqual(fresh[1].scalars.map { $0.doubleValue.bitPattern }, temporaries[6].scalars.map { $0.doubleValue.bitPattern })
        XCTAssertEqual(fresh[2].scalars.map { $0.doubleValue.bitPattern }, Tensor.maximum(x + row, 0).scalars.map { $0.doubleValue.bitPattern })
    }

    func testChainsOfTemporariesMatchNumpyAndTheFreshPath() throws {
        try checkChains(Float.self)
        try checkChains(Double.self)
    }

    /// Value semantics: an operand still held elsewhere (a copy, a reshaped view, a captured value) is never
    /// written, and a broadcast that grows the left operand's shape takes a fresh buffer.
    func testHeldOperandsAreNeverWritten() throws {
        let x = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var copy = x
        let view = copy.reshaped([3, 2])
        let halved = copy / 2
        XCTAssertEqual(copy.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(view.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(halved.scalars, [0.5, 1, 1.5, 2, 2.5, 3])
        copy = copy.exp()
        XCTAssertEqual(x.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(view.scalars, [1, 2, 3, 4, 5, 6])
        let captured = { x.log() }
        _ = x.sqrt()
        for (value, logarithm) in zip([1, 2, 3, 4, 5, 6] as [Double], captured().scalars) {
            XCTAssertEqual(Double(logarithm), Foundation.log(value), accuracy: 1e-6)
        }
        let grown = Tensor<Float>([1, 2, 3]) + (try Tensor<Float>(shape: [2, 1], scalars: [10, 20]))
        XCTAssertEqual(grown.shape, [2, 3])
        XCTAssertEqual(grown.scalars, [11, 12, 13, 21, 22, 23])
        XCTAssertEqual(x.scalars, [1, 2, 3, 4, 5, 6])
    }

    /// Empty temporaries (the shared empty storage is never unique) and temporaries made from non-contiguous
    /// selections (a transposed copy, a strided column slice) take the right path and keep their shapes.
    func testEmptyAndSlicedTemporariesMatchNumpy() throws {
        let empty = (Tensor<Float>.zeros([0, 3]) * 2 + 1).exp()
        XCTAssertEqual(empty.shape, [0, 3])
        XCTAssertEqual(empty.count, 0)
        XCTAssertEqual((-Tensor<Double>.zeros([2, 0])).shape, [2, 0])
        let values = (0..<24).map { Double($0) - 11.5 }
        let x = try Tensor<Double>(shape: [4, 6], scalars: values)
        let expected = try TensorFastPathTests.numpy(["np.tanh(x.T * 0.25)", "np.maximum(x[:, ::2] - 1, 0) / 3"], values, shape: [4, 6])
        let transposed = (x.transposed() * 0.25).tanh()
        XCTAssertEqual(transposed.shape, [6, 4])
        for (a, e) in zip(transposed.scalars, expected[0]) { XCTAssertEqual(a, e, accuracy: 4 * Double.ulpOfOne * Swift.abs(e)) }
        let sliced = Tensor.maximum(x[.all, .stride(by: 2)] - 1, 0) / 3
        XCTAssertEqual(sliced.shape, [4, 3])
        XCTAssertEqual(sliced.scalars, expected[1])
        XCTAssertEqual(x.scalars, values)
    }
}
