// inflate-bench: times SwiftLearnCompression's gzip decoder against `gzip -dc` and Python's gzip.decompress
// (zlib) on the same file in the same run: medians of several interleaved rounds, and the ratios.
//
//   swift run -c release -Xswiftc -target-cpu -Xswiftc native inflate-bench [FILE.gz] [RUNS]
//
// Default file: Fashion-MNIST's training images from Debian's dataset-fashion-mnist package.
import BenchmarkSupport
import Foundation
import SwiftLearnCompression

let arguments = CommandLine.arguments
let path = arguments.count > 1 ? arguments[1] : "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
let runs = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 7) : 7

guard let compressed = FileManager.default.contents(atPath: path).map({ [UInt8]($0) }) else {
    print("inflate-bench: cannot read \(path) (install it with: apt-get install -y dataset-fashion-mnist)")
    exit(1)
}

// Rounds alternate SwiftLearn (in this process) and the references (Python's gzip.decompress and `gzip -dc`,
// timed by reference.py with one run per round), so load from other processes hits all of them alike.
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("reference.py").path
var swiftTimes: [Double] = []
var swiftCPUTimes: [Double] = []
var referenceTimes: [String: [Double]] = [:]
var referenceCPUTimes: [String: [Double]] = [:]
var referenceOutputs: [String: (bytes: Int, crc: String)] = [:]
var referenceNames: [String] = []
var output: [UInt8] = []
var referenceFailure: String?
for _ in 0..<runs {
    do {
        let cpuStart = processCPUSeconds()
        let start = monotonicSeconds()
        output = try Gzip.decompress(compressed)
        swiftTimes.append(monotonicSeconds() - start)
        swiftCPUTimes.append(processCPUSeconds() - cpuStart)
    } catch {
        print("inflate-bench: \(error)")
        exit(1)
    }
    guard referenceFailure == nil else { continue }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, path, "1"]
    let pipe = Pipe()
    process.standardOutput = pipe
    do {
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 5, let seconds = Double(fields[1]), let cpu = Double(fields[2]), let bytes = Int(fields[3]) {
                let name = String(fields[0])
                if referenceTimes[name] == nil { referenceNames.append(name) }
                referenceTimes[name, default: []].append(seconds)
                referenceCPUTimes[name, default: []].append(cpu)
                referenceOutputs[name] = (bytes, String(fields[4]))
            }
        }
        if process.terminationStatus != 0 { referenceFailure = "reference.py exited with status \(process.terminationStatus)" }
    } catch {
        referenceFailure = "could not run the Python reference (\(error))"
    }
}
if let referenceFailure { print("inflate-bench: \(referenceFailure); SwiftLearn timing only") }
let swiftMedian = median(swiftTimes)
let swiftCRC = String(CRC32.checksum(output), radix: 16)

let megabytes = Double(output.count) / 1e6
let swiftCPU = median(swiftCPUTimes)
print("file: \(path) (\(compressed.count) bytes compressed, \(output.count) bytes decompressed), \(runs) interleaved rounds, medians")
print("tool                          wall ms      MB/s    CPU ms   ratio to SwiftLearn (wall, CPU)")
func row(_ name: String, _ seconds: Double, _ cpu: Double, _ note: String) {
    let padded = name.padding(toLength: 26, withPad: " ", startingAt: 0)
    print("\(padded) \(String(format: "%8.1f  %8.1f  %8.1f", seconds * 1e3, megabytes / seconds, cpu * 1e3))   \(note)")
}
row("SwiftLearn Gzip.decompress", swiftMedian, swiftCPU, "crc32 \(swiftCRC)")
for name in referenceNames {
    guard let times = referenceTimes[name], let cpus = referenceCPUTimes[name], let result = referenceOutputs[name] else { continue }
    let seconds = median(times)
    let cpu = median(cpus)
    let same = result.bytes == output.count && UInt32(result.crc, radix: 16) == CRC32.checksum(output)
    row(name, seconds, cpu, String(format: "%.2fx, %.2fx   output %@", seconds / swiftMedian, cpu / swiftCPU,
                                   same ? "identical" : "DIFFERS"))
}
