// tensor-bench: the issue's tensor targets, each next to its reference.
//
//     swift run -c release -Xswiftc -target-cpu -Xswiftc native tensor-bench [--json] [--quick]
//         [--only elementwise|tensor|transcendentals|softmax|threads]
//     tensor-bench --vs-numpy [--threads N] [--quick]   (issue 16's table; see VersusNumpy.swift and
//         Benchmarks/scripts/compare_tensor.py, which alternates it with numpy)
//
// Every figure is the median of several timed samples (15, or 5 with --quick) after a warm-up.
//  * elementwise add/mul/relu on 10M floats vs a memcpy moving the same number of bytes (reads + writes:
//    60 MB copied for a binary op, 40 MB for a unary one), kernel into a preallocated buffer (what layers do);
//  * the same through Tensor operators, which also fault in a fresh 40 MB output on every call (glibc maps
//    allocations above 32 MB afresh): reference is a copy into a freshly allocated array of the same size;
//  * exp/sigmoid/tanh (and log) on 10M floats vs a scalar `Foundation.exp` loop;
//  * softmax 32x10 and 256x1000: time per call vs (allocating the output + the kernel into a preallocated
//    buffer), the bytes one call retains (exactly the output array) and the in-use change over 10k calls;
//  * the parallel threshold: the library's chunking forced onto threads vs one thread, add and exp.
import BenchmarkSupport
import Foundation
import SwiftLearnTensor
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
if arguments.contains("--vs-numpy") {
    runVersusNumpy(arguments)
    exit(0)
}
let json = arguments.contains("--json")
let quick = arguments.contains("--quick")
let samples = quick ? 5 : 15
/// `--only elementwise|tensor|transcendentals|softmax|threads` runs one section.
let only: String? = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
func enabled(_ section: String) -> Bool { only == nil || only == section }

/// Median seconds per call of `body`, `calls` calls per sample.
func time(calls: Int = 1, _ body: () -> Void) -> Double {
    for _ in 0..<Swift.max(1, calls / 2) { body() }
    var results: [Double] = []
    for _ in 0..<samples {
        let start = monotonicSeconds()
        for _ in 0..<calls { body() }
        results.append((monotonicSeconds() - start) / Double(calls))
    }
    return median(results)
}

struct Row { let name: String; let milliseconds: Double; let reference: String; let referenceMilliseconds: Double; let note: String }
var rows: [Row] = []

@MainActor func report(_ name: String, _ seconds: Double, versus reference: String, _ referenceSeconds: Double, _ note: String = "") {
    rows.append(Row(name: name, milliseconds: seconds * 1e3, reference: reference, referenceMilliseconds: referenceSeconds * 1e3, note: note))
    if !json {
        let ratio = seconds / referenceSeconds
        print(String(format: "%-44@ %9.3f ms   %-34@ %9.3f ms   ratio %6.2fx  %@",
                     name as NSString, seconds * 1e3, reference as NSString, referenceSeconds * 1e3, ratio, note as NSString))
    }
}

let n = 10_000_000
func pattern(_ count: Int, multiplier: Int, offset: Int, modulus: Int, scale: Float) -> [Float] {
    var result = [Float](repeating: 0, count: count)
    for i in 0..<count {
        let residue: Int = (i * multiplier + offset) % modulus
        let value: Float = Float(residue) / scale
        result[i] = value - 5
    }
    return result
}
let a = pattern(n, multiplier: 7, offset: 3, modulus: 1000, scale: 100)
let b = pattern(n, multiplier: 13, offset: 1, modulus: 997, scale: 97)
var out = [Float](repeating: 0, count: n)
var scratch = [Float](repeating: 0, count: 3 * n)

// MARK: memcpy references

/// memcpy of `floats` floats between two preallocated buffers (reads `floats`, writes `floats`).
@MainActor func memcpyTime(floats: Int) -> Double {
    precondition(floats <= 3 * n / 2)
    return scratch.withUnsafeMutableBufferPointer { buffer in
        let source = UnsafeRawPointer(buffer.baseAddress!), destination = UnsafeMutableRawPointer(buffer.baseAddress! + 3 * n / 2)
        return time { memcpy(destination, source, floats * 4) }
    }
}
// A binary op moves 3 x 40 MB (two reads, one write): the same traffic as copying 60 MB.
let memcpyBinary = memcpyTime(floats: n * 3 / 2)
// A unary op moves 2 x 40 MB: a 40 MB copy.
let memcpyUnary = memcpyTime(floats: n)

