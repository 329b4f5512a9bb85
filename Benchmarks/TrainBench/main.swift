// train-bench: Flatten-Dense(100, relu)-Dense(10, softmax), Adam, batch 32, on the 48,000/12,000
// Fashion-MNIST split used by the tutorials (train_test_split(test_size=0.2, random_state=42)), or on
// same-shaped random data when Fashion-MNIST is not installed (FashionMNIST.loadData searches --data DIR,
// $SWIFTLEARN_DATASETS, ~/.cache/swiftlearn/datasets, ~/.keras/datasets and /usr/share/datasets).
//
//   swift run -c release -Xswiftc -target-cpu -Xswiftc native train-bench [--json] [--epochs N] [--data DIR]
//                                                                        [--save MODEL_FILE]
//
// Reports seconds per epoch (median), validation accuracy after the last epoch, peak RSS (VmHWM) and
// the per-call time of predict on one sample against one bare forward pass.
import SwiftLearnSystem
import Glibc
import FoundationEssentials
import BenchmarkSupport
import SwiftLearnData
import SwiftLearnGEMM
import SwiftLearnNN
import SwiftLearnRandom
import SwiftLearnTensor

struct Options {
    var json = false
    var epochs = 5
    var dataDirectory: String? = nil
    var savePath: String? = nil
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let argument = arguments.next() {
        switch argument {
        case "--json": options.json = true
        case "--epochs": options.epochs = arguments.next().flatMap { Int($0) } ?? options.epochs
        case "--data": options.dataDirectory = arguments.next()
        case "--save": options.savePath = arguments.next()
        default:
            print("usage: train-bench [--json] [--epochs N] [--data DIR] [--save MODEL_FILE]")
            exit(2)
        }
    }
    return options
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The 60,000 training images (raw bytes, 784 per image) and labels from SwiftLearnData's
/// `FashionMNIST.loadData` (which also searches /usr/share/datasets/fashion-mnist), or random
/// stand-ins of the same shape when the files are nowhere.
func loadData(_ options: Options) throws -> (images: [UInt8], labels: [UInt8], source: String) {
    let directory = options.dataDirectory.map { URL(fileURLWithPath: $0) }
    do {
        let ((xTrain, yTrain), _) = try FashionMNIST.loadData(directory: directory)
        guard xTrain.shape == [60_000, 28, 28], yTrain.shape == [60_000] else {
            throw BenchError("unexpected Fashion-MNIST shapes \(xTrain.shape), \(yTrain.shape)")
        }
        return (xTrain.scalars, yTrain.scalars, "fashion-mnist")
    } catch let error as FormatError {
        guard error.kind == .notFound else { throw error }
        print("Fashion-MNIST not found, using random data of the same shape")
        var generator = RandomState(seed: 7)
        let images = (0..<60_000 * 784).map { _ in UInt8(generator.randint(0, 256)) }
        let labels = (0..<60_000).map { _ in UInt8(generator.randint(0, 10)) }
        return (images, labels, "random")
    }
}

/// Selected images scaled to [0, 1] (`train_input / 255`), written straight into the tensor storage.
func images(_ bytes: [UInt8], rows: ArraySlice<Int>) -> Tensor<Float> {
    Tensor(shape: [rows.count, 28, 28]) { destination in
        for (index, row) in rows.enumerated() {
            for j in 0..<784 { destination[index * 784 + j] = Float(bytes[row * 784 + j]) / 255 }
        }
    }
}

func labels(_ bytes: [UInt8], rows: ArraySlice<Int>) -> Tensor<UInt8> {
    Tensor(rows.map { bytes[$0] })
}

final class EpochTimer: Callback {
    var started = ContinuousClock.now
    var startedCPU = 0.0
    var durations: [Double] = []
    var cpuDurations: [Double] = []
    var validationAccuracy: [Double] = []
    func onEpochBegin(_ epoch: Int, model: Sequential, logs: Logs) throws {
        started = .now
        startedCPU = processCPUSeconds()
    }
    func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
        durations.append(seconds(ContinuousClock.now - started))
        cpuDurations.append(processCPUSeconds() - startedCPU)
        validationAccuracy.append(logs["val_accuracy"] ?? .nan)
    }
}

func timePerCall(repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<5 {
        let start = ContinuousClock.now
        for _ in 0..<repetitions { try body() }
        samples.append(seconds(ContinuousClock.now - start) / Double(repetitions))
    }
    return median(samples)
}

if let cnn = CNNBenchOptions.parse(CommandLine.arguments) { try runCNNBenchmark(cnn); exit(0) }  // CNNBench.swift
let options = parseOptions()
// sklearn's train_test_split(test_size=0.2, random_state=42): a permutation, test rows first.
var splitter = RandomState(seed: 42)
let permutation = splitter.permutation(60_000)
let validationRows = permutation[0..<12_000], trainRows = permutation[12_000...]
let (trainX, trainY, validationX, validationY, source) = try {
    let (imageBytes, labelBytes, source) = try loadData(options)
    return (images(imageBytes, rows: trainRows), labels(labelBytes, rows: trainRows),
            images(imageBytes, rows: validationRows), labels(labelBytes, rows: validationRows), source)
}()

