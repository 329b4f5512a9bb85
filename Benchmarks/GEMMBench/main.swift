// gemm-bench: SGEMM (and DGEMM) throughput per shape against the machine's measured FMA peak.
//
//     swift build -c release -Xswiftc -target-cpu -Xswiftc native --product gemm-bench
//     .build/release/gemm-bench [--json] [--quick] [--threads N] [--only LABEL|MxNxK[,...]] [--double]
//     --min-parallel N    sets GEMMThreading.minimumParallelMultiplyAdds (the threading cutoff) to N
//     .build/release/gemm-bench --peak          FMA-chain peak, 1 and all threads
//     .build/release/gemm-bench --handoff       Parallelism.run hand-off latency (worker pool vs Dispatch)
//     .build/release/gemm-bench --threshold-sweep   1 vs all threads on small shapes
//     .build/release/gemm-bench --kernels       each compiled SGEMM microkernel alone (packed panels in L1), % of peak
//     .build/release/gemm-bench --kernels --double   the same for DGEMM (% of the FP64 peak)
//     SWIFTLEARN_GEMM_KERNEL=fused-8x32 .build/release/gemm-bench ...   forces one variant (see KernelSelection)
//
// Each figure is the median GFLOPS of several timed repetitions after a warm-up; the number of
// repetitions grows for small shapes so each sample lasts long enough to time. Every result is also
// printed as a percentage of the FMA peak measured in the same run for the same thread count.
import Dispatch
import SwiftLearnSystem
import BenchmarkSupport
import SwiftLearnGEMM
#if canImport(Glibc)
import Glibc
#endif

struct Shape {
    let label: String, m: Int, n: Int, k: Int, transA: Bool, transB: Bool
    /// C's rows in two halves, each its own GEMM call, the two calls fanned out with `Parallelism.run(2)` (one per
    /// thread on two threads, one after the other on one): how a Dense layer in two column panels runs its panel
    /// products in training, each core on its half (see `Dense.forEachPanel`).
    var rowHalves = false
    /// B's row stride when B is a block of a wider matrix (a Dense kernel's column share: `ldb` = units).
    var ldb: Int? = nil
    var name: String { "\(label) \(m)x\(n)x\(k)\(transA ? " Aᵀ" : "")\(transB ? " Bᵀ" : "")" }
}

/// A public GEMM entry point (`sgemm`, `dgemm`) as a function value: transA, transB, m, n, k, alpha, a, lda, b, ldb,
/// beta, c, ldc.
typealias GEMMEntryPoint<Scalar> = (Bool, Bool, Int, Int, Int, Scalar, UnsafeBufferPointer<Scalar>, Int,
                                    UnsafeBufferPointer<Scalar>, Int, Scalar, UnsafeMutableBufferPointer<Scalar>, Int) -> Void

/// The scalar types gemm-bench times, each through its public GEMM entry point.
protocol BenchScalar: BinaryFloatingPoint {
    static var typeName: String { get }
    static var entryPoint: GEMMEntryPoint<Self> { get }
}
extension BenchScalar {
    /// C = op(A) op(B) for `shape`, beta 0, C packed (ldc = n).
    static func gemm(_ shape: Shape, a: UnsafeBufferPointer<Self>, lda: Int, b: UnsafeBufferPointer<Self>, ldb: Int,
                     c: UnsafeMutableBufferPointer<Self>) {
        guard shape.rowHalves else {
            return entryPoint(shape.transA, shape.transB, shape.m, shape.n, shape.k, 1, a, lda, b, ldb, 0, c, shape.n)
        }
        Parallelism.run(2) { half in
            let row = shape.m * half / 2, rows = shape.m * (half + 1) / 2 - row
            entryPoint(shape.transA, shape.transB, rows, shape.n, shape.k, 1,
                       UnsafeBufferPointer(rebasing: a[(shape.transA ? row : row * lda)...]), lda, b, ldb, 0,
                       UnsafeMutableBufferPointer(rebasing: c[(row * shape.n)...]), shape.n)
        }
    }
}
extension Float: BenchScalar {
    static var typeName: String { "float32" }
    static var entryPoint: GEMMEntryPoint<Float> { sgemm }
}
extension Double: BenchScalar {
    static var typeName: String { "float64" }
    static var entryPoint: GEMMEntryPoint<Double> { dgemm }
}

