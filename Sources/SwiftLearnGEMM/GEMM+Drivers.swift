import SwiftLearnSystem

extension GEMMProblem {
    // MARK: Row path (no packing, no padding rows)

    /// One row of C at a time with the row kernel; columns are split over threads in blocks of 64,
    /// k in the same KC-deep slabs as the other paths.
    func runRows(kernel: GEMMKernel<Scalar>, threads: Int,
                 a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>) {
        let kc = GEMMBlocking.kc(Scalar.self, k: k)
        let aDepthStride = transA ? lda : 1
        let columnBlocks = (n + 63) / 64
        let workers = Swift.min(threads, columnBlocks)
        Parallelism.run(workers) { worker in
            let j0 = Swift.min(n, columnBlocks * worker / workers * 64)
            let j1 = Swift.min(n, columnBlocks * (worker + 1) / workers * 64)
            guard j1 > j0 else { return }
            for i in 0..<m {
                let row = a + (transA ? i : i * lda)
                var p0 = 0
                while p0 < k {
                    let depth = Swift.min(kc, k - p0)
                    kernel.runRow(depth, row + p0 * aDepthStride, aDepthStride, b + p0 * ldb + j0, ldb, j1 - j0,
                                  alpha, p0 == 0 ? beta : 1, c + i * ldc + j0)
                    p0 += depth
                }
            }
        }
    }

    // MARK: Direct path (no packing)

