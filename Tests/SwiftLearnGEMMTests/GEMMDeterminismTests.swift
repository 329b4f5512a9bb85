import SwiftLearnSystem
import XCTest
@testable import SwiftLearnGEMM

final class GEMMDeterminismTests: XCTestCase {
    /// The result is bit-identical for 1, 2, 3, 4 and 7 threads, on every driver, SGEMM and DGEMM.
    func testThreadCountDoesNotChangeBits() {
        checkThreadCountDoesNotChangeBits(Float.self)
        checkThreadCountDoesNotChangeBits(Double.self)
    }

    func checkThreadCountDoesNotChangeBits<Scalar: GEMMTestScalar>(_: Scalar.Type) {
        // Debug builds run these generic paths unspecialized: DGEMM gets narrower cases (same boundaries).
        let wide = Scalar.self == Float.self
        let cases = [
            GEMMTestCase<Scalar>(m: 61, n: wide ? 75 : 35, k: 300, alpha: 0.75, beta: -0.5, seed: 11),
            GEMMTestCase<Scalar>(m: 250, n: wide ? 40 : 20, k: 20, transA: true, transB: true, alpha: 1, beta: 0, seed: 12),
            // A batch-32 product: few row tiles, so the split must also go over columns.
            GEMMTestCase<Scalar>(m: 32, n: wide ? 100 : 40, k: 30, alpha: 1, beta: 0, seed: 14),
        ]
        for test in cases {
            for path in [GEMMPath.rows, .direct, .columns, .packed] where !((path == .rows || path == .direct) && test.transB) {
                let single = test.run(kernel: Scalar.selectedGEMMKernel, threads: 1, path: path)
                for threads in wide ? [2, 3, 4, 7] : [2, 3] {
                    let multi = test.run(kernel: Scalar.selectedGEMMKernel, threads: threads, path: path)
                    XCTAssertEqual(bitPatterns(single), bitPatterns(multi), "\(Scalar.self) \(path) with \(threads) threads")
                }
            }
        }
    }