/// Median GFLOPS of `samples` timed batches of calls.
func measure<S: BenchScalar>(_: S.Type, _ shape: Shape, threads: Int, samples: Int) -> Double {
    let (m, n, k) = (shape.m, shape.n, shape.k)
    let a = Operand<S>(count: m * k) { S(($0 * 7 + 3) % 17) / 17 - 0.5 }
    let lda = shape.transA ? m : k, ldb = shape.ldb ?? (shape.transB ? k : n)
    let b = Operand<S>(count: (shape.transB ? n : k) * ldb) { S(($0 * 5 + 1) % 13) / 13 - 0.5 }
    let c = Operand<S>(count: m * n) { _ in 0 }
    defer { [a, b, c].forEach { $0.deallocate() } }
    Parallelism.threadCount = threads
    let flops = 2.0 * Double(m) * Double(n) * Double(k)
    let callsPerSample = max(1, Int(2e8 / flops))
    var rates: [Double] = []
    let (aView, bView, cView) = (UnsafeBufferPointer(a.buffer), UnsafeBufferPointer(b.buffer), c.buffer)
    for _ in 0..<max(2, callsPerSample / 4) { S.gemm(shape, a: aView, lda: lda, b: bView, ldb: ldb, c: cView) }
    for _ in 0..<samples {
        let start = monotonicSeconds()
        for _ in 0..<callsPerSample { S.gemm(shape, a: aView, lda: lda, b: bView, ldb: ldb, c: cView) }
        rates.append(flops * Double(callsPerSample) / (monotonicSeconds() - start) / 1e9)
    }
    return median(rates)
}

/// An operand allocated the way `Tensor` and numpy allocate theirs: from 4 MiB up the buffer is asked for
/// transparent huge pages before its first write (numpy does the same for its arrays), so a 2048^3 product's
/// 16 MiB operands are not timed through 4 KiB-page TLB misses that neither library's users pay.
struct Operand<S: BenchScalar> {
    let buffer: UnsafeMutableBufferPointer<S>
    init(count: Int, value: (Int) -> S) {
        let raw = HugePages.allocate(byteCount: count * MemoryLayout<S>.stride)
        buffer = UnsafeMutableBufferPointer(start: raw.bindMemory(to: S.self, capacity: count), count: count)
        for index in 0..<count { buffer[index] = value(index) }
    }
    func deallocate() { buffer.baseAddress.map { UnsafeMutableRawPointer($0).deallocate() } }
}

// MARK: - FMA peak

/// Twelve independent chains of 16-lane FMAs (`vfmadd231ps zmm` in a native build): two FMA pipes of
/// four cycles' latency need at least eight chains in flight, so this runs at the core's FMA throughput.
@inline(never)
func fmaChains(iterations: Int, seed: Float) -> Float {
    let x = SIMD16<Float>(repeating: seed), y = SIMD16<Float>(repeating: 1 - seed)
    var a0 = x, a1 = x + 1, a2 = x + 2, a3 = x + 3, a4 = x + 4, a5 = x + 5
    var a6 = x + 6, a7 = x + 7, a8 = x + 8, a9 = x + 9, a10 = x + 10, a11 = x + 11
    for _ in 0..<iterations {
        a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
        a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
        a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
        a9 = a9.addingProduct(x, y); a10 = a10.addingProduct(x, y); a11 = a11.addingProduct(x, y)
    }
    return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).sum()
}

/// Best FP32 GFLOPS of the FMA chains over 5 samples on `threads` threads (each runs its own chains).
func fmaPeak(threads: Int) -> Double {
    Parallelism.threadCount = threads
    let iterations = 4_000_000
    let flopsPerThread = Double(iterations) * 12 * 16 * 2
    var best = 0.0
    var sink = [Float](repeating: 0, count: threads)
    for _ in 0..<5 {
        let start = monotonicSeconds()
        sink.withUnsafeMutableBufferPointer { sink in
            Parallelism.run(threads) { part in sink[part] += fmaChains(iterations: iterations, seed: 1e-7 * Float(part + 1)) }
        }
        best = max(best, flopsPerThread * Double(threads) / (monotonicSeconds() - start) / 1e9)
    }
    if sink.contains(where: { $0.isNaN }) { print("(FMA chains produced NaN)") }
    return best
}

// MARK: - Hand-off latency