    /// Small problems with row-major op(B): the kernel reads A and B where they are. Only partial
    /// tiles at the bottom (rows past m) and right (columns past n) are copied into zero-padded
    /// micro-panels, once, before the tiles are shared out over threads.
    ///
    /// Every tile sums k in the same KC-deep slabs as the packed path (`beta` for the first slab,
    /// 1 after), so both paths give the same bits for the same kernel family. The last columns run
    /// `plan.edge` when there is one (a narrower tile of the same height).
    func runDirect(_ plan: GEMMPlan<Scalar>, threads: Int,
                   a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>) {
        let kernel = plan.tile, edgeKernel = plan.edge ?? plan.tile
        let mr = kernel.mr, nr = kernel.nr, edgeNR = edgeKernel.nr, kc = GEMMBlocking.kc(Scalar.self, k: k)
        let tilesM = (m + mr - 1) / mr, tilesN = (n + nr - 1) / nr
        let edgeRows = m % mr, edgeCols = n % nr
        withScratch(Scalar.self, edgeRows > 0 ? mr * k : 0) { edgeA in
        withScratch(Scalar.self, edgeCols > 0 ? k * edgeNR : 0) { edgeB in
        if edgeRows > 0 {
            packA(a, lda: lda, transposed: transA, rowStart: m - edgeRows, rows: edgeRows,
                  depthStart: 0, depth: k, mr: mr, into: edgeA)
        }
        if edgeCols > 0 {
            packB(b, ldb: ldb, transposed: false, depthStart: 0, depth: k, colStart: n - edgeCols,
                  cols: edgeCols, nr: edgeNR, edgeNR: edgeNR, slivers: 0..<1, into: edgeB)
        }
        let (aRowStride, aDepthStride) = transA ? (1, lda) : (lda, 1)
        let tiles = tilesM * tilesN
        let workers = Swift.min(threads, tiles)
        // Each worker takes a contiguous range of tiles of equal cost. An edge column of a narrower tile
        // counts by its FMA issue slots: two ymm or xmm FMAs issue in the time of one zmm FMA, so an
        // 8-wide two-xmm tile costs half a 32-wide one and a 4-wide one-xmm tile a quarter.
        let edgeWeight = edgeCols > 0 && edgeNR < nr
            ? Swift.max(1, nr * edgeKernel.issueSlotsPerRow / kernel.issueSlotsPerRow) : nr
        let fullColumns = tilesN - (edgeCols > 0 ? 1 : 0), fullWeight = fullColumns * tilesM * nr
        let totalWeight = fullWeight + (tilesN - fullColumns) * tilesM * edgeWeight
        func firstTile(ofShare share: Int) -> Int {
            let target = totalWeight * share / workers
            return target <= fullWeight ? (target + nr - 1) / nr
                : Swift.min(tiles, fullColumns * tilesM + (target - fullWeight + edgeWeight - 1) / edgeWeight)
        }
        // A B that fits L1 with room to spare stays there whatever the order, so the tiles then go row by
        // row: the A micro-panel is reused across the row from L1 and C is written a row block at a time.
        let rowOrder = k * n * MemoryLayout<Scalar>.stride <= GEMMProblem.rowOrderBLimit
        let batchesRows = rowOrder && k <= kc && beta == 0 && fullColumns > 1
        // The same in column order: a column's full tiles (of the worker's range) in one specialized call, for
        // the weight gradients' 32- and 256-deep products (a call per tile cost up to a fifth of the product).
        // compare_gemm.py --baseline, 2026-12-03 22:59-23:00 UTC, load 1.0-1.2, medians of 6 (8) rounds, one
        // thread: 50x784x32 Aᵀ 73.8 -> 91.3 GFLOPS, 100x784x32 Aᵀ 70.8 -> 89.8, 784x100x256 Aᵀ 88.7 -> 93.6,
        // 256^3 103.4 -> 107.5; two threads 50x784x32 Aᵀ 126.6 -> 161.9, 784x100x256 Aᵀ 163.4 -> 178.4.
        let batchesColumns = !rowOrder && k <= kc && beta == 0
        let fullRowTiles = m / mr
        Parallelism.run(workers) { worker in
            withScratch(Scalar.self, mr * nr) { scratch in
            // JR over micro-panels of B, IR over micro-panels of A (or IR then JR); contiguous tile ranges per worker.
            let range = rowOrder ? tilesM * worker / workers * tilesN..<tilesM * (worker + 1) / workers * tilesN
                : firstTile(ofShare: worker)..<firstTile(ofShare: worker + 1)
            var tile = range.lowerBound
            while tile < range.upperBound {
                defer { tile += 1 }
                let (jr, ir) = rowOrder ? (tile % tilesN, tile / tilesN) : (tile / tilesM, tile % tilesM)
                let i0 = ir * mr, j0 = jr * nr
                if batchesRows && jr == 0 && i0 + mr <= m {
                    // One slab, C only written: the row's full tiles in one specialized call.
                    kernel.runTileRow(fullColumns, k: k, a: a + (transA ? i0 : i0 * lda), aRowStride: aRowStride,
                                      aDepthStride: aDepthStride, b: b, bDepthStride: ldb, alpha: alpha, beta: 0,
                                      c: c + i0 * ldc, ldc: ldc)
                    tile += fullColumns - 1
                    continue
                }
                let rows = Swift.min(mr, m - i0), cols = Swift.min(nr, n - j0)
                let (tileKernel, tileB, tileBDepth) = cols == nr ? (kernel, b + j0, ldb) : (edgeKernel, UnsafePointer(edgeB), edgeNR)
                let target = c + i0 * ldc + j0
                let full = rows == mr && cols == tileKernel.nr
                if batchesColumns && full {
                    // The column's later tiles are full too until its last whole row tile.
                    let count = Swift.min(fullRowTiles - ir, range.upperBound - tile)
                    tileKernel.runTileColumn(count, k: k, a: a + (transA ? i0 : i0 * lda), aRowStride: aRowStride,
                                             aDepthStride: aDepthStride, b: tileB, bDepthStride: tileBDepth,
                                             alpha: alpha, beta: 0, c: target, ldc: ldc)
                    tile += count - 1
                    continue
                }
                let (tileA, tileARow, tileADepth) = rows == mr
                    ? (a + (transA ? i0 : i0 * lda), aRowStride, aDepthStride)
                    : (UnsafePointer(edgeA), 1, mr)
                if !full && beta != 0 { copyTile(from: target, ldc, to: scratch, tileKernel.nr, rows: rows, cols: cols) }
                var p0 = 0
                while p0 < k {
                    // PC: KC-deep slabs, beta for the first, 1 after.
                    let depth = Swift.min(kc, k - p0)
                    let slabBeta: Scalar = p0 == 0 ? beta : 1
                    tileKernel.run(depth, tileA + p0 * tileADepth, tileARow, tileADepth,
                                   tileB + p0 * tileBDepth, tileBDepth, alpha, slabBeta,
                                   full ? target : scratch, full ? ldc : tileKernel.nr)
                    p0 += depth
                }
                if !full { copyTile(from: scratch, tileKernel.nr, to: target, ldc, rows: rows, cols: cols) }
            }
            }
        }
        }
        }
    }