// A Tensor operator also allocates its 40 MB output, which glibc maps fresh (page faults) on every call:
// the fair reference is a copy into a freshly allocated array of the same size.
let freshCopy: Double = a.withUnsafeBufferPointer { source in
    time {
        let copy = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.baseAddress!.initialize(from: source.baseAddress!, count: n)
            initialized = n
        }
        withExtendedLifetime(copy) {}
    }
}

let tensorA = Tensor<Float>(a), tensorB = Tensor<Float>(b)

if enabled("elementwise") {
if !json { print("== elementwise on 10M floats (preallocated output; reference: memcpy moving the same bytes) ==") }
a.withUnsafeBufferPointer { x in
    b.withUnsafeBufferPointer { y in
        out.withUnsafeMutableBufferPointer { z in
            report("VectorMath.add", time { VectorMath.add(x, y, into: z) }, versus: "memcpy 60 MB", memcpyBinary)
            report("VectorMath.multiply", time { VectorMath.multiply(x, y, into: z) }, versus: "memcpy 60 MB", memcpyBinary)
            report("VectorMath.relu", time { VectorMath.relu(x, into: z) }, versus: "memcpy 40 MB", memcpyUnary)
            report("Float.elementwise(.add) 1 thread", time {
                Float.elementwise(.add, lhs: x.baseAddress!, lhsStride: 1, rhs: y.baseAddress!, rhsStride: 1,
                                  result: z.baseAddress!, count: n)
            }, versus: "memcpy 60 MB", memcpyBinary)
        }
    }
}
}
if enabled("tensor") {
if !json { print("== the same through Tensor operators (fresh 40 MB output each call) ==") }
report("Tensor a + b", time { _ = tensorA + tensorB }, versus: "copy into fresh 40 MB array", freshCopy)
report("Tensor a * b", time { _ = tensorA * tensorB }, versus: "copy into fresh 40 MB array", freshCopy)
report("Tensor relu()", time { _ = tensorA.relu() }, versus: "copy into fresh 40 MB array", freshCopy)
var accumulator = tensorA
report("Tensor += (in place)", time { accumulator += tensorB }, versus: "memcpy 60 MB", memcpyBinary)
let bias = Tensor<Float>(Array(b[0..<1000]))
let matrix = tensorA.reshaped([10_000, 1000])
report("Tensor [10000,1000] + [1000] row broadcast", time { _ = matrix + bias }, versus: "copy into fresh 40 MB array", freshCopy)

}
// MARK: transcendentals
if enabled("transcendentals") {
if !json { print("== transcendentals on 10M floats (reference: scalar Foundation.exp loop) ==") }
let foundationExp: Double = a.withUnsafeBufferPointer { x in
    out.withUnsafeMutableBufferPointer { y in
        time { for i in 0..<n { y[i] = Foundation.exp(x[i]) } }
    }
}
a.withUnsafeBufferPointer { x in
    out.withUnsafeMutableBufferPointer { y in
        report("VectorMath.exp", time { VectorMath.exp(x, into: y) }, versus: "Foundation.exp loop", foundationExp)
        report("VectorMath.sigmoid", time { VectorMath.sigmoid(x, into: y) }, versus: "Foundation.exp loop", foundationExp)
        report("VectorMath.tanh", time { VectorMath.tanh(x, into: y) }, versus: "Foundation.exp loop", foundationExp)
        report("VectorMath.log", time { VectorMath.log(UnsafeBufferPointer(rebasing: x[0..<n]), into: y) },
               versus: "Foundation.exp loop", foundationExp, "log of negatives → NaN path included")
    }
}
report("Tensor exp() (fresh output)", time { _ = tensorA.exp() }, versus: "Foundation.exp loop", foundationExp)
}


// MARK: softmax


/// Bytes in use by malloc (glibc `mallinfo`; the fields are 32-bit, fine below 2 GB): used to show a call retains exactly its output.
/// glibc's `mallinfo2` is not in the Glibc module map, so it is looked up with `dlsym`. Its 80-byte struct
/// result is returned through a hidden pointer in the first argument register (SysV x86-64), so calling it as
/// `(pointer) -> pointer` with a 10-word buffer is exact. Fields: arena, ordblks, smblks, hblks, hblkhd,
/// usmblks, fsmblks, uordblks, fordblks, keepcost.
let mallinfo2Function: (@convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallinfo2") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer).self)
}()

func bytesInUse() -> Int {
    guard let mallinfo2 = mallinfo2Function else { return -1 }
    var fields = [Int](repeating: 0, count: 10)
    fields.withUnsafeMutableBytes { _ = mallinfo2($0.baseAddress!) }
    return fields[7] + fields[4]  // uordblks (arena chunks in use) + hblkhd (mmapped blocks)
}