/// Hand-off cost of `Parallelism.run(threads)`: calls of `threads` iterations that each busy-wait
/// `work` microseconds. With a perfect hand-off a call takes `work`; on one thread, `threads * work`.
/// The excess over `work` is the hand-off latency (waking a helper, claiming, reporting completion).
/// Measured back to back (workers spinning) and after 1 ms idle (workers parked), and for Dispatch's
/// `concurrentPerform`, which `Parallelism.run` used before the pool.
func handoff(threads: Int) {
    Parallelism.threadCount = threads
    let work = 5e-6
    let iteration: @Sendable (Int) -> Void = { _ in
        let end = monotonicSeconds() + work
        while monotonicSeconds() < end {}
    }
    func perCall(_ calls: Int, _ call: @escaping () -> Void) -> Double {
        let start = monotonicSeconds()
        for _ in 0..<calls { call() }
        return (monotonicSeconds() - start) / Double(calls) * 1e6
    }
    let pool = { Parallelism.run(threads, iteration) }
    let dispatch = { DispatchQueue.concurrentPerform(iterations: threads, execute: iteration) }
    var hot: [Double] = [], viaDispatch: [Double] = [], parked: [Double] = []
    for _ in 0..<11 {
        hot.append(perCall(5_000, pool))
        viaDispatch.append(perCall(1_000, dispatch))
    }
    for _ in 0..<200 {
        usleep(1_000)   // longer than the pool's spin time: the workers park
        parked.append(perCall(1, pool))
    }
    func us(_ value: Double) -> String { String((value * 100).rounded() / 100) }
    print("hand-off, \(threads) threads: median us per call of \(threads) iterations of \(us(work * 1e6)) us "
          + "(perfect hand-off: \(us(work * 1e6)), one thread: \(us(work * 1e6 * Double(threads))))")
    print("  worker pool, back to back:           \(us(median(hot)))  -> hand-off \(us(median(hot) - work * 1e6)) us")
    print("  worker pool, after 1 ms idle:        \(us(median(parked)))")
    print("  DispatchQueue.concurrentPerform:     \(us(median(viaDispatch)))  -> hand-off \(us(median(viaDispatch) - work * 1e6)) us")
}

// MARK: - Main

let arguments = CommandLine.arguments
let json = arguments.contains("--json")
let quick = arguments.contains("--quick")
let samples = quick ? 5 : 11
let allThreads = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
let threadCounts = arguments.firstIndex(of: "--threads").map { [Int(arguments[$0 + 1]) ?? 1] } ?? Array(Set([1, allThreads])).sorted()

if arguments.contains("--handoff") {
    for threads in threadCounts where threads > 1 { handoff(threads: threads) }
    if threadCounts == [1] { handoff(threads: 2) }
    exit(0)
}

if let cutoff = arguments.firstIndex(of: "--min-parallel").flatMap({ Int(arguments[$0 + 1]) }) {
    GEMMThreading.minimumParallelMultiplyAdds = cutoff
}

var peaks: [Int: Double] = [:]
for threads in Set(threadCounts + (arguments.contains("--peak") ? [1, allThreads] : [])).sorted() {
    peaks[threads] = fmaPeak(threads: threads)
    if json {
        var line = JSONLine(style: .compact)
        line.add("peak_gflops", (peaks[threads]! * 10).rounded() / 10); line.add("threads", threads)
        print(line.text)
    } else {
        print("FP32 FMA peak, \(threads) thread\(threads == 1 ? "" : "s"): \(format1(peaks[threads]!)) GFLOPS (12 chains of SIMD16 FMA)")
    }
}
if arguments.contains("--peak") { exit(0) }

if arguments.contains("--kernels") {
    // One thread, k = 128, the tile's panels in L1: the microkernel alone, without packing or blocking.
    let peak = peaks[1] ?? fmaPeak(threads: 1)
    print("microkernel".rightPadded(20) + "GFLOPS".leftPadded(8) + "% peak".leftPadded(8))
    // The FP64 peak is half the FP32 FMA-chain peak.
    let double = arguments.contains("--double"), scaledPeak = double ? peak / 2 : peak
    for (variant, gflops) in double ? KernelSelection.measureDoubleMicrokernels() : KernelSelection.measureFloatMicrokernels() {
        print(variant.name.rightPadded(20) + format1(gflops).leftPadded(8) + format1(100 * gflops / scaledPeak).leftPadded(8))
    }
    exit(0)
}

