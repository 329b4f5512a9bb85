import XCTest
@testable import SwiftLearnGEMM

final class GEMMCorrectnessTests: XCTestCase {
    /// Checks `result` against the naive Double loop with a forward-error bound relative to k:
    /// |c - c_ref| <= (k + 3) * u * (Σ|alpha a b| + |beta c|), u = 2^-23 for Float; for Double, whose
    /// reference rounds like the result, twice that (both sides' error).
    func assertMatchesReference<Scalar>(_ test: GEMMTestCase<Scalar>, _ result: [Scalar], _ label: String,
                                        file: StaticString = #filePath, line: UInt = #line) {
        let (expected, magnitude) = test.reference()
        let unit = Double(Scalar.ulpOfOne) * (Scalar.self == Double.self ? 2 : 1)
        for i in 0..<test.m {
            for j in 0..<test.ldc {
                let index = i * test.ldc + j
                if j >= test.n {
                    let untouched = result[index] == test.cInitial[index] || (result[index].isNaN && test.cInitial[index].isNaN)
                    XCTAssertTrue(untouched, "\(label): padding C[\(i), \(j)] was written", file: file, line: line)
                    continue
                }
                let bound = Double(test.k + 3) * unit * magnitude[index] + 1e-30
                let error = abs(Double(result[index]) - expected[index])
                if !(error <= bound) {
                    XCTFail("\(label): C[\(i), \(j)] = \(result[index]), expected \(expected[index]) (bound \(bound))",
                            file: file, line: line)
                    return
                }
            }
        }
    }

    func label<Scalar>(_ t: GEMMTestCase<Scalar>) -> String {
        "m=\(t.m) n=\(t.n) k=\(t.k) transA=\(t.transA) transB=\(t.transB) alpha=\(t.alpha) beta=\(t.beta) lda=\(t.lda) ldb=\(t.ldb) ldc=\(t.ldc)"
    }

    /// Sizes around every block boundary: MR (6), NR (8/16/32), KC (256), plus 0, 1 and primes.
    func testShapesAroundBlockBoundariesAllTransposes() {
        checkShapesAroundBlockBoundaries(Float.self)
    }

    /// DGEMM through the same driver with its own tiles (NR 16/8/4).
    func testDoubleShapesAroundBlockBoundariesAllTransposes() {
        checkShapesAroundBlockBoundaries(Double.self)
    }