    /// Every tile height and width, through every driver, on shapes that are no multiple of the tile
    /// (edge rows and columns, k past one KC slab, transposes, alpha and beta 0/1/other): the same
    /// bits as the scalar reference kernel of that tile shape and family, on 1 thread and on 2.
    func testEveryTileShapeMatchesItsReferenceOnAwkwardShapes() {
        var seed: UInt64 = 40
        for variant in GEMMKernel<Float>.all {
            let (mr, nr) = (variant.mr, variant.nr)
            let reference = GEMMKernel<Float>.reference(variant.arithmetic, mr: mr, nr: nr)
            let shapes = [(2 * mr + 5, nr + 3, GEMMBlocking.kc + 7), (mr - 1, 2 * nr - 1, 9), (3 * mr, 5, 1)]
            for (m, n, k) in shapes {
                for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                    for (alpha, beta): (Float, Float) in [(1, 0), (-0.5, 1), (0.75, -0.25)] {
                        seed += 1
                        let test = GEMMCase(m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha, beta: beta,
                                            padding: Int(seed % 3), seed: seed)
                        for path in [GEMMPath.rows, .direct, .columns, .packed] where !((path == .rows || path == .direct) && transB) {
                            let expected = bitPatterns(test.run(kernel: reference, threads: 1, path: path))
                            for threads in [1, 2] {
                                XCTAssertEqual(bitPatterns(test.run(kernel: variant, threads: threads, path: path)), expected,
                                               "\(variant.name) \(path) \(threads) threads m=\(m) n=\(n) k=\(k) "
                                               + "transA=\(transA) transB=\(transB) alpha=\(alpha) beta=\(beta)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The height the library fits to each shape pads the fewest rows (ties to the taller tile), the width
    /// narrows for narrow C, the last columns take the narrowest tile of the same height that covers them,
    /// and a forced variant keeps its height.
    func testKernelChoicesFitTheShape() {
        let fused = GEMMKernel<Float>.all.filter { $0.arithmetic == .fused }
        guard let wide = fused.first(where: { $0.name == "fused-12x32" }) else { return XCTFail("fused-12x32 is not compiled") }
        let choices = KernelChoices(selected: wide, family: fused, fixedHeight: false)
        let expectations: [(Int, Int, String, String?)] = [
            (32, 100, "fused-8x32", "fused-8x4-1v"), (100, 100, "fused-10x32", "fused-10x4-1v"), (36, 64, "fused-12x32", nil),
            (2048, 2048, "fused-8x32", nil), (7, 100, "fused-8x32", "fused-8x4-1v"), (32, 10, "fused-8x16-1v", nil),
            (5, 3, "fused-6x4-1v", nil), (32, 40, "fused-8x32", "fused-8x8-1v"), (24, 44, "fused-12x32", "fused-12x16-1v"),
            (784, 784, "fused-8x32", "fused-8x16-1v"), (100, 6, "fused-10x8-1v", nil),
        ]
        for (m, n, tile, edge) in expectations {
            let plan = choices.plan(rows: m, columns: n)
            XCTAssertEqual(plan.tile.name, tile, "m=\(m) n=\(n)")
            XCTAssertEqual(plan.edge?.name, edge, "m=\(m) n=\(n)")
        }
        let forced = KernelChoices(forcing: fused.first { $0.name == "fused-6x32" }!).plan(rows: 32, columns: 100)
        XCTAssertEqual([forced.tile.name, forced.edge?.name], ["fused-6x32", "fused-6x4-1v"])
        // A two-vector tile forced at a width a one-vector tile shares keeps its own kind for narrow C.
        let forcedTwoVector = KernelChoices(forcing: fused.first { $0.name == "fused-8x16" }!).plan(rows: 32, columns: 10)
        XCTAssertEqual(forcedTwoVector.tile.name, "fused-8x16")
        // The scalar reference runs alone: no narrower variant stands in for it.
        let reference = KernelChoices(forcing: GEMMKernel<Float>.reference(.fused, mr: 8, nr: 32)).plan(rows: 32, columns: 100)
        XCTAssertEqual([reference.tile.name, reference.edge?.name], ["reference-fused-8x32", nil])
    }

    /// Narrow C run as Cᵀ = op(B)ᵀ op(A)ᵀ gives the same bits as run directly, for every transpose, alpha,
    /// beta 0 (C holds NaN) and not (one KC slab), each driver of the transposed problem, 1 and 2 threads;
    /// and the shape rule takes that route for every shape here (one KC slab deep).
    func testTransposedNarrowProductsKeepTheirBits() {
        var seed: UInt64 = 70
        for (m, n, k) in [(40, 10, 100), (33, 3, 7), (64, 15, GEMMBlocking.kc), (130, 9, 20)] {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                for (alpha, beta): (Float, Float) in [(1, 0), (-0.5, 1), (0.75, -0.25)] {
                    seed += 1
                    let test = GEMMCase(m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha, beta: beta,
                                        padding: Int(seed % 2), seed: seed)
                    XCTAssertTrue(test.problem { $0.runsTransposed }, "m=\(m) n=\(n) k=\(k) transA=\(transA) beta=\(beta)")
                    for kernel in [Float.selectedGEMMKernel, GEMMKernel<Float>.all.first { $0.name == "fused-12x32" }!] {
                        let expected = bitPatterns(test.run(kernel: kernel, threads: 1, transposed: false))
                        for threads in [1, 2] {
                            XCTAssertEqual(bitPatterns(test.run(kernel: kernel, threads: threads, transposed: true)), expected,
                                           "\(kernel.name) \(threads) threads m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB) beta=\(beta)")
                        }
                    }
                }
            }
        }
    }

    /// A copy of B taken before the direct or row path (a small transposed B copied row-major; a B whose rows
    /// lie a multiple of 4 KiB apart copied with a padded stride) gives the packed path's bits, for the scalar
    /// reference kernel and the selected one, every alpha/beta kind, with and without transposed A, on 1, 2
    /// and 3 threads; and the shape rules take those routes for these shapes (from 128 rows, a transposed B is
    /// copied only when the direct path then runs whole rows of tiles: one slab, beta 0, B within 16 KiB).
    func testCopiesOfBKeepTheBits() {
        var seed: UInt64 = 90
        let transposedB = [(32, 100, 10), (7, 37, 13), (5, 20, 9), (100, 3, GEMMBlocking.kc + 44), (127, 17, 1),
                           (256, 100, 10), (300, 37, 11)]
        let aliasedB = [(256, 17, 20), (258, 9, GEMMBlocking.kc + 3)]
        for (m, n, k, transB) in transposedB.map({ ($0, $1, $2, true) }) + aliasedB.map({ ($0, $1, $2, false) }) {
            for transA in [false, true] {
                for (alpha, beta): (Float, Float) in [(1, 0), (-0.5, 1), (0.75, -0.25)] {
                    seed += 1
                    // Aliased: B's row stride padded to 1024 floats (4 KiB).
                    let padding = transB ? Int(seed % 3) : 1024 - n
                    let test = GEMMCase(m: m, n: n, k: k, transA: transA, transB: transB, alpha: alpha, beta: beta,
                                        padding: padding, seed: seed)
                    let copies = !transB || m < GEMMProblem<Float>.transposedBCopyRows || beta == 0
                    XCTAssertEqual(test.problem { transB ? $0.copiesTransposedB : $0.copiesAliasedB }, copies,
                                   "m=\(m) n=\(n) k=\(k) beta=\(beta)")
                    for kernel in [GEMMKernel<Float>.reference(Float.selectedGEMMKernel.arithmetic, mr: 8, nr: 16), Float.selectedGEMMKernel] {
                        let expected = bitPatterns(test.run(kernel: kernel, threads: 1, path: .packed))
                        for threads in [1, 2, 3] {
                            XCTAssertEqual(bitPatterns(test.run(kernel: kernel, threads: threads, transposed: false)), expected,
                                           "\(kernel.name) \(threads) threads m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB) beta=\(beta)")
                        }
                    }
                }
            }
        }
    }

    /// Both drivers sum k in the same slabs in the same order, so they agree bit for bit, and
    /// every variant of one arithmetic family agrees with that family's scalar reference kernel.
    func testPathsAndVariantsAgreeBitForBit() {
        checkPathsAndVariantsAgree(Float.self)
        checkPathsAndVariantsAgree(Double.self)
    }

    func checkPathsAndVariantsAgree<Scalar: GEMMTestScalar>(_: Scalar.Type) {
        let test = GEMMTestCase<Scalar>(m: 20, n: 50, k: 270, alpha: -0.5, beta: 1, padding: 1, seed: 13)
        for family in [MicrokernelVariant.Arithmetic.fused, .separate] {
            let reference = bitPatterns(test.run(kernel: .reference(family, nr: 8), threads: 1, path: .packed))
            for variant in GEMMKernel<Scalar>.all where variant.arithmetic == family {
                for path in [GEMMPath.rows, .direct, .columns, .packed] {
                    XCTAssertEqual(bitPatterns(test.run(kernel: variant, threads: 2, path: path)), reference,
                                   "\(variant.name) on the \(path) path differs from the \(family) reference kernel")
                }
            }
        }
    }

    /// The microkernel contract on its own: packed and strided operands, beta 0 (C holds NaN) and not.
    func testEachMicrokernelAgainstReferenceKernel() {
        checkMicrokernelsAgainstReference(Float.self)
        checkMicrokernelsAgainstReference(Double.self)
    }

    func checkMicrokernelsAgainstReference<Scalar: GEMMTestScalar>(_: Scalar.Type) {
        var random = TestRandom(seed: 99)
        let k = 37
        for variant in GEMMKernel<Scalar>.all {
            let mr = variant.mr, nr = variant.nr
            let reference = GEMMKernel<Scalar>.reference(variant.arithmetic, mr: mr, nr: nr)
            let a: [Scalar] = random.values(mr * k * 3), b: [Scalar] = random.values(k * nr * 2)
            for (aRow, aDepth, bDepth) in [(1, mr, nr), (k * 3, 2, 2 * nr)] {
                for (alpha, beta) in [(Scalar(1), Scalar(0)), (-0.5, 1), (0.25, -0.5)] {
                    let initial = beta == 0 ? [Scalar](repeating: .nan, count: mr * (nr + 3)) : random.values(mr * (nr + 3))
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
                    XCTAssertEqual(bitPatterns(actual), bitPatterns(expected),
                                   "\(variant.name) strides (\(aRow), \(aDepth), \(bDepth)) alpha \(alpha) beta \(beta)")
                }
            }
        }
    }

    /// The multi-tile calls give every tile the bits `run` gives it, for every variant, beta 0 (C holds NaN)
    /// and not: `runPackedColumn` (tiles down a column over packed panels, the packed path's shallow products)
    /// `runTileRow` (tiles along a row with A read in place, row- or column-strided: the direct path's) and
    /// `runTileColumn` (tiles down a column with A read in place: the direct path's in column order).
    func testMultiTileCallsMatchTileByTile() {
        checkMultiTileCalls(Float.self)
        checkMultiTileCalls(Double.self)
        // The direct path's batched rows (op(B) within 16 KiB, one slab, beta 0), with an edge row and column,
        // against the reference kernel on the packed path, 1 and 2 threads.
        let variant = Float.selectedGEMMKernel, (mr, nr) = (variant.mr, variant.nr)
        for transA in [false, true] {
            let test = GEMMCase(m: 2 * mr + 3, n: 3 * nr + 2, k: 20, transA: transA, transB: false, alpha: -0.5, beta: 0,
                                padding: 1, seed: transA ? 3 : 4)
            let expected = bitPatterns(test.run(kernel: .reference(variant.arithmetic, mr: mr, nr: nr), threads: 1, path: .packed))
            for threads in [1, 2] {
                XCTAssertEqual(bitPatterns(test.run(kernel: variant, threads: threads, path: .direct)), expected,
                               "\(variant.name) \(threads) threads transA=\(transA)")
            }
        }
        // The direct path's batched columns (op(B) over 16 KiB, one slab, beta 0), with an edge row and an edge column,
        // against the reference kernel on the packed path, 1-3 threads (a worker's range may end inside a column).
        for transA in [false, true] {
            let test = GEMMCase(m: 4 * mr + 3, n: 3 * nr + 150, k: 60, transA: transA, transB: false, alpha: 1, beta: 0,
                                padding: 1, seed: transA ? 5 : 6)
            let expected = bitPatterns(test.run(kernel: .reference(variant.arithmetic, mr: mr, nr: nr), threads: 1, path: .packed))
            for threads in [1, 2, 3] {
                XCTAssertEqual(bitPatterns(test.run(kernel: variant, threads: threads, path: .direct)), expected,
                               "columns: \(variant.name) \(threads) threads transA=\(transA)")
                XCTAssertEqual(bitPatterns(test.run(threads: threads, path: .direct, transposed: false)), expected,
                               "columns, chosen tiles: \(threads) threads transA=\(transA)")
            }
        }
    }

    func checkMultiTileCalls<Scalar: GEMMTestScalar>(_: Scalar.Type) {
        var random = TestRandom(seed: 7)
        let k = 29, tiles = 3
        for variant in GEMMKernel<Scalar>.all {
            let mr = variant.mr, nr = variant.nr, ldb = tiles * nr + 3
            let a: [Scalar] = random.values(mr * k * tiles), b: [Scalar] = random.values(k * ldb)
            for (alpha, beta) in [(Scalar(1), Scalar(0)), (-0.5, 0.75)] {
                /// Runs `body` (tile by tile, then as one call) on two copies of one C and compares their bits.
                func compare(_ label: String, ldc: Int, rows: Int,
                             _ body: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, Bool) -> Void) {
                    let initial = beta == 0 ? [Scalar](repeating: .nan, count: rows * ldc) : random.values(rows * ldc)
                    var tileByTile = initial, oneCall = initial
                    a.withUnsafeBufferPointer { a in
                        b.withUnsafeBufferPointer { b in
                            tileByTile.withUnsafeMutableBufferPointer { body(a.baseAddress!, b.baseAddress!, $0.baseAddress!, false) }
                            oneCall.withUnsafeMutableBufferPointer { body(a.baseAddress!, b.baseAddress!, $0.baseAddress!, true) }
                        }
                    }
                    XCTAssertEqual(bitPatterns(oneCall), bitPatterns(tileByTile), "\(variant.name) \(label) alpha \(alpha) beta \(beta)")
                }
                compare("column", ldc: nr + 5, rows: tiles * mr) { a, b, c, oneCall in
                    if oneCall { return variant.runPackedColumn(tiles, k: k, a: a, b: b, alpha: alpha, beta: beta, c: c, ldc: nr + 5) }
                    for t in 0..<tiles { variant.run(k, a + t * mr * k, 1, mr, b, nr, alpha, beta, c + t * mr * (nr + 5), nr + 5) }
                }
                for (aRow, aDepth) in [(k, 1), (1, tiles * mr)] {
                    compare("column, A strides (\(aRow), \(aDepth))", ldc: nr + 5, rows: tiles * mr) { a, b, c, oneCall in
                        if oneCall {
                            return variant.runTileColumn(tiles, k: k, a: a, aRowStride: aRow, aDepthStride: aDepth, b: b,
                                                         bDepthStride: ldb, alpha: alpha, beta: beta, c: c, ldc: nr + 5)
                        }
                        for t in 0..<tiles { variant.run(k, a + t * mr * aRow, aRow, aDepth, b, ldb, alpha, beta, c + t * mr * (nr + 5), nr + 5) }
                    }
                }
                for (aRow, aDepth) in [(k, 1), (1, mr)] {
                    let ldc = tiles * nr + 5
                    compare("row, A strides (\(aRow), \(aDepth))", ldc: ldc, rows: mr) { a, b, c, oneCall in
                        if oneCall {
                            return variant.runTileRow(tiles, k: k, a: a, aRowStride: aRow, aDepthStride: aDepth, b: b, bDepthStride: ldb,
                                                      alpha: alpha, beta: beta, c: c, ldc: ldc)
                        }
                        for t in 0..<tiles { variant.run(k, a, aRow, aDepth, b + t * nr, ldb, alpha, beta, c + t * nr, ldc) }
                    }
                }
            }
        }
    }

    func testSelectionPicksACompiledVariantAndThreadSettingClamps() {
        XCTAssertTrue(GEMMKernel<Float>.all.contains { $0.name == selectedMicrokernel.name })
        XCTAssertTrue(GEMMKernel<Double>.all.contains { $0.name == selectedDoubleMicrokernel.name })
        XCTAssertTrue([6, 8, 12].contains(selectedMicrokernel.mr), "\(selectedMicrokernel.mr) rows")
        XCTAssertTrue([6, 8, 10, 12].contains(selectedDoubleMicrokernel.mr), "\(selectedDoubleMicrokernel.mr) rows")
        let saved = Parallelism.threadCount
        Parallelism.threadCount = 0
        XCTAssertEqual(Parallelism.threadCount, 1)
        Parallelism.threadCount = saved
    }
}