    // MARK: Column path (op(B) packed a column at a time, A in place)

    /// Short A (the forward product of a Dense layer's column panel, `yₚᵀ = Wₚᵀ xᵀ`, 50x256x784 Bᵀ): each worker
    /// takes a contiguous run of C's NR-wide columns; for each it packs that column of op(B) over all of k into
    /// one micro-panel (`packB`'s layout, KC slabs back to back), then runs the column's tiles with A read in
    /// place. No A block is packed, and the column of C (m x NR) stays in L1 across the KC slabs instead of being
    /// swept once per slab. Only a partial bottom tile's rows of A are packed (once, zero-padded), as on the
    /// direct path. Every tile sums k in the same KC-deep slabs in the same order (`beta` for the first, 1
    /// after) with the same kernel as the packed path, so the bits are the same.
    func runColumns(_ plan: GEMMPlan<Scalar>, threads: Int,
                    a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>) {
        let kernel = plan.tile, edgeKernel = plan.edge ?? plan.tile
        let mr = kernel.mr, nr = kernel.nr, kc = GEMMBlocking.kc(Scalar.self, k: k)
        let tilesN = (n + nr - 1) / nr, fullRowTiles = m / mr, edgeRows = m % mr
        let (aRowStride, aDepthStride) = transA ? (1, lda) : (lda, 1)
        withScratch(Scalar.self, edgeRows > 0 ? mr * k : 0) { edgeA in
        if edgeRows > 0 {
            packA(a, lda: lda, transposed: transA, rowStart: m - edgeRows, rows: edgeRows,
                  depthStart: 0, depth: k, mr: mr, into: edgeA)
        }
        let workers = Swift.min(threads, tilesN)
        Parallelism.run(workers) { worker in
            withScratch(Scalar.self, k * nr) { column in
            withScratch(Scalar.self, mr * nr) { scratch in
            for jr in (tilesN * worker / workers)..<(tilesN * (worker + 1) / workers) {
                let j0 = jr * nr, cols = Swift.min(nr, n - j0)
                let tileKernel = cols < nr ? edgeKernel : kernel
                let width = tileKernel.nr, full = cols == width
                packB(b, ldb: ldb, transposed: transB, depthStart: 0, depth: k, colStart: j0, cols: cols,
                      nr: width, edgeNR: width, slivers: 0..<1, into: column)
                var p0 = 0
                while p0 < k {
                    // PC: KC-deep slabs, beta for the first, 1 after; the column of C stays in L1 between them.
                    let depth = Swift.min(kc, k - p0)
                    let slabBeta: Scalar = p0 == 0 ? beta : 1
                    let slabB = UnsafePointer(column + p0 * width)
                    if full && fullRowTiles > 0 {
                        tileKernel.runTileColumn(fullRowTiles, k: depth, a: a + p0 * aDepthStride, aRowStride: aRowStride,
                                                 aDepthStride: aDepthStride, b: slabB, bDepthStride: width,
                                                 alpha: alpha, beta: slabBeta, c: c + j0, ldc: ldc)
                    } else {
                        for ir in 0..<fullRowTiles {
                            runEdgeTile(tileKernel, k: depth, a: a + ir * mr * aRowStride + p0 * aDepthStride,
                                        aRowStride: aRowStride, aDepthStride: aDepthStride, b: slabB, bDepthStride: width,
                                        alpha: alpha, beta: slabBeta, c: c + ir * mr * ldc + j0, ldc: ldc,
                                        rows: mr, cols: cols, scratch: scratch)
                        }
                    }
                    if edgeRows > 0 {
                        runEdgeTile(tileKernel, k: depth, a: UnsafePointer(edgeA + p0 * mr), aRowStride: 1, aDepthStride: mr,
                                    b: slabB, bDepthStride: width, alpha: alpha, beta: slabBeta,
                                    c: c + fullRowTiles * mr * ldc + j0, ldc: ldc, rows: edgeRows, cols: cols,
                                    scratch: scratch)
                    }
                    p0 += depth
                }
            }
            }
            }
        }
        }
    }