    func checkShapesAroundBlockBoundaries<Scalar: GEMMTestScalar>(_: Scalar.Type) {
        let shapes: [(Int, Int, Int)] = [
            (0, 5, 3), (5, 0, 3), (4, 6, 0), (1, 1, 1), (5, 31, 7), (6, 32, 8), (7, 33, 9),
            (13, 17, 19), (2, 97, 3), (23, 8, 29), (12, 64, 255), (11, 16, 256), (5, 15, 257),
            (37, 41, 43), (1, 70, 1), (70, 1, 13),
        ]
        var seed: UInt64 = 0
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    for (alpha, beta) in [(Scalar(1), Scalar(0)), (-0.5, 1), (1, -0.5), (0, -0.5), (-0.5, 0)] {
                        seed += 1
                        let test = GEMMTestCase<Scalar>(m: m, n: n, k: k, transA: transA, transB: transB,
                                            alpha: alpha, beta: beta, padding: Int(seed % 3) * 2, seed: seed)
                        assertMatchesReference(test, test.run(), label(test))
                    }
                }
            }
        }
    }

    /// Both drivers, every variant, against the naive loop, on shapes spanning the MC and KC blocks.
    func testBothPathsEveryVariant() {
        checkBothPathsEveryVariant(Float.self)
        checkBothPathsEveryVariant(Double.self)
    }

    func checkBothPathsEveryVariant<Scalar: GEMMTestScalar>(_: Scalar.Type) {
        // Debug builds run these generic paths unspecialized: DGEMM gets narrower cases (same boundaries).
        let wide = Scalar.self == Float.self
        let cases = [
            GEMMTestCase<Scalar>(m: 245, n: wide ? 19 : 5, k: 261, alpha: 1, beta: 0.5, padding: 3, seed: 7),   // > mcMax rows, > KC depth
            GEMMTestCase<Scalar>(m: 29, n: wide ? 70 : 21, k: 300, transA: true, alpha: -0.5, beta: 0, seed: 8),
            GEMMTestCase<Scalar>(m: 19, n: wide ? 45 : 17, k: 31, transB: true, alpha: 1, beta: 1, padding: 1, seed: 9),
        ]
        // DGEMM's variants are each held to the reference kernel in GEMMDeterminismTests; here its
        // selected kernel and the references cover the drivers.
        let variants = (wide ? GEMMKernel<Scalar>.all : [Scalar.selectedGEMMKernel]) + [
            .reference(.fused, nr: 8), .reference(.separate, nr: 16),
        ]
        for test in cases {
            for variant in variants {
                for path in [GEMMPath.rows, .direct, .columns, .packed] where !((path == .rows || path == .direct) && test.transB) {
                    assertMatchesReference(test, test.run(kernel: variant, threads: 2, path: path),
                                           "\(variant.name) \(path) \(label(test))")
                }
            }
        }
    }

    /// DGEMM sums k in slabs eight times deeper than SGEMM's (`GEMMBlocking.kc(Double.self)`): shapes across one
    /// and two of its slab boundaries, beta 0 and not, give the naive loop's values and the same bits on every path
    /// and on 1, 2 and 3 threads.
    func testDoubleAcrossItsSlabBoundaries() {
        let kc = GEMMBlocking.kc(Double.self)
        XCTAssertGreaterThan(kc, GEMMBlocking.kc)
        for (index, (m, n, k, beta)) in [(13, 21, kc + 5, 0.5), (7, 40, 2 * kc + 3, 0.0), (3, 9, kc - 1, 1.0)].enumerated() {
            let test = GEMMTestCase<Double>(m: m, n: n, k: k, transA: index == 1, alpha: 1.5, beta: beta, padding: 1,
                                            seed: 300 + UInt64(index))
            let single = test.run(kernel: Double.selectedGEMMKernel, threads: 1, path: .packed)
            assertMatchesReference(test, single, "packed 1 thread \(label(test))")
            for path in [GEMMPath.rows, .direct, .columns, .packed] {
                for threads in [1, 2, 3] {
                    XCTAssertEqual(bitPatterns(test.run(kernel: Double.selectedGEMMKernel, threads: threads, path: path)),
                                   bitPatterns(single), "\(path) \(threads) threads \(label(test))")
                }
            }
        }
    }

    /// SGEMM sums k in 256-deep slabs up to k = 1024 and in 2048-deep ones beyond (`GEMMBlocking.kc(_:k:)`): shapes
    /// on both sides of the switch and across one and two deep slab boundaries, beta 0 and not, give the naive loop's
    /// values and the same bits on every path, for the selected variant and another height of its family, on 1, 2
    /// and 3 threads.
    func testFloatAcrossItsDeepSlabBoundaries() {
        let shallowK = GEMMBlocking.floatDeepSlabMinimumK, deep = GEMMBlocking.kc(Float.self, k: shallowK + 1)
        XCTAssertEqual(GEMMBlocking.kc(Float.self, k: shallowK), GEMMBlocking.kc)
        XCTAssertGreaterThan(deep, shallowK)
        let shapes = [(13, 21, shallowK, Float(0.5)), (7, 40, shallowK + 1, 0), (14, 9, deep + 5, 1), (3, 33, 2 * deep + 3, 0.5)]
        let selected = Float.selectedGEMMKernel
        let other = GEMMKernel<Float>.all.first { $0.arithmetic == selected.arithmetic && $0.mr != selected.mr } ?? selected
        for (index, (m, n, k, beta)) in shapes.enumerated() {
            let test = GEMMCase(m: m, n: n, k: k, transA: index % 2 == 1, alpha: 1.5, beta: beta, padding: 1, seed: 400 + UInt64(index))
            let single = test.run(kernel: selected, threads: 1, path: .packed)
            assertMatchesReference(test, single, "packed 1 thread \(label(test))")
            for kernel in [selected, other] {
                for path in [GEMMPath.rows, .direct, .columns, .packed] {
                    for threads in [1, 2, 3] {
                        XCTAssertEqual(bitPatterns(test.run(kernel: kernel, threads: threads, path: path)), bitPatterns(single),
                                       "\(kernel.name) \(path) \(threads) threads \(label(test))")
                    }
                }
            }
        }
    }

    /// Fewer row blocks of C than threads (a head run as Cᵀ has m = 10): each worker packs the B micro-panels of its
    /// own column part and runs all slabs in one fan-out. Several KC slabs and two NC panels, plain and transposed
    /// B, beta 0 and not: the naive loop's values, and the bits of one thread (which packs B on its own) on 2 and
    /// 3 threads, for the scalar reference kernel and the selected one.
    func testPackedPathWithFewRowsPacksEachWorkersOwnB() {
        var seed: UInt64 = 120
        for (m, n, k) in [(10, 300, 2 * GEMMBlocking.kc + 5), (3, GEMMBlocking.ncMax + 40, 20), (7, 45, 9)] {
            for transB in [false, true] {
                for beta: Float in [0, 0.5] {
                    seed += 1
                    let test = GEMMCase(m: m, n: n, k: k, transB: transB, alpha: 1.5, beta: beta, padding: 1, seed: seed)
                    for kernel in [GEMMKernel<Float>.reference(Float.selectedGEMMKernel.arithmetic, mr: 12, nr: 16),
                                   Float.selectedGEMMKernel] {
                        let single = test.run(kernel: kernel, threads: 1, path: .packed)
                        assertMatchesReference(test, single, "\(kernel.name) 1 thread \(label(test))")
                        for threads in [2, 3] {
                            XCTAssertEqual(bitPatterns(test.run(kernel: kernel, threads: threads, path: .packed)), bitPatterns(single),
                                           "\(kernel.name) \(threads) threads \(label(test))")
                        }
                    }
                }
            }
        }
    }

    /// The column path (a transposed B packed one NR-wide column over all of k at a time, A read in place, each
    /// column of C through every KC slab before the next): the shapes that take it by default (a Dense panel's
    /// forward, 50 rows; edge rows and an edge column; two and three slabs), beta 0 (C holds NaN) and not, give
    /// the naive loop's values and the packed path's bits with the scalar reference kernel, on 1, 2 and 3 threads
    /// and through the public entry point.
    func testColumnPathMatchesThePackedPath() {
        let kc = GEMMBlocking.kc
        var seed: UInt64 = 500
        for (m, n, k) in [(50, 70, 2 * kc + 16), (23, 200, kc + 3), (7, 100, 400)] {
            for (alpha, beta): (Float, Float) in [(1, 0), (-0.5, 0.75)] {
                seed += 1
                let test = GEMMCase(m: m, n: n, k: k, transB: true, alpha: alpha, beta: beta, padding: 1, seed: seed)
                XCTAssertEqual(test.problem { $0.path }, .columns, label(test))
                let selected = Float.selectedGEMMKernel
                let expected = bitPatterns(test.run(kernel: .reference(selected.arithmetic, mr: selected.mr, nr: selected.nr),
                                                    threads: 1, path: .packed))
                assertMatchesReference(test, test.run(), "public entry \(label(test))")
                XCTAssertEqual(bitPatterns(test.run()), bitPatterns(test.run(kernel: selected, threads: 1, path: .packed)),
                               "public entry against the packed path \(label(test))")
                for threads in [1, 2, 3] {
                    XCTAssertEqual(bitPatterns(test.run(kernel: selected, threads: threads, path: .columns)), expected,
                                   "\(selected.name) \(threads) threads \(label(test))")
                }
            }
        }
        // Taller A or transposed A keep the packed path.
        XCTAssertEqual(GEMMCase(m: GEMMProblem<Float>.columnPathRows + 1, n: 40, k: 30, transB: true, alpha: 1, beta: 0,
                                seed: 1).problem { $0.path }, .packed)
        XCTAssertEqual(GEMMCase(m: 50, n: 40, k: 30, transA: true, transB: true, alpha: 1, beta: 0, seed: 1).problem { $0.path },
                       .packed)
    }

    /// `transpose` (8x8 and 4x4 register blocks, scalar moves for the ragged rest; packing a transposed B and
    /// writing back a C run as Cᵀ) against a naive loop for every height and width from 1 to 21 (every
    /// remainder of 8 and 4), with padded strides: each element lands once, nothing past the target rows is written.
    func testTransposeMatchesNaiveLoop() {
        checkTranspose(Float.self)
        checkTranspose(Double.self)
    }

    func checkTranspose<Scalar: GEMMScalar>(_: Scalar.Type) {
        for rows in 1...21 {
            for columns in 1...21 {
                let ld = columns + rows % 3, targetLD = rows + columns % 2
                let source = (0..<rows * ld).map { Scalar($0) }
                var target = [Scalar](repeating: -1, count: columns * targetLD)
                source.withUnsafeBufferPointer { source in
                    target.withUnsafeMutableBufferPointer { target in
                        transpose(source.baseAddress!, ld: ld, rows: rows, columns: columns, into: target.baseAddress!, targetLD: targetLD)
                    }
                }
                for c in 0..<columns {
                    for r in 0..<targetLD where target[c * targetLD + r] != (r < rows ? Scalar(r * ld + c) : -1) {
                        XCTFail("\(Scalar.self) \(rows)x\(columns): target[\(c), \(r)] = \(target[c * targetLD + r])")
                        return
                    }
                }
            }
        }
    }

    func testBetaZeroNeverReadsC() {
        for path in [GEMMPath.rows, .direct, .columns, .packed] {
            let test = GEMMCase(m: 14, n: 40, k: 9, alpha: 1, beta: 0, padding: 2, seed: 3)
            let result = test.run(kernel: Float.selectedGEMMKernel, threads: 2, path: path)
            for i in 0..<test.m { for j in 0..<test.n { XCTAssertFalse(result[i * test.ldc + j].isNaN, "\(path) C[\(i),\(j)] NaN") } }
        }
        // k == 0 and alpha == 0: C = beta * C, still without reading C when beta is 0.
        for (k, alpha) in [(0, Float(1)), (5, 0)] {
            let test = GEMMCase(m: 3, n: 4, k: k, alpha: alpha, beta: 0, seed: 4)
            XCTAssertEqual(test.run(), [Float](repeating: 0, count: 12))
        }
    }

    /// Packing buffers come back from earlier calls with old contents: every element the kernel reads,
    /// zero padding included, must be written again. Fill the pooled buffers with NaN, then run packed and
    /// direct products with edge rows and columns.
    func testReusedPackingBuffersNeverLeakOldContents() {
        let dirty = (0..<4).map { _ in AlignedBuffer<Float>(count: 300_000) }
        for buffer in dirty { buffer.pointer.update(repeating: .nan, count: 300_000) }
        dirty.forEach { $0.deallocate() }
        for (index, path) in [GEMMPath.packed, .direct, .columns].enumerated() {
            let test = GEMMCase(m: 29, n: 45, k: 270, transA: index == 0, transB: index == 2, alpha: 1, beta: 0.5, padding: 1,
                                seed: 21)
            for variant in GEMMKernel<Float>.all.filter({ $0.nr == 32 }) {
                assertMatchesReference(test, test.run(kernel: variant, threads: 2, path: path), "\(variant.name) \(path)")
            }
        }
    }

    /// Buffers from 4 MiB up (the padded copy of a 2048-wide B) start on a 2 MiB boundary, so the huge-page
    /// advice covers them whole; smaller ones keep the 64-byte alignment the kernels' panels assume. A fresh
    /// large buffer is fully writable and readable (the advice never shrinks it).
    func testLargePackingBuffersAreHugePageAligned() {
        let large = AlignedBuffer<Float>(count: (4 << 20) / 4 + 3)
        let small = AlignedBuffer<Float>(count: 1000)
        defer { large.deallocate(); small.deallocate() }
        XCTAssertEqual(Int(bitPattern: large.pointer) % (2 << 20), 0, "a 4 MiB buffer at \(large.pointer)")
        XCTAssertEqual(Int(bitPattern: small.pointer) % 64, 0, "a 4 KB buffer at \(small.pointer)")
        let count = (4 << 20) / 4 + 3
        for index in 0..<count { large.pointer[index] = Float(index % 251) }
        XCTAssertEqual((0..<count).reduce(0) { $0 + Int(large.pointer[$1]) }, (0..<count).reduce(0) { $0 + $1 % 251 })
    }

    func testArrayConvenience() throws {
        var c = [Float](repeating: 0, count: 4)
        // [[1,2,3],[4,5,6]] * [[1,0],[0,1],[1,1]] = [[4,5],[10,11]]
        try sgemm(m: 2, n: 2, k: 3, a: [1, 2, 3, 4, 5, 6], b: [1, 0, 0, 1, 1, 1], c: &c)
        XCTAssertEqual(c, [4, 5, 10, 11])
        XCTAssertEqual(try matmul([1, 2, 3, 4, 5, 6], [1, 0, 0, 1, 1, 1], m: 2, n: 2, k: 3, transA: false), [4, 5, 10, 11])
        // Aᵀ with A stored 3x2: [[1,4],[2,5],[3,6]]ᵀ = [[1,2,3],[4,5,6]].
        XCTAssertEqual(try matmul([1, 4, 2, 5, 3, 6], [1, 0, 0, 1, 1, 1], m: 2, n: 2, k: 3, transA: true), [4, 5, 10, 11])
        XCTAssertThrowsError(try matmul([1, 2, 3], [1, 2], m: 2, n: 1, k: 2)) { error in
            XCTAssertEqual("\(error)", "A has 3 elements, a 2x2 matrix needs 4")
        }
    }
}