@MainActor func softmaxAllocationCheck(rows: Int, columns: Int) {
    let logits = Tensor<Float>(pattern(rows * columns, multiplier: 31, offset: 0, modulus: 97, scale: 9))
    let x = logits.reshaped([rows, columns])
    let calls = Swift.max(10, 2_000_000 / (rows * columns))
    let perCall = time(calls: calls) { _ = x.softmax() }
    let allocationOnly = time(calls: calls) { _ = Tensor<Float>(shape: [rows, columns]) { $0.initialize(repeating: 0) } }
    var kernelOutput = [Float](repeating: 0, count: rows * columns)
    let kernelOnly: Double = x.withUnsafeBufferPointer { input in
        kernelOutput.withUnsafeMutableBufferPointer { output in
            time(calls: calls) { VectorMath.softmax(input, rows: rows, columns: columns, into: output) }
        }
    }
    // Retained memory of one call: the output array and nothing else.
    _ = x.softmax()
    let before = bytesInUse()
    let kept = x.softmax()
    let retained = bytesInUse() - before
    // Many calls in a row: in-use bytes must not grow (no leak, no cache, no scratch kept between calls).
    let baseline = bytesInUse()
    for _ in 0..<10_000 { _ = x.softmax() }
    let growth = bytesInUse() - baseline
    let outputBytes = rows * columns * 4
    let note = "one call retains \(retained) B = \(outputBytes) B output + \(retained - outputBytes) B array header/malloc; in-use change after 10k calls \(growth) B; kernel alone into a preallocated buffer \(String(format: "%.4f", kernelOnly * 1e3)) ms"
    report("softmax \(rows)x\(columns) Tensor", perCall, versus: "output allocation + kernel", allocationOnly + kernelOnly, note)
    withExtendedLifetime(kept) {}
}
if enabled("softmax") {
    if !json { print("== softmax (reference: allocating the output alone + the kernel into a preallocated buffer) ==") }
    softmaxAllocationCheck(rows: 32, columns: 10)
    softmaxAllocationCheck(rows: 256, columns: 1000)
}

// MARK: parallel threshold

if !json && enabled("threads") { print("== parallel threshold: chunked over threads (library chunking, forced on) vs one thread ==") }
func forcedParallel(_ size: Int, _ body: @escaping @Sendable (Int, Int) -> Void) {
    let chunk = 1 << 16
    DispatchQueue.concurrentPerform(iterations: (size + chunk - 1) / chunk) { index in
        let start = index * chunk
        body(start, Swift.min(chunk, size - start))
    }
}
for size in [1 << 16, 1 << 18, 1 << 20, 1 << 22, n] where enabled("threads") {
    a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in
            out.withUnsafeMutableBufferPointer { z in
                let calls = Swift.max(1, (1 << 24) / size)
                nonisolated(unsafe) let (p, q, r) = (x.baseAddress!, y.baseAddress!, z.baseAddress!)
                let serialAdd = time(calls: calls) {
                    Float.elementwise(.add, lhs: p, lhsStride: 1, rhs: q, rhsStride: 1, result: r, count: size)
                }
                let parallelAdd = time(calls: calls) {
                    forcedParallel(size) { start, count in
                        Float.elementwise(.add, lhs: p + start, lhsStride: 1, rhs: q + start, rhsStride: 1,
                                          result: r + start, count: count)
                    }
                }
                report("add \(size) elements, threads", parallelAdd, versus: "one thread", serialAdd)
                let serialExp = time(calls: calls) {
                    VectorMath.exp(UnsafeBufferPointer(start: p, count: size), into: UnsafeMutableBufferPointer(start: r, count: size))
                }
                let parallelExp = time(calls: calls) {
                    forcedParallel(size) { start, count in
                        VectorMath.exp(UnsafeBufferPointer(start: p + start, count: count),
                                       into: UnsafeMutableBufferPointer(start: r + start, count: count))
                    }
                }
                report("exp \(size) elements, threads", parallelExp, versus: "one thread", serialExp)
            }
        }
    }
}

if json {
    let entries = rows.map { row in
        var line = JSONLine(style: .spaced)
        line.add("name", row.name); line.add("ms", row.milliseconds)
        line.add("reference", row.reference); line.add("reference_ms", row.referenceMilliseconds)
        line.add("ratio", row.milliseconds / row.referenceMilliseconds); line.add("note", row.note)
        return "  " + line.text
    }
    print("[\n" + entries.joined(separator: ",\n") + "\n]")
}
