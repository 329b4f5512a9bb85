// image-bench: decode + resize + rescale throughput of SwiftLearnVision's generator, and memory over epochs.
//
//   image-bench throughput <folder> [--target 112] [--batch 32] [--epochs 3] [--workers 2]
//   image-bench decode <folder>                 single-thread decode-only rate per format
//   image-bench memory <folder> [--target 8] [--epochs 3] [--workers 2]
//   image-bench train <folder> [--target 112] [--epochs 3] [--workers 2]
//       fit() of Flatten-Dense(64, relu)-Dense(classes, softmax) on the generator vs on the same data in memory
//
// <folder> holds one sub-folder per class (as Keras's flow_from_directory). `run_bench.py` generates the data
// with Pillow, runs the Keras-equivalent Python pipeline on the same files and this tool, and prints both.
#if canImport(Glibc)
import Glibc
#endif
import BenchmarkSupport
import Dispatch
import SwiftLearnVision
import SwiftLearnNN
import SwiftLearnTensor

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return value
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale), fraction = abs(scaled % Int(scale))
    var text = String(fraction)
    while text.count < digits { text = "0" + text }
    return digits == 0 ? String(whole) : "\(whole).\(text)"
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    print("usage: image-bench throughput|decode|memory <folder> [--target N] [--batch N] [--epochs N] [--workers N]")
    exit(2)
}
let mode = args[1], folder = args[2]
let batch = argument("--batch", default: 32)
let epochs = argument("--epochs", default: 3)
let workers = argument("--workers", default: 2)

do {
    switch mode {
    case "throughput":
        let target = argument("--target", default: 112)
        let generator = try ImageDataGenerator(rescale: 1.0 / 255)
        let flow = try generator.flowFromDirectory(folder, targetSize: (target, target), batchSize: batch, seed: 1,
                                                   workers: workers)
        var rates: [Double] = []
        var cpuRates: [Double] = []
        var checksum: Double = 0
        for epoch in 0..<epochs {
            let start = monotonicSeconds()
            let cpuStart = processCPUSeconds()
            var iterator = try flow.makeEpoch(epoch)
            var images = 0
            while let b = try iterator.next() {
                images += b.inputs.shape[0]
                checksum += Double(b.inputs.scalars[0])
            }
            let seconds = monotonicSeconds() - start, cpu = processCPUSeconds() - cpuStart
            rates.append(Double(images) / seconds)
            cpuRates.append(Double(images) / cpu)
            print("epoch \(epoch): \(images) images in \(fixed(seconds, 3)) s = \(Int(Double(images) / seconds)) images/s, \(Int(Double(images) / cpu)) images per CPU-second")
        }
        let sorted = rates.sorted(), cpuSorted = cpuRates.sorted()
        print("RESULT swift workers=\(workers) median_images_per_s=\(Int(sorted[sorted.count / 2])) median_images_per_cpu_s=\(Int(cpuSorted[cpuSorted.count / 2])) files=\(flow.sampleCount) checksum=\(checksum)")
    case "decode":
        let flow = try ImageDataGenerator().flowFromDirectory(folder, targetSize: (1, 1), shuffle: false)
        var byteCount = 0
        var start = monotonicSeconds()
        var raw: [[UInt8]] = []
        for path in flow.filePaths {
            let fd = open(path, O_RDONLY); var st = stat(); fstat(fd, &st)
            var bytes = [UInt8](repeating: 0, count: Int(st.st_size)); _ = read(fd, &bytes, bytes.count); close(fd)
            byteCount += bytes.count
            raw.append(bytes)
        }
        print("read \(raw.count) files (\(byteCount) bytes) in \(monotonicSeconds() - start) s")
        for _ in 0..<3 {
            start = monotonicSeconds()
            let cpuStart = threadCPUSeconds()
            var sum = 0
            for bytes in raw { sum &+= Int(try decodeRawImage(bytes).pixels[0]) }
            let seconds = monotonicSeconds() - start, cpu = threadCPUSeconds() - cpuStart
            print("decode only: \(Int(Double(raw.count) / seconds)) images/s wall (\(fixed(seconds / Double(raw.count) * 1e6, 1)) us/image), CPU \(fixed(cpu / Double(raw.count) * 1e6, 1)) us/image \(sum)")
        }
    case "memory":
        let target = argument("--target", default: 8)
        let before = ProcessMemory.residentAndPeakKilobytes()
        let generator = try ImageDataGenerator(rescale: 1.0 / 255, horizontalFlip: true)
        let flow = try generator.flowFromDirectory(folder, targetSize: (target, target), batchSize: batch, seed: 1,
                                                   workers: workers)
        let listed = ProcessMemory.residentAndPeakKilobytes()
        print("listed \(flow.sampleCount) files: RSS \(before.rss) kB before, \(listed.rss) kB after listing")
        for epoch in 0..<epochs {
            let start = monotonicSeconds()
            var iterator = try flow.makeEpoch(epoch)
            var images = 0
            var samplesSeen = 0
            while let b = try iterator.next() {
                images += b.inputs.shape[0]
                samplesSeen += 1
                if samplesSeen % 500 == 0 {
                    let m = ProcessMemory.residentAndPeakKilobytes()
                    print("  epoch \(epoch) batch \(samplesSeen): RSS \(m.rss) kB")
                }
            }
            let m = ProcessMemory.residentAndPeakKilobytes()
            print("MEMORY epoch \(epoch): \(images) images in \(fixed(monotonicSeconds() - start, 2)) s, RSS \(m.rss) kB, peak \(m.peak) kB")
        }
    case "train":
        let target = argument("--target", default: 112)
        let generator = try ImageDataGenerator(rescale: 1.0 / 255)
        let flow = try generator.flowFromDirectory(folder, targetSize: (target, target), batchSize: batch, seed: 1,
                                                   workers: workers)
        // The same pixels and labels in memory (one pass of the flow in listing order).
        let ordered = try generator.flowFromDirectory(folder, targetSize: (target, target), batchSize: batch,
                                                      shuffle: false, workers: workers)
        var xs: [Float] = [], ys: [Float] = []
        var iterator = try ordered.makeEpoch(0)
        while let b = try iterator.next() { xs += b.inputs.scalars; ys += b.targets?.scalars ?? [] }
        let classes = flow.classNames.count
        let x = try Tensor<Float>(shape: [ordered.sampleCount, target, target, 3], scalars: xs)
        let y = try Tensor<Float>(shape: [ordered.sampleCount, classes], scalars: ys)
        func model() throws -> Sequential {
            let m = Sequential([Flatten(inputShape: [target, target, 3]), Dense(64, activation: .relu),
                                Dense(classes, activation: .softmax)])
            try m.compile(optimizer: Adam(), loss: .categoricalCrossentropy)
            return m
        }
        var memoryTimes: [Double] = [], generatorTimes: [Double] = []
        for _ in 0..<3 {
            let inMemory = try model()
            var start = monotonicSeconds()
            try inMemory.fit(x, y, epochs: epochs, batchSize: batch, verbose: 0)
            memoryTimes.append(monotonicSeconds() - start)
            let streamed = try model()
            start = monotonicSeconds()
            try streamed.fit(flow, epochs: epochs, verbose: 0)
            generatorTimes.append(monotonicSeconds() - start)
        }
        let m = memoryTimes.sorted()[1], g = generatorTimes.sorted()[1]
        print("RESULT train epochs=\(epochs) files=\(flow.sampleCount) in-memory median \(fixed(m, 3)) s, generator median \(fixed(g, 3)) s, ratio \(fixed(g / m, 2))")
    default:
        print("unknown mode \(mode)")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
