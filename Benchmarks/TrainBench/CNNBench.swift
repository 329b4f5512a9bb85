// train-bench --model cnn: the convolutional chapter's network (Conv2D 32 → MaxPooling2D → Conv2D 64 →
// MaxPooling2D → Flatten → Dense 100 → Dropout 0.4 → Dense 10), Adam, batch 32, on the same 48,000/12,000
// Fashion-MNIST split as the MLP benchmark (random stand-ins of the same shape when the files are missing).
//
//   swift run -c release -Xswiftc -target-cpu -Xswiftc native train-bench --model cnn [--json] [--epochs N]
//                                                                        [--data DIR] [--limit N] [--peak-gflops G]
//
// Reports the median seconds per epoch (training and the validation pass, as Keras's fit times them), the
// floating-point work of an epoch counted from the layer shapes, the share of the machine's two-core FMA peak
// that work reaches (--peak-gflops G; default: main.swift's `measuredPeakGFLOPS`, this Zen 4 guest's
// `gemm-bench --peak` for the thread count), validation accuracy and peak RSS.
import BenchmarkSupport
import FoundationEssentials
import Glibc
import SwiftLearnData
import SwiftLearnNN
import SwiftLearnRandom
import SwiftLearnSystem
import SwiftLearnTensor

struct CNNBenchOptions {
    var json = false
    var epochs = 3
    var dataDirectory: String? = nil
    /// Train on the first `limit` training images only (a quick check).
    var limit: Int? = nil
    /// The FMA peak the percentage refers to; default: the measured peak for the thread count in use.
    var peakGFLOPS = measuredPeakGFLOPS(threads: Parallelism.threadCount)

    /// The options when the command line asks for `--model cnn`; `nil` otherwise.
    static func parse(_ arguments: [String]) -> CNNBenchOptions? {
        guard let index = arguments.firstIndex(of: "--model"), index + 1 < arguments.count, arguments[index + 1] == "cnn" else {
            return nil
        }
        var options = CNNBenchOptions()
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--model": _ = iterator.next()
            case "--json": options.json = true
            case "--epochs": options.epochs = iterator.next().flatMap { Int($0) }.map { max(1, $0) } ?? options.epochs
            case "--data": options.dataDirectory = iterator.next()
            case "--limit": options.limit = iterator.next().flatMap { Int($0) }.map { max(1, $0) }
            case "--peak-gflops": options.peakGFLOPS = iterator.next().flatMap { Double($0) }.map { max(1, $0) } ?? options.peakGFLOPS
            default:
                print("usage: train-bench --model cnn [--json] [--epochs N] [--data DIR] [--limit N] [--peak-gflops G]")
                exit(2)
            }
        }
        return options
    }
}

/// Multiply-adds of one forward pass of one sample through `layer` (Conv2D and Dense; 0 for the rest).
func forwardMultiplyAdds(_ layer: Layer) -> Double {
    guard let output = layer.outputShape, let kernel = layer.weights.first, layer is Conv2D || layer is Dense else { return 0 }
    let outputPositions = output.dropLast().reduce(1, *)
    return Double(outputPositions) * Double(kernel.count)
}

/// FLOPs (2 per multiply-add) of one training step per sample: forward, weight gradient, and input gradient
/// for every weighted layer but the first; and of one forward pass (validation).
func flopsPerSample(_ model: Sequential) -> (training: Double, inference: Double) {
    let forward = model.layers.map(forwardMultiplyAdds)
    let firstWeighted = model.layers.firstIndex { !$0.weights.isEmpty } ?? 0
    let training = forward.enumerated().reduce(0.0) { total, entry in total + entry.element * (entry.offset == firstWeighted ? 2 : 3) }
    return (2 * training, 2 * forward.reduce(0, +))
}

