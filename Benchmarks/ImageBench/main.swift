// image-bench: SwiftLearn's image decoders and generator on any folder of PNG/JPEG files.
//
//   image-bench decode <folder> [--rounds 3] [--scale 1|2|4|8]
//       single-thread decode-only rate (files read into memory first), like Pillow's Image.open(...).load()
//   image-bench throughput <folder> [--target 112] [--batch 32] [--epochs 3] [--workers 2] [--jpeg-draft auto|off]
//       the generator: decode + resize + rescale into [batch, target, target, 3] Float batches
//   image-bench memory <folder> [--target 8] [--epochs 3] [--workers 2]
//       resident memory over epochs
//   image-bench train <folder> [--target 112] [--epochs 3] [--workers 2]
//       fit() of Flatten-Dense(64)-Dense(classes) on the generator vs on the same data in memory
//
// <folder> is flat or holds one sub-folder per class (as Keras's flow_from_directory); files are found
// recursively. Every mode ends with a `RESULT {json}` line for scripts (run_bench.py). An empty folder is
// reported, not divided by.
#if canImport(Glibc)
import Glibc
#endif
import BenchmarkSupport
import FoundationEssentials
import SwiftLearnImageCodecs
import SwiftLearnNN
import SwiftLearnSystem
import SwiftLearnTensor
import SwiftLearnVision

func option(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return value
}

func option(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return value
}

func fixed(_ value: Double, _ digits: Int) -> String { DecimalText.fixed(value, digits: digits) }

/// The images under `folder`, recursively, sorted; with the class of each (its sub-folder under `folder`, or
/// "" for files directly in it).
func listImages(_ folder: String) throws -> [(path: String, label: String)] {
    let extensions: Set<String> = ["png", "jpg", "jpeg"]
    return try FileManager.default.subpathsOfDirectory(atPath: folder).sorted().compactMap { relative in
        guard let dot = relative.lastIndex(of: "."),
              extensions.contains(relative[relative.index(after: dot)...].lowercased()) else { return nil }
        let parts = relative.split(separator: "/")
        return (folder + "/" + relative, parts.count > 1 ? String(parts[0]) : "")
    }
}

/// A generator over `folder`: flow_from_directory when it has class sub-folders, a table of its files otherwise.
func makeFlow(_ folder: String, generator: ImageDataGenerator, target: Int, batch: Int, shuffle: Bool, workers: Int,
              jpegDraft: JPEGDraftMode) throws -> ImageBatchSource {
    let files = try listImages(folder)
    if files.contains(where: { !$0.label.isEmpty }) {
        return try generator.flowFromDirectory(folder, targetSize: (target, target), batchSize: batch, shuffle: shuffle,
                                               seed: 1, jpegDraft: jpegDraft, workers: workers)
    }
    let table = try ImageTable(columns: ["filename"], rows: files.map { [$0.path] })
    return try generator.flowFromDataFrame(table, targetSize: (target, target), classMode: .none, batchSize: batch,
                                           shuffle: shuffle, seed: 1, jpegDraft: jpegDraft, workers: workers)
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    print("usage: image-bench decode|throughput|memory|train <folder> [--target N] [--batch N] [--epochs N] [--workers N] [--rounds N] [--scale N] [--jpeg-draft auto|off]")
    exit(2)
}
let mode = args[1], folder = args[2]
let batch = option("--batch", default: 32)
let epochs = max(1, option("--epochs", default: 3))
let workers = max(1, option("--workers", default: 2))
let jpegDraft: JPEGDraftMode = option("--jpeg-draft", default: "auto") == "off" ? .off : .automatic