    // MARK: Packed path (BLIS five loops)

    /// The last micro-panel of a panel, when narrower than NR, is packed `plan.edge`'s width and runs it.
    func runPacked(_ plan: GEMMPlan<Scalar>, threads: Int,
                   a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>) {
        let kernel = plan.tile, edgeKernel = plan.edge ?? plan.tile
        let mr = kernel.mr, nr = kernel.nr, kcMax = GEMMBlocking.kc(Scalar.self, k: k)
        let ncMax = GEMMBlocking.ncMax(Scalar.self)
        let panelColumns = Swift.min(ncMax, (n + nr - 1) / nr * nr)

        // Row blocks: as few as L2 allows, rounded up to a multiple of the thread count so the IC
        // loop splits evenly; with fewer blocks than threads the JR loop is split instead.
        var blockCount = (m + GEMMBlocking.mcMax - 1) / GEMMBlocking.mcMax
        if threads > 1 { blockCount = Swift.min((blockCount + threads - 1) / threads * threads, (m + mr - 1) / mr) }
        let mc = ((m + blockCount - 1) / blockCount + mr - 1) / mr * mr
        blockCount = (m + mc - 1) / mc
        let panelParts = blockCount >= threads ? 1 : threads
        let tasks = blockCount * panelParts
        let workers = Swift.min(threads, tasks)

        let bPanel = AlignedBuffer<Scalar>(count: Swift.min(kcMax, k) * panelColumns)
        let sliverStride = Swift.min(kcMax, k) * nr
        let aPanels = (0..<workers).map { _ in AlignedBuffer<Scalar>(count: mc * Swift.min(kcMax, k)) }
        let scratches = (0..<workers).map { _ in AlignedBuffer<Scalar>(count: mr * nr) }
        scratches.forEach { $0.pointer.update(repeating: 0, count: mr * nr) }
        defer {
            bPanel.deallocate()
            aPanels.forEach { $0.deallocate() }
            scratches.forEach { $0.deallocate() }
        }

        /// One worker's share of one KC slab of one NC panel: its row blocks (or its column part of them).
        func runSlab(worker: Int, jc: Int, nc: Int, slivers: Int, pc: Int, kc: Int) {
            let slabBeta: Scalar = pc == 0 ? beta : 1
            let aPanel = aPanels[worker].pointer
            let scratch = scratches[worker].pointer
            var touched: UInt32 = 0
            defer { keepTouchedLoads(touched) }
            for task in stride(from: worker, to: tasks, by: workers) {
                // IC: an MC-tall block of A, packed by the thread that uses it.
                let block = task / panelParts, part = task % panelParts
                let ic = block * mc
                let rowsInBlock = Swift.min(mc, m - ic)
                packA(a, lda: lda, transposed: transA, rowStart: ic, rows: rowsInBlock,
                      depthStart: pc, depth: kc, mr: mr, into: aPanel)
                for jr in (slivers * part / panelParts)..<(slivers * (part + 1) / panelParts) {
                    // JR: one KC x NR micro-panel of B, kept in L1 across the IR loop.
                    let bMicro = UnsafePointer(bPanel.pointer + jr * sliverStride)
                    let cols = Swift.min(nr, nc - jr * nr)
                    let tileKernel = cols < nr ? edgeKernel : kernel
                    var ir = 0
                    if slabBeta == 0 && cols == tileKernel.nr {
                        // Nothing to prefetch (C is only written): the full tiles in one call.
                        let fullTiles = rowsInBlock / mr
                        tileKernel.runPackedColumn(fullTiles, k: kc, a: UnsafePointer(aPanel), b: bMicro, alpha: alpha, beta: 0,
                                                   c: c + ic * ldc + jc + jr * nr, ldc: ldc)
                        ir = fullTiles * mr
                    }
                    while ir < rowsInBlock {
                        // IR: one MR x NR tile of C in registers.
                        let rows = Swift.min(mr, rowsInBlock - ir)
                        let aMicro = UnsafePointer(aPanel + ir * kc)
                        let target = c + (ic + ir) * ldc + jc + jr * nr
                        if slabBeta != 0 {
                            // The kernel's epilogue reads C: bring the next tile's lines in meanwhile.
                            if ir + mr < rowsInBlock {
                                touched ^= touchTile(target + mr * ldc, ldc: ldc, rows: Swift.min(mr, rowsInBlock - ir - mr), cols: cols)
                            } else if (jr + 1) * nr < nc {
                                touched ^= touchTile(c + ic * ldc + jc + (jr + 1) * nr, ldc: ldc,
                                                     rows: Swift.min(mr, rowsInBlock), cols: Swift.min(nr, nc - (jr + 1) * nr))
                            }
                        }
                        if rows == mr && cols == tileKernel.nr {
                            tileKernel.run(kc, aMicro, 1, mr, bMicro, tileKernel.nr, alpha, slabBeta, target, ldc)
                        } else {
                            runEdgeTile(tileKernel, k: kc, a: aMicro, aRowStride: 1, aDepthStride: mr,
                                        b: bMicro, bDepthStride: tileKernel.nr, alpha: alpha, beta: slabBeta,
                                        c: target, ldc: ldc, rows: rows, cols: cols, scratch: scratch)
                        }
                        ir += mr
                    }
                }
            }
        }
        /// Visits the NC panels and KC slabs in order.
        func forEachSlab(_ body: (_ jc: Int, _ nc: Int, _ slivers: Int, _ pc: Int, _ kc: Int) -> Void) {
            var jc = 0
            while jc < n {
                // JC: an NC-wide panel of C and B.
                let nc = Swift.min(ncMax, n - jc)
                var pc = 0
                while pc < k {
                    // PC: a KC-deep slab.
                    let kc = Swift.min(kcMax, k - pc)
                    body(jc, nc, (nc + nr - 1) / nr, pc, kc)
                    pc += kc
                }
                jc += nc
            }
        }
        func packSlivers(_ range: Range<Int>, jc: Int, nc: Int, pc: Int, kc: Int) {
            packB(b, ldb: ldb, transposed: transB, depthStart: pc, depth: kc, colStart: jc, cols: nc,
                  nr: nr, edgeNR: edgeKernel.nr, slivers: range, sliverStride: sliverStride, into: bPanel.pointer)
        }
        if panelParts > 1 && n <= ncMax {
            // Fewer row blocks than threads, one NC panel: worker w always runs column part w of every block, so
            // it packs exactly the B micro-panels it reads, and one fan-out covers every slab (no wait between
            // the packing and the products). A micro-panel keeps its place from slab to slab (`sliverStride`),
            // so a worker packing the last, shallower slab never writes where a slower one still reads.
            Parallelism.run(workers) { worker in
                forEachSlab { jc, nc, slivers, pc, kc in
                    packSlivers((slivers * worker / panelParts)..<(slivers * (worker + 1) / panelParts), jc: jc, nc: nc, pc: pc, kc: kc)
                    runSlab(worker: worker, jc: jc, nc: nc, slivers: slivers, pc: pc, kc: kc)
                }
            }
            return
        }
        forEachSlab { jc, nc, slivers, pc, kc in
            // Pack op(B)[pc..<pc+kc, jc..<jc+nc] once, shared by all threads.
            let packWorkers = Swift.min(threads, slivers)
            Parallelism.run(packWorkers) { worker in
                packSlivers((slivers * worker / packWorkers)..<(slivers * (worker + 1) / packWorkers), jc: jc, nc: nc, pc: pc, kc: kc)
            }
            Parallelism.run(workers) { worker in runSlab(worker: worker, jc: jc, nc: nc, slivers: slivers, pc: pc, kc: kc) }
        }
    }
}