/// Fashion-MNIST's 60,000 training images as `[n, 28, 28, 1]` in [0, 1] for `rows`, and their labels.
func convolutionalSplit(_ options: CNNBenchOptions) throws -> (train: (Tensor<Float>, Tensor<UInt8>), validation: (Tensor<Float>, Tensor<UInt8>), source: String) {
    var dataOptions = Options()  // main.swift's loader: the installed files or random stand-ins
    dataOptions.dataDirectory = options.dataDirectory
    let (bytes, labelBytes, source) = try loadData(dataOptions)
    // sklearn's train_test_split(test_size=0.2, random_state=42): a permutation, test rows first.
    var splitter = RandomState(seed: 42)
    let permutation = splitter.permutation(60_000)
    var trainRows = permutation[12_000...]
    if let limit = options.limit { trainRows = trainRows.prefix(limit) }
    func pick(_ rows: ArraySlice<Int>) -> (Tensor<Float>, Tensor<UInt8>) {
        let x = Tensor<Float>(shape: [rows.count, 28, 28, 1]) { destination in
            for (index, row) in rows.enumerated() {
                for j in 0..<784 { destination[index * 784 + j] = Float(bytes[row * 784 + j]) / 255 }
            }
        }
        return (x, Tensor(rows.map { labelBytes[$0] }))
    }
    return (pick(trainRows), pick(permutation[0..<12_000]), source)
}

func runCNNBenchmark(_ options: CNNBenchOptions) throws {
    let (train, validation, source) = try convolutionalSplit(options)
    setRandomSeed(42)
    let model = Sequential {
        Conv2D(32, kernelSize: 3, activation: .relu, padding: .same, inputShape: [28, 28, 1])
        MaxPooling2D(2)
        Conv2D(64, kernelSize: 3, activation: .relu, padding: .same)
        MaxPooling2D(2)
        Flatten()
        Dense(100, activation: .relu)
        Dropout(0.4)
        Dense(10, activation: .softmax)
    }
    try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
    let timer = EpochTimer()
    try model.fit(train.0, train.1, epochs: options.epochs, batchSize: 32, validationData: validation,
                  callbacks: [timer], verbose: options.json ? 0 : 1)
    let perEpoch = median(timer.durations)
    let flops = flopsPerSample(model)
    let epochFLOPs = flops.training * Double(train.0.shape[0]) + flops.inference * Double(validation.0.shape[0])
    let gflops = epochFLOPs / perEpoch / 1e9
    let rss = ProcessMemory.kilobytes("VmHWM").map { Double($0) / 1024 } ?? -1
    let accuracy = timer.validationAccuracy.last ?? .nan
    if options.json {
        let epochs = timer.durations.map { fixed($0, 4) }.joined(separator: ", ")
        let accuracies = timer.validationAccuracy.map { fixed($0, 4) }.joined(separator: ", ")
        print("""
        {"benchmark": "train-bench", "model": "cnn", "data": "\(source)", "train_samples": \(train.0.shape[0]), \
        "epochs": \(options.epochs), "batch_size": 32, "seconds_per_epoch_median": \(fixed(perEpoch, 4)), \
        "epoch_seconds": [\(epochs)], "cpu_seconds_per_epoch_median": \(fixed(median(timer.cpuDurations), 4)), \
        "threads": \(Parallelism.threadCount), "tflop_per_epoch": \(fixed(epochFLOPs / 1e12, 4)), "gflops": \(fixed(gflops, 1)), \
        "peak_gflops": \(fixed(options.peakGFLOPS, 1)), "percent_of_two_core_peak": \(fixed(100 * gflops / options.peakGFLOPS, 1)), \
        "val_accuracy": [\(accuracies)], "final_val_accuracy": \(fixed(accuracy, 4)), "peak_rss_mb": \(fixed(rss, 1))}
        """)
    } else {
        print("data: \(source), \(train.0.shape[0]) train / 12,000 validation, batch 32, \(options.epochs) epochs, \(Parallelism.threadCount) threads")
        print("seconds per epoch: median \(fixed(perEpoch, 3)) (each: \(timer.durations.map { fixed($0, 3) }))")
        print("work per epoch: \(fixed(epochFLOPs / 1e12, 3)) TFLOP → \(fixed(gflops, 1)) GFLOPS, \(fixed(100 * gflops / options.peakGFLOPS, 1))% of the two-core peak (\(options.peakGFLOPS) GFLOPS)")
        print("validation accuracy: \(timer.validationAccuracy.map { fixed($0, 4) })")
        print("peak RSS (VmHWM): \(fixed(rss, 1)) MB")
    }
}
