import SwiftLearnSystem

/// Convolution loops for windows with few values (`kh·kw·channels <= 32`, such as the first layer of an image
/// model: 1 channel, 3 x 3 → 9). Their im2col matrix is too narrow for SGEMM to pay (the microkernel would
/// spend its time loading and storing tiles of C between 9 multiply-adds), so forward and weight gradient run
/// as direct loops vectorized over 32 filters at a time (16 at the edges), reading the input where it lies.
///
/// Forward: `y[n, p, f] = bias[f] + Σ_{taps t inside, c} x[n, pixel(p, t), c] · kernel[t, c, f]`, taps in row-major order.
/// Weight gradient: `dKernel[t, c, f] = Σ_{n, p with tap t inside} x[n, pixel(p, t), c] · dz[n, p, f]`, summed in
/// sample and pixel order. Threads split samples (forward) or kernel rows (gradient), never a sum, so results do
/// not depend on the thread count.
struct DirectConvolution {
    let geometry: WindowGeometry
    let filters: Int

    /// Windows with at most this many values take the direct loops.
    static let maximumPatchSize = 32

    /// Writes `batch` samples of `[outPixels, filters]` from `input`; relu is applied in the same pass when
    /// `fuseRelu`, any other activation is left to the caller. With padding, each sample is first copied into a
    /// zero-bordered scratch image so that every output pixel takes the four-pixel loops (the border pixels'
    /// one-at-a-time loop took half the first layer's time for an eighth of its pixels); the padded taps add
    /// zeros, as the im2col path does.
    func forward(_ input: UnsafePointer<Float>, kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 into output: UnsafeMutablePointer<Float>, batch: Int, fuseRelu: Bool) {
        let inputCount = geometry.inputCount, outputCount = geometry.outputPixels * filters
        guard let padded = paddedCopy else {
            forEachSampleRange(batch) { samples in
                for s in samples {
                    forwardSample(input + s * inputCount, kernel: kernel, bias: bias, into: output + s * outputCount, fuseRelu: fuseRelu)
                }
            }
            return
        }
        let g = geometry, paddedCount = padded.geometry.inputCount
        let rowFloats = g.columns.input * g.channels, paddedRowFloats = padded.geometry.columns.input * g.channels
        let offset = (g.rows.padBefore * padded.geometry.columns.input + g.columns.padBefore) * g.channels
        forEachSampleRange(batch) { samples in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: paddedCount) { scratch in
                let image = scratch.baseAddress!
                image.initialize(repeating: 0, count: paddedCount)  // the border stays zero
                for s in samples {
                    let x = input + s * inputCount
                    for r in 0..<g.rows.input {
                        copyFloats(x + r * rowFloats, to: image + offset + r * paddedRowFloats, count: rowFloats)
                    }
                    padded.forwardSample(image, kernel: kernel, bias: bias, into: output + s * outputCount, fuseRelu: fuseRelu)
                }
            }
        }
    }

    /// The same convolution on samples zero-padded so that every window lies inside (a valid-padded geometry with
    /// the same outputs), when the geometry pads and a padded sample is small enough for the stack (64 KiB);
    /// `nil` otherwise.
    var paddedCopy: DirectConvolution? {
        func padded(_ axis: WindowAxis) -> WindowAxis {
            let total = Swift.max(0, (axis.output - 1) * axis.stride + axis.dilation * (axis.window - 1) + 1 - axis.input)
            return WindowAxis(input: axis.input + total, window: axis.window, stride: axis.stride, dilation: axis.dilation,
                              output: axis.output, padBefore: 0)
        }
        let rows = padded(geometry.rows), columns = padded(geometry.columns)
        guard rows != geometry.rows || columns != geometry.columns, rows.input * columns.input * geometry.channels <= 16 << 10 else {
            return nil
        }
        return DirectConvolution(geometry: WindowGeometry(rows: rows, columns: columns, channels: geometry.channels), filters: filters)
    }

    /// One sample's `[outPixels, filters]`: pixels whose window's columns lie inside go four at a time.
    private func forwardSample(_ x: UnsafePointer<Float>, kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               into sampleOutput: UnsafeMutablePointer<Float>, fuseRelu: Bool) {
        let g = geometry, f = filters
        let pairs = f / 32
        let interior = g.columns.outputsWithWholeWindow
        for oh in 0..<g.rows.output {
            let rowTaps = g.rows.tapsInside(output: oh)
            @inline(__always) func pixel(_ ow: Int) -> UnsafeMutablePointer<Float> {
                sampleOutput + (oh * g.columns.output + ow) * f
            }
            var ow = 0
            while ow < g.columns.output {
                if interior.contains(ow) && ow + 4 <= interior.upperBound {
                    for f0 in stride(from: 0, to: pairs * 32, by: 32) {
                        fourPixels(x, oh: oh, ow: ow, rowTaps: rowTaps, kernel: kernel, bias: bias, f0: f0,
                                   into: pixel(ow), fuseRelu: fuseRelu)
                    }
                    for p in 0..<4 {
                        onePixel(x, oh: oh, ow: ow + p, rowTaps: rowTaps, kernel: kernel, bias: bias,
                                 filters: (pairs * 32)..<f, into: pixel(ow + p), fuseRelu: fuseRelu)
                    }
                    ow += 4
                } else {
                    onePixel(x, oh: oh, ow: ow, rowTaps: rowTaps, kernel: kernel, bias: bias, filters: 0..<f,
                             into: pixel(ow), fuseRelu: fuseRelu)
                    ow += 1
                }
            }
        }
    }

    /// Filters `f0..<f0+32` of output pixels (`oh`, `ow`...`ow + 3`), whose windows' columns all lie inside:
    /// eight independent sums (four pixels, two vectors of 16 filters), so the additions do not wait on each
    /// other and each kernel value loads once. (Two `Lanes` rather than a `SIMD32`, whose operations Swift
    /// does not lower to vector instructions: 12x slower.)
    @inline(__always)
    private func fourPixels(_ x: UnsafePointer<Float>, oh: Int, ow: Int, rowTaps: Range<Int>, kernel: UnsafePointer<Float>,
                            bias: UnsafePointer<Float>?, f0: Int, into y: UnsafeMutablePointer<Float>, fuseRelu: Bool) {
        typealias Pair = (Lanes, Lanes)
        let g = geometry, f = filters, c = g.channels
        let step = g.columns.stride &* c
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> Pair { (loadLanes(p), loadLanes(p + 16)) }
        @inline(__always) func add(_ sum: inout Pair, _ x: Float, _ w: Pair) {
            let broadcast = Lanes(repeating: x)
            sum.0 += broadcast * w.0
            sum.1 += broadcast * w.1
        }
        @inline(__always) func store(_ sum: Pair, _ p: UnsafeMutablePointer<Float>) {
            var (low, high) = sum
            if fuseRelu {
                low.replace(with: 0, where: low .< 0)
                high.replace(with: 0, where: high .< 0)
            }
            storeLanes(low, p)
            storeLanes(high, p + 16)
        }
        var s0: Pair = bias.map { load($0 + f0) } ?? (.zero, .zero)
        var s1 = s0, s2 = s0, s3 = s0
        for i in rowTaps {
            let ih = g.rows.position(output: oh, tap: i)
            for j in 0..<g.columns.window {
                let iw: Int = g.columns.position(output: ow, tap: j)
                let inputPixel: Int = ih &* g.columns.input &+ iw
                let xs: UnsafePointer<Float> = x + inputPixel &* c
                let tapIndex: Int = i &* g.columns.window &+ j
                let ws: UnsafePointer<Float> = kernel + (tapIndex &* c &* f &+ f0)
                for k in 0..<c {
                    let w = load(ws + k &* f)
                    add(&s0, xs[k], w)
                    add(&s1, xs[k &+ step], w)
                    add(&s2, xs[k &+ 2 &* step], w)
                    add(&s3, xs[k &+ 3 &* step], w)
                }
            }
        }
        store(s0, y + f0)
        store(s1, y + f + f0)
        store(s2, y + 2 * f + f0)
        store(s3, y + 3 * f + f0)
    }

    /// `filters` of output pixel (`oh`, `ow`): 16 at a time while they last, then one by one.
    @inline(__always)
    private func onePixel(_ x: UnsafePointer<Float>, oh: Int, ow: Int, rowTaps: Range<Int>, kernel: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, filters range: Range<Int>, into y: UnsafeMutablePointer<Float>, fuseRelu: Bool) {
        let g = geometry, f = filters, c = g.channels
        let columnTaps = g.columns.tapsInside(output: ow)
        @inline(__always) func tap(_ i: Int, _ j: Int) -> (UnsafePointer<Float>, UnsafePointer<Float>) {
            let ih = g.rows.position(output: oh, tap: i), iw = g.columns.position(output: ow, tap: j)
            return (x + (ih * g.columns.input + iw) * c, kernel + (i * g.columns.window + j) * c * f)
        }
        var f0 = range.lowerBound
        while f0 + 16 <= range.upperBound {
            var sum = bias.map { loadLanes($0 + f0) } ?? .zero
            for i in rowTaps {
                for j in columnTaps {
                    let (xs, ws) = tap(i, j)
                    for k in 0..<c { sum += SIMD16(repeating: xs[k]) * loadLanes(ws + k * f + f0) }
                }
            }
            if fuseRelu { sum.replace(with: 0, where: sum .< 0) }
            storeLanes(sum, y + f0)
            f0 += 16
        }
        for fj in f0..<range.upperBound {
            var sum = bias?[fj] ?? 0
            for i in rowTaps {
                for j in columnTaps {
                    let (xs, ws) = tap(i, j)
                    for k in 0..<c { sum += xs[k] * ws[k * f + fj] }
                }
            }
            y[fj] = fuseRelu ? Swift.max(sum, 0) : sum
        }
    }

    /// Overwrites `kernelGradient` (`[kh·kw·channels, filters]`) with the weight gradient of `batch` samples.
    /// Threads split the (kernel row, 16 filters) blocks of the result; samples run in the outer loop, so one
    /// sample's input and gradient stay in cache across a thread's blocks. Each block adds one partial sum per
    /// sample, in sample order; within a sample the pixels go into four interleaved sums (combined in a fixed
    /// order) so the additions do not wait on each other.
    func kernelGradient(_ input: UnsafePointer<Float>, outputGradient dz: UnsafePointer<Float>,
                        into kernelGradient: UnsafeMutablePointer<Float>, batch: Int) {
        let f = filters, rows = geometry.patchSize
        let fullBlocks = f / 16, blocksPerRow = (f + 15) / 16
        let units = rows * blocksPerRow
        kernelGradient.update(repeating: 0, count: rows * f)
        let parts = Swift.max(1, Swift.min(Parallelism.threadCount, units))
        Parallelism.run(parts) { part in
            for n in 0..<batch {
                for unit in (units * part / parts)..<(units * (part + 1) / parts) {
                    let row = unit / blocksPerRow, block = unit % blocksPerRow
                    let destination = kernelGradient + row * f + block * 16
                    if block < fullBlocks {
                        storeLanes(loadLanes(destination) + sampleSum(input, dz, sample: n, row: row, f0: block * 16), destination)
                    } else {
                        for j in 0..<(f - block * 16) {
                            destination[j] += sampleSum(input, dz, sample: n, row: row, filter: block * 16 + j)
                        }
                    }
                }
            }
        }
    }

    /// The visits of kernel row `row` (tap, channel) over sample `n`: `body(x, dz, count, xStep)` once per
    /// output row, for `count` output pixels whose tap lies inside, with the first one's input value at `x` and
    /// output gradient at `dz` (the next pixel's are `xStep` and `filters` further on).
    @inline(__always)
    private func forEachRun(_ input: UnsafePointer<Float>, _ dz: UnsafePointer<Float>, sample n: Int, row: Int,
                            _ body: (UnsafePointer<Float>, UnsafePointer<Float>, Int, Int) -> Void) {
        let g = geometry, f = filters, c = g.channels
        let tap = row / c, channel = row % c
        let i = tap / g.columns.window, j = tap % g.columns.window
        let rowRange = g.rows.outputsInside(tap: i), columnRange = g.columns.outputsInside(tap: j)
        let x = input + n * g.inputCount + channel, d = dz + n * g.outputPixels * f
        let firstColumn = g.columns.position(output: columnRange.lowerBound, tap: j)
        for oh in rowRange {
            let ih = g.rows.position(output: oh, tap: i)
            body(x + (ih * g.columns.input + firstColumn) * c, d + (oh * g.columns.output + columnRange.lowerBound) * f,
                 columnRange.count, g.columns.stride * c)
        }
    }

    /// Σ over sample `n`'s pixels of x · dz for kernel row `row`, filters `f0..<f0+16`.
    @inline(__always)
    private func sampleSum(_ input: UnsafePointer<Float>, _ dz: UnsafePointer<Float>, sample n: Int, row: Int, f0: Int) -> Lanes {
        let f = filters
        var s0 = Lanes.zero, s1 = Lanes.zero, s2 = Lanes.zero, s3 = Lanes.zero
        forEachRun(input, dz + f0, sample: n, row: row) { x, d, count, step in
            var xp = x, dp = d, remaining = count
            while remaining >= 4 {
                s0 += SIMD16(repeating: xp[0]) * loadLanes(dp)
                s1 += SIMD16(repeating: xp[step]) * loadLanes(dp + f)
                s2 += SIMD16(repeating: xp[2 * step]) * loadLanes(dp + 2 * f)
                s3 += SIMD16(repeating: xp[3 * step]) * loadLanes(dp + 3 * f)
                xp += 4 * step
                dp += 4 * f
                remaining -= 4
            }
            while remaining > 0 {
                s0 += SIMD16(repeating: xp[0]) * loadLanes(dp)
                xp += step
                dp += f
                remaining -= 1
            }
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Σ over sample `n`'s pixels of x · dz for kernel row `row`, one filter.
    @inline(__always)
    private func sampleSum(_ input: UnsafePointer<Float>, _ dz: UnsafePointer<Float>, sample n: Int, row: Int, filter: Int) -> Float {
        var sum: Float = 0
        forEachRun(input, dz + filter, sample: n, row: row) { x, d, count, step in
            for p in 0..<count { sum += x[p * step] * d[p * filters] }
        }
        return sum
    }
}

@inline(__always) func loadLanes(_ pointer: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
}

@inline(__always) func storeLanes(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
}