var shapes: [Shape] = [64, 128, 256, 512, 1024, 2048].map { Shape(label: "square", m: $0, n: $0, k: $0, transA: false, transB: false) }
for batch in [32, 256] {
    shapes.append(Shape(label: "mlp forward", m: batch, n: 100, k: 784, transA: false, transB: false))
    shapes.append(Shape(label: "mlp weight grad", m: 784, n: 100, k: batch, transA: true, transB: false))
    shapes.append(Shape(label: "mlp input grad", m: batch, n: 784, k: 100, transA: false, transB: true))
    shapes.append(Shape(label: "mlp head", m: batch, n: 10, k: 100, transA: false, transB: false))
    shapes.append(Shape(label: "mlp head weight grad", m: 100, n: 10, k: batch, transA: true, transB: false))
    shapes.append(Shape(label: "mlp head input grad", m: batch, n: 100, k: 10, transA: false, transB: true))
}
// The training step's per-core products for a 784-100 layer in two 50-column panels (Dense.kernelPanels), batch 32:
// the forward yₚᵀ = Wₚᵀ xᵀ and the weight gradient dWₚᵀ = dzₚᵀ x; one panel alone, then both panels as training
// runs them (two calls fanned out over the pool, each core on its panel; numpy computes the whole product).
shapes.append(Shape(label: "panel forward", m: 50, n: 32, k: 784, transA: false, transB: true))
shapes.append(Shape(label: "panel weight grad", m: 50, n: 784, k: 32, transA: true, transB: false))
shapes.append(Shape(label: "panel pair forward", m: 100, n: 32, k: 784, transA: false, transB: true, rowHalves: true))
shapes.append(Shape(label: "panel pair weight grad", m: 100, n: 784, k: 32, transA: true, transB: false, rowHalves: true))
// The same at batch 256 (784-100-10 b256 and 784-300-100-10 b256's second layer take the same panel route).
shapes.append(Shape(label: "b256 panel forward", m: 50, n: 256, k: 784, transA: false, transB: true))
shapes.append(Shape(label: "b256 panel weight grad", m: 50, n: 784, k: 256, transA: true, transB: false))
shapes.append(Shape(label: "b256 panel pair forward", m: 100, n: 256, k: 784, transA: false, transB: true, rowHalves: true))
shapes.append(Shape(label: "b256 panel pair weight grad", m: 100, n: 784, k: 256, transA: true, transB: false, rowHalves: true))
// A 784-1000 layer's forward at batch 256: one of its four column shares of the row-major kernel (B's rows 1000 apart).
shapes.append(Shape(label: "b256 share forward", m: 256, n: 256, k: 784, transA: false, transB: false, ldb: 1000))
if let filter = arguments.firstIndex(of: "--only").map({ arguments[$0 + 1] }) {
    let filters = filter.split(separator: ",").map(String.init)
    shapes = shapes.filter { shape in filters.contains { "\(shape.m)x\(shape.n)x\(shape.k)" == $0 || shape.label.contains($0) } }
}
let double = arguments.contains("--double")

if arguments.contains("--threshold-sweep") {
    // Where do two threads start to win? Cubes and MLP-like shapes from 2^15 to 2^27 multiply-adds.
    GEMMThreading.minimumParallelMultiplyAdds = 0
    print("multiply-adds  shape            1 thread GFLOPS  \(allThreads) threads GFLOPS  speed-up")
    let sweep: [(Int, Int, Int)] = [(32, 32, 32), (32, 10, 100), (64, 64, 32), (128, 10, 100), (64, 64, 48), (200, 10, 100),
                                    (256, 10, 100), (64, 64, 64), (32, 100, 98), (32, 100, 196), (96, 96, 96),
                                    (32, 100, 392), (128, 128, 128), (32, 100, 784), (200, 200, 200), (256, 100, 784),
                                    (256, 256, 256), (512, 512, 512)]
    for (m, n, k) in sweep {
        let shape = Shape(label: "sweep", m: m, n: n, k: k, transA: false, transB: false)
        let one = measure(Float.self, shape, threads: 1, samples: samples)
        let all = measure(Float.self, shape, threads: allThreads, samples: samples)
        print("\(m * n * k)".rightPadded(15) + "\(m)x\(n)x\(k)".rightPadded(17)
              + format1(one).leftPadded(15) + format1(all).leftPadded(19) + format1(all / one).leftPadded(10))
    }
    exit(0)
}

@MainActor func benchmark<S: BenchScalar>(_: S.Type) {
    // An FP64 FMA does half the lanes of an FP32 one: its peak is half the measured FP32 peak.
    let peakScale = S.self == Double.self ? 0.5 : 1.0
    let kernelName = S.self == Double.self ? selectedDoubleMicrokernel.name : selectedMicrokernel.name
    if !json {
        print("\(S.typeName), kernel: \(kernelName), threads available: \(allThreads)")
        print("shape".rightPadded(36) + threadCounts.map { "\($0) thr GFLOPS (% peak)".leftPadded(24) }.joined())
    }
    for shape in shapes {
        var row = ""
        for threads in threadCounts {
            let gflops = measure(S.self, shape, threads: threads, samples: samples)
            let percent = gflops / (peaks[threads]! * peakScale) * 100
            if json {
                var line = JSONLine(style: .compact)
                line.add("m", shape.m); line.add("n", shape.n); line.add("k", shape.k)
                line.add("transA", shape.transA); line.add("transB", shape.transB); line.add("threads", threads)
                line.add("dtype", S.typeName)
                line.add("gflops", (gflops * 10).rounded() / 10); line.add("percent_of_peak", (percent * 10).rounded() / 10)
                line.add("kernel", kernelName)
                print(line.text)
            } else {
                row += "\(format1(gflops)) (\(format1(percent))%)".leftPadded(24)
            }
        }
        if !json { print(shape.name.rightPadded(36) + row) }
    }
}
if double { benchmark(Double.self) } else { benchmark(Float.self) }

func format1(_ value: Double) -> String { String((value * 10).rounded() / 10) }
extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPadded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
