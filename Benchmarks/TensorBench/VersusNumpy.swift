// tensor-bench --vs-numpy: the ops of issue 16's table through the public `Tensor` API, one JSON line per
// (dtype, op, size) with the median seconds per call. Every call allocates its result, as numpy does.
// Benchmarks/scripts/compare_tensor.py runs this and the matching numpy script alternately and prints ratios.
//
//     tensor-bench --vs-numpy [--threads N] [--quick] [--min-seconds S] [--dtype float32|float64] [--sizes 1000,100000]
//     tensor-bench --vs-numpy --serve [--quick] [--min-seconds S]   (requests on stdin, see serveVersusNumpy)
import BenchmarkSupport
import Foundation
import SwiftLearnSystem
import SwiftLearnTensor

/// The shapes behind the table's sizes: 1e3, 1e5 and 1e7 elements, 1000 columns where there is room.
func benchmarkShape(_ size: Int) -> [Int] { size >= 100_000 ? [size / 1000, 1000] : [size / 100, 100] }

/// Uniform values in [low, high) from a fixed linear congruential sequence (values do not move the timings
/// except through special cases, which neither side hits: no overflow, no subnormals, no NaN).
func benchmarkValues<S: TensorFloatingPoint>(_ count: Int, low: Double, high: Double, seed: UInt64) -> [S] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return S(low + (high - low) * Double(state >> 11) / Double(1 << 53))
    }
}

nonisolated(unsafe) var benchmarkSink = 0

func minorPageFaults() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_minflt
}

/// How long one cell is timed: samples are taken until both bounds are met (numpy_tensor.py uses the same rule).
struct TimingRule {
    /// At least this many timed samples...
    var minimumSamples = 9
    /// ...and at least this much timed wall clock (a 1e7 op of ~5 ms gets ~20 samples from 0.1 s).
    var minimumSeconds = 0.1

    init(_ arguments: [String]) {
        if arguments.contains("--quick") { minimumSamples = 5; minimumSeconds = 0.03 }
        if let text = arguments.firstIndex(of: "--min-seconds").flatMap({ $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }),
           let seconds = Double(text) { minimumSeconds = seconds }
    }
}

/// Median seconds per call and page faults per call: `max(1, 2e6 / size)` calls per sample (~2 ms at 1e3 and 1e5,
/// one call at 1e7), a warm-up sample, then samples until `rule` is met.
func secondsPerCall(_ rule: TimingRule, size: Int, _ body: () -> Void) -> (seconds: Double, faults: Double, samples: Int) {
    let calls = Swift.max(1, 2_000_000 / Swift.max(1, size))
    for _ in 0..<calls { body() }
    var results: [Double] = []
    let faultsBefore = minorPageFaults()
    let begin = monotonicSeconds()
    while results.count < rule.minimumSamples || monotonicSeconds() - begin < rule.minimumSeconds {
        let start = monotonicSeconds()
        for _ in 0..<calls { body() }
        results.append((monotonicSeconds() - start) / Double(calls))
        if results.count >= 100_000 { break }
    }
    return (median(results), Double(minorPageFaults() - faultsBefore) / Double(results.count * calls), results.count)
}

@inline(never) func keep<S>(_ tensor: Tensor<S>) { benchmarkSink &+= tensor.count }
@inline(never) func keep<S: TensorScalar>(_ value: S) { benchmarkSink &+= value == S.zero ? 1 : 0 }
@inline(never) func keep(_ value: Int) { benchmarkSink &+= value }

/// A copy of `tensor` in a buffer from `Tensor(shape:initializingWith:)`.
func freshTensor<S>(_ tensor: Tensor<S>) -> Tensor<S> {
    Tensor(shape: tensor.shape) { output in tensor.withUnsafeBufferPointer { _ = output.initialize(from: $0) } }
}

/// The table's ops for one scalar type, in the order compare_tensor.py prints them.
func versusNumpyOps<S: TensorFloatingPoint>(_: S.Type, size: Int) -> [(String, () -> Void)] {
    let shape = benchmarkShape(size)
    let rows = shape[0], columns = shape[1]
    // Inputs live in buffers from the tensor allocator (huge pages from 4 MB, as every tensor result gets), as
    // numpy's come from its allocator; a Swift array's 4 KB pages would add TLB misses to every read.
    let a = freshTensor(try! Tensor<S>(shape: shape, scalars: benchmarkValues(size, low: -3, high: 3, seed: 1)))
    let b = freshTensor(try! Tensor<S>(shape: shape, scalars: benchmarkValues(size, low: 0.5, high: 3, seed: 2)))
    let row = try! Tensor<S>(shape: [columns], scalars: benchmarkValues(columns, low: -3, high: 3, seed: 3))
    let column = try! Tensor<S>(shape: [rows, 1], scalars: benchmarkValues(rows, low: -3, high: 3, seed: 4))
    let bytes = Tensor<UInt8>(shape: shape) { buffer in for i in buffer.indices { buffer[i] = UInt8(truncatingIfNeeded: i &* 37) } }
    let order = (0..<rows).map { ($0 &* 7919) % rows }
    let ops: [(String, () -> Void)] = [
        ("a + b", { keep(a + b) }),
        ("a * 2.5", { keep(a * 2.5) }),
        ("a / b", { keep(a / b) }),
        ("pow 2", { keep(a.pow(2)) }),
        ("clip", { keep(a.clipped(min: -1, max: 1)) }),
        ("relu", { keep(a.relu()) }),
        ("maximum(a, 0)", { keep(Tensor.maximum(a, 0)) }),
        ("exp", { keep(a.exp()) }),
        ("log", { keep(b.log()) }),
        ("tanh", { keep(a.tanh()) }),
        ("sqrt", { keep(b.sqrt()) }),
        ("sigmoid", { keep(a.sigmoid()) }),
        ("softmax(axis 1)", { keep(a.softmax(axis: 1)) }),
        ("[N,M] + [M]", { keep(a + row) }),
        ("[N,M] * [N,1]", { keep(a * column) }),
        ("sum", { keep(a.sum()) }),
        ("mean", { keep(a.mean()) }),
        ("sum(axis 1)", { keep(a.sum(axis: 1)) }),
        ("max(axis 1)", { keep(a.max(axis: 1)) }),
        ("sum(axis 0)", { keep(a.sum(axis: 0)) }),
        ("mean(axis 0)", { keep(a.mean(axis: 0)) }),
        ("argmax(axis 1)", { keep(a.argmax(axis: 1)) }),
        ("std()", { keep(a.standardDeviation()) }),
        ("var(axis 0)", { keep(a.variance(axis: 0)) }),
        ("transpose copy", { keep(a.transposed()) }),
        ("concat", { keep(Tensor.concatenate([a, b], axis: 0)) }),
        ("gathering rows", { keep(a.gatheringRows(order)) }),
        ("uint8 -> \(S.dtypeName) / 255", { keep(Tensor<S>(bytes) / 255) }),
    ]
    if S.self == Float.self {
        return ops + [("float32 -> float64", { keep(Tensor<Double>(a)) })]
    }
    return ops
}