setRandomSeed(42)
let model = Sequential {
    Flatten(inputShape: [28, 28])
    Dense(100, activation: .relu)
    Dense(10, activation: .softmax)
}
try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
let timer = EpochTimer()
try model.fit(trainX, trainY, epochs: options.epochs, batchSize: 32, validationData: (validationX, validationY),
              callbacks: [timer], verbose: options.json ? 0 : 1)

if let path = options.savePath { try model.save(path) }

// predict on one sample vs one bare forward pass (sgemm + bias/relu + sgemm + bias/softmax on fixed buffers).
let one = try Tensor<Float>(shape: [1, 28, 28], scalars: Array(validationX.scalars[0..<784]))
let predictTime = try timePerCall(repetitions: 2000) { _ = try model.predict(one, verbose: 0) }
let callTime = try timePerCall(repetitions: 2000) { _ = try model(one) }
let weights = model.getWeights().map(\.scalars)
var hidden = [Float](repeating: 0, count: 100), logits = [Float](repeating: 0, count: 10)
let bareTime = timePerCall(repetitions: 2000) {
    one.scalars.withUnsafeBufferPointer { x in
        weights[0].withUnsafeBufferPointer { w1 in
            hidden.withUnsafeMutableBufferPointer { h in
                sgemm(m: 1, n: 100, k: 784, a: x, lda: 784, b: w1, ldb: 100, beta: 0, c: h, ldc: 100)
                for j in 0..<100 { h[j] = max(h[j] + weights[1][j], 0) }
            }
        }
        hidden.withUnsafeBufferPointer { h in
            weights[2].withUnsafeBufferPointer { w2 in
                logits.withUnsafeMutableBufferPointer { z in
                    sgemm(m: 1, n: 10, k: 100, a: h, lda: 100, b: w2, ldb: 10, beta: 0, c: z, ldc: 10)
                    var maximum = -Float.infinity
                    for j in 0..<10 { z[j] += weights[3][j]; maximum = max(maximum, z[j]) }
                    var sum: Float = 0
                    for j in 0..<10 { z[j] = expf(z[j] - maximum); sum += z[j] }
                    for j in 0..<10 { z[j] /= sum }
                }
            }
        }
    }
}

let perEpoch = median(timer.durations)
let finalAccuracy = timer.validationAccuracy.last ?? .nan
let rss = ProcessMemory.kilobytes("VmHWM").map { Double($0) / 1024 } ?? -1
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    return String((value * scale).rounded() / scale)
}
if options.json {
    let epochs = timer.durations.map { fixed($0, 4) }.joined(separator: ", ")
    let accuracies = timer.validationAccuracy.map { fixed($0, 4) }.joined(separator: ", ")
    print("""
    {"benchmark": "train-bench", "data": "\(source)", "epochs": \(options.epochs), "batch_size": 32, \
    "seconds_per_epoch_median": \(fixed(perEpoch, 4)), "epoch_seconds": [\(epochs)], \
    "cpu_seconds_per_epoch_median": \(fixed(median(timer.cpuDurations), 4)), "threads": \(Parallelism.threadCount), \
    "val_accuracy": [\(accuracies)], "final_val_accuracy": \(fixed(finalAccuracy, 4)), \
    "peak_rss_mb": \(fixed(rss, 1)), "predict_one_us": \(fixed(predictTime * 1e6, 2)), \
    "call_one_us": \(fixed(callTime * 1e6, 2)), "bare_forward_one_us": \(fixed(bareTime * 1e6, 2)), \
    "predict_over_forward": \(fixed(predictTime / bareTime, 2)), \
    "reference_seconds_per_epoch": {"keras_3_tf_2.21": 4.1, "pytorch_2.15": 1.6}}
    """)
} else {
    print("data: \(source), 48,000 train / 12,000 validation, batch 32, \(options.epochs) epochs")
    print("seconds per epoch: median \(fixed(perEpoch, 4)) (each: \(timer.durations.map { fixed($0, 3) })), process CPU seconds per epoch: median \(fixed(median(timer.cpuDurations), 4)), \(Parallelism.threadCount) threads")
    print("validation accuracy: \(timer.validationAccuracy.map { fixed($0, 4) })")
    print("peak RSS (VmHWM): \(fixed(rss, 1)) MB")
    print("predict(1 sample): \(fixed(predictTime * 1e6, 2)) us, model(x): \(fixed(callTime * 1e6, 2)) us, bare forward: \(fixed(bareTime * 1e6, 2)) us (ratio \(fixed(predictTime / bareTime, 2)))")
    print("reference on this machine: Keras 3 / TF 2.21 4.1 s/epoch, PyTorch 2.15 1.6 s/epoch")
}