do {
    let files = try listImages(folder)
    guard !files.isEmpty else {
        print("\(folder): no .png, .jpg or .jpeg files (searched recursively); nothing to measure")
        var line = JSONLine(style: .compact)
        line.add("mode", mode)
        line.add("files", 0)
        print("RESULT " + line.text)
        exit(1)
    }
    switch mode {
    case "decode":
        let rounds = max(1, option("--rounds", default: 3))
        guard let scale = JPEGScale(rawValue: option("--scale", default: 1)) else {
            print("--scale must be 1, 2, 4 or 8"); exit(2)
        }
        var raw: [[UInt8]] = []
        var byteCount = 0
        for file in files {
            let bytes = try FileIO.readAll(path: file.path)
            byteCount += bytes.count
            raw.append(bytes)
        }
        let options = ImageDecodingOptions(jpegScale: scale)
        var rates: [Double] = []
        var pixels = 0
        for round in 0..<rounds {
            let start = monotonicSeconds()
            let cpuStart = threadCPUSeconds()
            pixels = 0
            for bytes in raw {
                let image = try decodeRawImage(bytes, options: options)
                pixels += image.width * image.height
            }
            let seconds = monotonicSeconds() - start, cpu = threadCPUSeconds() - cpuStart
            rates.append(Double(raw.count) / cpu)
            print("round \(round): \(raw.count) files in \(fixed(seconds, 3)) s wall; CPU \(fixed(cpu / Double(raw.count) * 1e3, 3)) ms/image = \(Int(Double(raw.count) / cpu)) images/s, \(fixed(Double(pixels) / cpu / 1e6, 1)) MP/s")
        }
        var line = JSONLine(style: .compact)
        line.add("mode", "decode")
        line.add("files", raw.count)
        line.add("bytes", byteCount)
        line.add("scale", scale.rawValue)
        line.add("median_images_per_cpu_s", median(rates))
        line.add("megapixels_per_image", Double(pixels) / Double(raw.count) / 1e6)
        print("RESULT " + line.text)
    case "throughput":
        let target = option("--target", default: 112)
        let generator = try ImageDataGenerator(rescale: 1.0 / 255)
        let flow = try makeFlow(folder, generator: generator, target: target, batch: batch, shuffle: true, workers: workers,
                                jpegDraft: jpegDraft)
        var rates: [Double] = []
        var cpuRates: [Double] = []
        var checksum: Double = 0
        for epoch in 0..<epochs {
            let start = monotonicSeconds()
            let cpuStart = processCPUSeconds()
            var iterator = try flow.makeEpoch(epoch)
            var images = 0
            while let b = try iterator.next() {
                images += b.count
                checksum += Double(b.inputs.scalars[0])
            }
            let seconds = monotonicSeconds() - start, cpu = processCPUSeconds() - cpuStart
            rates.append(Double(images) / seconds)
            cpuRates.append(Double(images) / cpu)
            print("epoch \(epoch): \(images) images in \(fixed(seconds, 3)) s = \(Int(Double(images) / seconds)) images/s, \(Int(Double(images) / cpu)) images per CPU-second")
        }
        var line = JSONLine(style: .compact)
        line.add("mode", "throughput")
        line.add("workers", workers)
        line.add("jpeg_draft", jpegDraft.rawValue)
        line.add("files", flow.sampleCount)
        line.add("median_images_per_s", median(rates))
        line.add("median_images_per_cpu_s", median(cpuRates))
        line.add("checksum", checksum)
        print("RESULT " + line.text)
    case "memory":
        let target = option("--target", default: 8)
        let before = ProcessMemory.residentAndPeakKilobytes()
        let generator = try ImageDataGenerator(rescale: 1.0 / 255, horizontalFlip: true)
        let flow = try makeFlow(folder, generator: generator, target: target, batch: batch, shuffle: true, workers: workers,
                                jpegDraft: jpegDraft)
        let listed = ProcessMemory.residentAndPeakKilobytes()
        print("listed \(flow.sampleCount) files: RSS \(before.rss) kB before, \(listed.rss) kB after listing")
        var line = JSONLine(style: .compact)
        line.add("mode", "memory")
        line.add("files", flow.sampleCount)
        line.add("rss_listed_kb", listed.rss)
        for epoch in 0..<epochs {
            let start = monotonicSeconds()
            var iterator = try flow.makeEpoch(epoch)
            var images = 0
            while let b = try iterator.next() { images += b.count }
            let m = ProcessMemory.residentAndPeakKilobytes()
            print("epoch \(epoch): \(images) images in \(fixed(monotonicSeconds() - start, 2)) s, RSS \(m.rss) kB, peak \(m.peak) kB")
            line.add("rss_epoch\(epoch + 1)_kb", m.rss)
            line.add("peak_epoch\(epoch + 1)_kb", m.peak)
        }
        print("RESULT " + line.text)
    case "train":
        let target = option("--target", default: 112)
        let generator = try ImageDataGenerator(rescale: 1.0 / 255)
        let flow = try generator.flowFromDirectory(folder, targetSize: (target, target), batchSize: batch, seed: 1,
                                                   jpegDraft: jpegDraft, workers: workers)
        // The same pixels and labels in memory (one pass of the flow in listing order).
        let ordered = try generator.flowFromDirectory(folder, targetSize: (target, target), batchSize: batch,
                                                      shuffle: false, jpegDraft: jpegDraft, workers: workers)
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
        let m = median(memoryTimes), g = median(generatorTimes)
        print("train epochs=\(epochs) files=\(flow.sampleCount): in-memory median \(fixed(m, 3)) s, generator median \(fixed(g, 3)) s, ratio \(fixed(g / m, 2))")
        var line = JSONLine(style: .compact)
        line.add("mode", "train")
        line.add("in_memory_s", m)
        line.add("generator_s", g)
        print("RESULT " + line.text)
    default:
        print("unknown mode \(mode)")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