/// One JSON line for a timed cell.
func versusNumpyLine(dtype: String, op: String, size: Int, _ timing: (seconds: Double, faults: Double, samples: Int)) -> String {
    var line = JSONLine(style: .compact)
    line.add("impl", "swiftlearn"); line.add("dtype", dtype); line.add("op", op); line.add("size", size)
    line.add("threads", Parallelism.threadCount); line.add("seconds", timing.seconds)
    line.add("samples", timing.samples); line.add("faults_per_call", timing.faults)
    return line.text
}

/// The numpy dtype names the table knows. Any other name is refused: numpy reads a loose "float" as float64,
/// so a guess would time one type under the other's label.
let versusNumpyDtypes = ["float32", "float64"]

func versusNumpyOps(dtype: String, size: Int) -> [(String, () -> Void)] {
    switch dtype {
    case "float32": versusNumpyOps(Float.self, size: size)
    case "float64": versusNumpyOps(Double.self, size: size)
    default: []
    }
}

func runVersusNumpy(_ arguments: [String]) {
    func value(_ flag: String) -> String? {
        arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
    if let threads = value("--threads").flatMap(Int.init) { Parallelism.threadCount = threads }
    let rule = TimingRule(arguments)
    if arguments.contains("--serve") { serveVersusNumpy(rule); return }
    let sizes = value("--sizes").map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1000, 100_000, 10_000_000]
    let dtypes = value("--dtype").map { [$0] } ?? ["float32", "float64"]
    let only = value("--op")
    for dtype in dtypes where !versusNumpyDtypes.contains(dtype) {
        print("tensor-bench: --dtype \(dtype): expected \(versusNumpyDtypes.joined(separator: " or "))")
        exit(2)
    }
    for dtype in dtypes {
        for size in sizes {
            for (name, body) in versusNumpyOps(dtype: dtype, size: size) where only == nil || only == name {
                print(versusNumpyLine(dtype: dtype, op: name, size: size, secondsPerCall(rule, size: size, body)))
                fflush(nil)
            }
        }
    }
}

/// `--serve`: one cell per request line on stdin, so compare_tensor.py can alternate the two sides cell by cell
/// in long-lived processes. `ops DTYPE SIZE` answers with the op names as a JSON array; `time DTYPE SIZE THREADS
/// OP` times one op (OP may contain spaces) and answers with its JSON line. The inputs of the last (dtype, size)
/// are kept between requests.
func serveVersusNumpy(_ rule: TimingRule) {
    var cachedKey = ""
    var cached: [(String, () -> Void)] = []
    func ops(_ dtype: String, _ size: Int) -> [(String, () -> Void)] {
        let key = "\(dtype) \(size)"
        if key != cachedKey { cached = []; cached = versusNumpyOps(dtype: dtype, size: size); cachedKey = key }
        return cached
    }
    while let request = readLine() {
        let words = request.split(separator: " ", maxSplits: 4).map(String.init)
        if words.count >= 2, !versusNumpyDtypes.contains(words[1]) {
            print("{\"error\": \"dtype \(words[1]): expected \(versusNumpyDtypes.joined(separator: " or "))\"}")
        } else if words.count == 3, words[0] == "ops", let size = Int(words[2]) {
            let names = ops(words[1], size).map { "\"\($0.0)\"" }
            print("[" + names.joined(separator: ", ") + "]")
        } else if words.count == 5, words[0] == "time", let size = Int(words[2]), let threads = Int(words[3]),
                  let body = ops(words[1], size).first(where: { $0.0 == words[4] })?.1 {
            Parallelism.threadCount = threads
            print(versusNumpyLine(dtype: words[1], op: words[4], size: size, secondsPerCall(rule, size: size, body)))
        } else {
            print("{\"error\": \"bad request\"}")
        }
        fflush(nil)
    }
}
