import SwiftLearnSystem
import XCTest
@testable import SwiftLearnGEMM

final class GEMMDeterminismTests: XCTestCase {
    /// The result is bit-identical for 1, 2, 3, 4 and 7 threads, on both drivers.
    func testThreadCountDoesNotChangeBits() {
        let cases = [
            GEMMCase(m: 61, n: 75, k: 300, alpha: 0.75, beta: -0.5, seed: 11),
            GEMMCase(m: 250, n: 40, k: 20, transA: true, transB: true, alpha: 1, beta: 0, seed: 12),
        ]
        for test in cases {
            for path in [GEMMProblem.Path.rows, .direct, .packed] where !(path != .packed && test.transB) {
                let single = test.run(kernel: selectedMicrokernel, threads: 1, path: path)
                for threads in [2, 3, 4, 7] {
                    let multi = test.run(kernel: selectedMicrokernel, threads: threads, path: path)
                    XCTAssertEqual(single.map(\.bitPattern), multi.map(\.bitPattern), "\(path) with \(threads) threads")
                }
            }
        }
    }

    /// Both drivers sum k in the same slabs in the same order, so they agree bit for bit, and
    /// every variant of one arithmetic family agrees with that family's scalar reference kernel.
    func testPathsAndVariantsAgreeBitForBit() {
        let test = GEMMCase(m: 20, n: 50, k: 270, alpha: -0.5, beta: 1, padding: 1, seed: 13)
        for family in [MicrokernelVariant.Arithmetic.fused, .separate] {
            let reference = test.run(kernel: .reference(family, nr: 8), threads: 1, path: .packed).map(\.bitPattern)
            for variant in MicrokernelVariant.all where variant.arithmetic == family {
                for path in [GEMMProblem.Path.rows, .direct, .packed] {
                    XCTAssertEqual(test.run(kernel: variant, threads: 2, path: path).map(\.bitPattern), reference,
                                   "\(variant.name) on the \(path) path differs from the \(family) reference kernel")
                }
            }
        }
    }

    /// The microkernel contract on its own: packed and strided operands, beta 0 (C holds NaN) and not.
    func testEachMicrokernelAgainstReferenceKernel() {
        var random = TestRandom(seed: 99)
        let mr = GEMMBlocking.mr, k = 37
        for variant in MicrokernelVariant.all {
            let nr = variant.nr
            let reference = MicrokernelVariant.reference(variant.arithmetic, nr: nr)
            let a = random.floats(mr * k * 3), b = random.floats(k * nr * 2)
            for (aRow, aDepth, bDepth) in [(1, mr, nr), (k * 3, 2, 2 * nr)] {
                for (alpha, beta) in [(Float(1), Float(0)), (-0.5, 1), (0.25, -0.5)] {
                    let initial = beta == 0 ? [Float](repeating: .nan, count: mr * (nr + 3)) : random.floats(mr * (nr + 3))
                    var expected = initial, actual = initial
                    a.withUnsafeBufferPointer { a in
                        b.withUnsafeBufferPointer { b in
                            expected.withUnsafeMutableBufferPointer { c in
                                reference.run(k, a.baseAddress!, aRow, aDepth, b.baseAddress!, bDepth, alpha, beta, c.baseAddress!, nr + 3)
                            }
                            actual.withUnsafeMutableBufferPointer { c in
                                variant.run(k, a.baseAddress!, aRow, aDepth, b.baseAddress!, bDepth, alpha, beta, c.baseAddress!, nr + 3)
                            }
                        }
                    }
                    XCTAssertEqual(actual.map(\.bitPattern), expected.map(\.bitPattern),
                                   "\(variant.name) strides (\(aRow), \(aDepth), \(bDepth)) alpha \(alpha) beta \(beta)")
                }
            }
        }
    }

    func testSelectionPicksACompiledVariantAndThreadSettingClamps() {
        XCTAssertTrue(MicrokernelVariant.all.contains { $0.name == selectedMicrokernel.name })
        let saved = Parallelism.threadCount
        Parallelism.threadCount = 0
        XCTAssertEqual(Parallelism.threadCount, 1)
        Parallelism.threadCount = saved
    }
}
