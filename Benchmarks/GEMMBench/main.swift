// gemm-bench: SGEMM throughput per shape, one thread and all threads.
//
//     swift run -c release -Xswiftc -target-cpu -Xswiftc native gemm-bench [--json] [--quick] [--kernels]
//
//     --threads N         only that thread count; --only LABEL|MxNxK  a subset; --threshold-sweep  1 vs all threads on small shapes
//
// Each figure is the median GFLOPS of several timed repetitions after a warm-up; the number of
// repetitions grows for small shapes so each sample lasts long enough to time.
import SwiftLearnSystem
import BenchmarkSupport
import SwiftLearnGEMM
#if canImport(Glibc)
import Glibc
#endif

struct Shape {
    let label: String, m: Int, n: Int, k: Int, transA: Bool, transB: Bool
}

/// Median GFLOPS of `samples` timed batches of calls.
func measure(_ shape: Shape, threads: Int, samples: Int) -> Double {
    let (m, n, k) = (shape.m, shape.n, shape.k)
    let a = (0..<(m * k)).map { Float(($0 * 7 + 3) % 17) / 17 - 0.5 }
    let b = (0..<(k * n)).map { Float(($0 * 5 + 1) % 13) / 13 - 0.5 }
    var c = [Float](repeating: 0, count: m * n)
    let lda = shape.transA ? m : k, ldb = shape.transB ? k : n
    Parallelism.threadCount = threads
    let flops = 2.0 * Double(m) * Double(n) * Double(k)
    let callsPerSample = max(1, Int(2e8 / flops))
    var rates: [Double] = []
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                func call() {
                    sgemm(transA: shape.transA, transB: shape.transB, m: m, n: n, k: k,
                          a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: n)
                }
                for _ in 0..<max(2, callsPerSample / 4) { call() }
                for _ in 0..<samples {
                    let start = monotonicSeconds()
                    for _ in 0..<callsPerSample { call() }
                    rates.append(flops * Double(callsPerSample) / (monotonicSeconds() - start) / 1e9)
                }
            }
        }
    }
    return median(rates)
}

let arguments = CommandLine.arguments
let json = arguments.contains("--json")
let quick = arguments.contains("--quick")
let samples = quick ? 5 : 11
let allThreads = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))

var shapes: [Shape] = [64, 128, 256, 512, 1024, 2048].map { Shape(label: "square", m: $0, n: $0, k: $0, transA: false, transB: false) }
for batch in [32, 256] {
    shapes.append(Shape(label: "mlp forward", m: batch, n: 100, k: 784, transA: false, transB: false))
    shapes.append(Shape(label: "mlp weight grad", m: 784, n: 100, k: batch, transA: true, transB: false))
    shapes.append(Shape(label: "mlp input grad", m: batch, n: 784, k: 100, transA: false, transB: true))
    shapes.append(Shape(label: "mlp head", m: batch, n: 10, k: 100, transA: false, transB: false))
}
if let filter = arguments.firstIndex(of: "--only").map({ arguments[$0 + 1] }) {
    shapes = shapes.filter { "\($0.m)x\($0.n)x\($0.k)" == filter || $0.label.contains(filter) }
}

if arguments.contains("--threshold-sweep") {
    // Where do two threads start to win? Cubes and MLP-like shapes from 2^15 to 2^27 multiply-adds.
    GEMMThreading.minimumParallelMultiplyAdds = 0
    print("multiply-adds  shape            1 thread GFLOPS  \(allThreads) threads GFLOPS  speed-up")
    let sweep: [(Int, Int, Int)] = [(32, 32, 32), (64, 64, 64), (32, 100, 392), (128, 128, 128), (32, 100, 784),
                                    (200, 200, 200), (256, 100, 784), (256, 256, 256), (320, 320, 320),
                                    (384, 384, 384), (512, 512, 512)]
    for (m, n, k) in sweep {
        let shape = Shape(label: "sweep", m: m, n: n, k: k, transA: false, transB: false)
        let one = measure(shape, threads: 1, samples: samples), all = measure(shape, threads: allThreads, samples: samples)
        print("\(m * n * k)".rightPadded(15) + "\(m)x\(n)x\(k)".rightPadded(17)
              + format6(one).leftPadded(15) + format6(all).leftPadded(19) + format6(all / one).leftPadded(10))
    }
    exit(0)
}

if !json {
    print("kernel: \(selectedMicrokernel.name), threads available: \(allThreads)")
    print("shape".rightPadded(34) + "  1 thread GFLOPS  \(allThreads) threads GFLOPS")
}
let threadCounts = arguments.firstIndex(of: "--threads").map { [Int(arguments[$0 + 1]) ?? 1] } ?? Array(Set([1, allThreads])).sorted()
for shape in shapes {
    var row: [Double] = []
    for threads in threadCounts {
        let gflops = measure(shape, threads: threads, samples: samples)
        row.append(gflops)
        if json {
            var line = JSONLine(style: .compact)
            line.add("m", shape.m); line.add("n", shape.n); line.add("k", shape.k)
            line.add("transA", shape.transA); line.add("transB", shape.transB); line.add("threads", threads)
            line.add("gflops", (gflops * 10).rounded() / 10); line.add("kernel", selectedMicrokernel.name)
            print(line.text)
        }
    }
    if !json {
        let name = "\(shape.label) \(shape.m)x\(shape.n)x\(shape.k)\(shape.transA ? " Aᵀ" : "")\(shape.transB ? " Bᵀ" : "")"
        print(name.rightPadded(34)
              + row.map { String(format6($0)).leftPadded(17) }.joined(separator: " "))
    }
}

func format6(_ value: Double) -> String { String((value * 10).rounded() / 10) }
extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPadded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
