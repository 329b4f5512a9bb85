// train-bench: Flatten-Dense(H, relu)[-Dense(H2, relu)...]-Dense(10, softmax) (default H = 100, Adam, batch 32) on
// the 48,000/12,000 Fashion-MNIST split used by the tutorials (train_test_split(test_size=0.2, random_state=42)), or
// on same-shaped random data when Fashion-MNIST is not installed (FashionMNIST.loadData searches --data DIR,
// $SWIFTLEARN_DATASETS, ~/.cache/swiftlearn/datasets, ~/.keras/datasets and /usr/share/datasets).
//
//   swift run -c release -Xswiftc -target-cpu -Xswiftc native train-bench [--json] [--epochs N] [--data DIR]
//       [--save MODEL_FILE] [--hidden H[,H2...]] [--batch-size B] [--optimizer adam|sgd|rmsprop|adagrad]
//       [--threads T] [--peak-gflops G]
//
// Reports the thread count, seconds per epoch (median; an epoch includes its validation pass), the percentage
// of the FLOP limit (the epoch's matrix-product FLOPs at the machine's measured FMA peak over the measured
// epoch), validation accuracy after the last epoch, peak RSS (VmHWM) and the per-call time of predict on one
// sample against one bare forward pass. Benchmarks/scripts/peers_mlp.py runs it against Keras, PyTorch and JAX.
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
    /// Hidden Dense widths (relu), between the 784 inputs and the 10 softmax outputs.
    var hidden = [100]
    var batchSize = 32
    var optimizer = "adam"
    /// Overrides `Parallelism.threadCount` (default: SWIFTLEARN_NUM_THREADS or every core).
    var threads: Int? = nil
    /// The FLOP limit's peak; default: this machine's measured FMA peak for the thread count.
    var peakGFLOPS: Double? = nil
}

let usage = """
usage: train-bench [--model mlp] [--json] [--epochs N] [--data DIR] [--save MODEL_FILE] [--hidden H[,H2...]] [--batch-size B]
                   [--optimizer adam|sgd|rmsprop|adagrad] [--threads T] [--peak-gflops G]
       train-bench --model cnn ... (see CNNBench.swift)
"""

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    func positive(_ flag: String) -> Int {
        guard let text = arguments.next(), let value = Int(text), value > 0 else {
            print("train-bench: \(flag) needs a positive integer\n\(usage)")
            exit(2)
        }
        return value
    }
    while let argument = arguments.next() {
        switch argument {
        case "--json": options.json = true
        case "--model" where arguments.next() == "mlp": continue
        case "--epochs": options.epochs = positive(argument)
        case "--data": options.dataDirectory = arguments.next()
        case "--save": options.savePath = arguments.next()
        case "--batch-size": options.batchSize = positive(argument)
        case "--threads": options.threads = positive(argument)
        case "--optimizer": options.optimizer = arguments.next() ?? ""
        case "--peak-gflops": options.peakGFLOPS = arguments.next().flatMap { Double($0) }
        case "--hidden":
            let widths = (arguments.next() ?? "").split(separator: ",").map { Int($0) ?? 0 }
            guard !widths.isEmpty, widths.allSatisfy({ $0 > 0 }) else {
                print("train-bench: --hidden needs positive widths separated by commas, e.g. 300,100\n\(usage)")
                exit(2)
            }
            options.hidden = widths
        default:
            print(usage)
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

/// Multiply-add FLOPs of one training epoch's matrix products: per batch of b samples and each Dense layer
/// (in -> out), 2·b·in·out forward and as much for dW, and again for dX on every layer after the first.
func trainingFLOPs(widths: [Int], samples: Int, batchSize: Int) -> Double {
    var total = 0.0
    var start = 0
    while start < samples {
        let b = Double(Swift.min(batchSize, samples - start))
        for (index, (fanIn, fanOut)) in zip(widths, widths.dropFirst()).enumerated() {
            total += 2 * b * Double(fanIn * fanOut) * (index == 0 ? 2 : 3)
        }
        start += batchSize
    }
    return total
}

/// The FP32 FMA peak of the development machine as `gemm-bench --peak` measures it (12 chains of SIMD16 FMA):
/// 116 GFLOPS on one core, 231 on two on the Zen 4 guest of 2 December 2026 (512-bit FMA as two 256-bit halves;
/// the Zen 5 the issues measured had 247 / 483). Another machine: pass `--peak-gflops`.
func measuredPeakGFLOPS(threads: Int) -> Double { threads >= 2 ? 231 : 116 }

if let cnn = CNNBenchOptions.parse(CommandLine.arguments) { try runCNNBenchmark(cnn); exit(0) }  // CNNBench.swift
let options = parseOptions()
if let threads = options.threads { Parallelism.threadCount = threads }
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
    for width in options.hidden { Dense(width, activation: .relu) }
    Dense(10, activation: .softmax)
}
try model.compile(optimizer: options.optimizer, loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
let timer = EpochTimer()
try model.fit(trainX, trainY, epochs: options.epochs, batchSize: options.batchSize, validationData: (validationX, validationY),
              callbacks: [timer], verbose: options.json ? 0 : 1)

if let path = options.savePath { try model.save(path) }

// predict on one sample vs one bare forward pass (sgemm + bias/relu per hidden layer, sgemm + bias/softmax at the end, on
// fixed buffers).
let one = try Tensor<Float>(shape: [1, 28, 28], scalars: Array(validationX.scalars[0..<784]))
let predictTime = try timePerCall(repetitions: 2000) { _ = try model.predict(one, verbose: 0) }
let callTime = try timePerCall(repetitions: 2000) { _ = try model(one) }
let weights = model.getWeights().map(\.scalars)
let widths = [784] + options.hidden + [10]
var layerOutputs = widths.map { [Float](repeating: 0, count: $0) }
let oneScalars = one.scalars
let bareTime = timePerCall(repetitions: 2000) {
    layerOutputs[0] = oneScalars
    for layer in 0..<widths.count - 1 {
        let (fanIn, fanOut) = (widths[layer], widths[layer + 1])
        let input = layerOutputs[layer]
        input.withUnsafeBufferPointer { x in
            weights[2 * layer].withUnsafeBufferPointer { w in
                layerOutputs[layer + 1].withUnsafeMutableBufferPointer { y in
                    sgemm(m: 1, n: fanOut, k: fanIn, a: x, lda: fanIn, b: w, ldb: fanOut, beta: 0, c: y, ldc: fanOut)
                    let bias = weights[2 * layer + 1]
                    if layer < widths.count - 2 {
                        for j in 0..<fanOut { y[j] = max(y[j] + bias[j], 0) }
                        return
                    }
                    var maximum = -Float.infinity
                    for j in 0..<fanOut { y[j] += bias[j]; maximum = max(maximum, y[j]) }
                    var sum: Float = 0
                    for j in 0..<fanOut { y[j] = expf(y[j] - maximum); sum += y[j] }
                    for j in 0..<fanOut { y[j] /= sum }
                }
            }
        }
    }
}

let perEpoch = median(timer.durations)
// Which multiply-add family SGEMM chose at first use by timing (fused FMA or a separate multiply and add): the
// two round differently, so runs are comparable bit for bit only when they chose the same one. C = -1·1 + x·x with
// x = 1 + 2^-12 accumulated in k order: exactly 2^-11 + 2^-24 with one rounding, 2^-11 with two.
let gemmFamily: String = {
    let x: Float = 1 + 0x1p-12
    let a = [Float]((0..<16).flatMap { _ in [-1, x] }), b = [Float]((0..<32).map { _ in 1 } + (0..<32).map { _ in x })
    var c = [Float](repeating: 0, count: 16 * 32)
    try? sgemm(m: 16, n: 32, k: 2, a: a, b: b, c: &c)
    return c.allSatisfy { $0 == 0x1p-11 + 0x1p-24 } ? "fused" : c.allSatisfy { $0 == 0x1p-11 } ? "separate" : "mixed"
}()
// FNV-1a over the bit patterns of every trained weight: two runs (processes, thread counts) that print the same
// fingerprint ended with bit-identical weights.
let weightsFingerprint: String = {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in weights.joined() {
        hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3
    }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}()
let finalAccuracy = timer.validationAccuracy.last ?? .nan
let rss = ProcessMemory.kilobytes("VmHWM").map { Double($0) / 1024 } ?? -1
let threads = Parallelism.threadCount
let peak = options.peakGFLOPS ?? measuredPeakGFLOPS(threads: threads)
let epochFLOPs = trainingFLOPs(widths: widths, samples: trainRows.count, batchSize: options.batchSize)
let percentOfLimit = epochFLOPs / (peak * 1e9) / perEpoch * 100
let modelName = widths.map(String.init).joined(separator: "-")
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    return String((value * scale).rounded() / scale)
}
if options.json {
    let epochs = timer.durations.map { fixed($0, 4) }.joined(separator: ", ")
    let accuracies = timer.validationAccuracy.map { fixed($0, 4) }.joined(separator: ", ")
    print("""
    {"benchmark": "train-bench", "data": "\(source)", "model": "\(modelName)", "optimizer": "\(options.optimizer)", \
    "epochs": \(options.epochs), "batch_size": \(options.batchSize), \
    "seconds_per_epoch_median": \(fixed(perEpoch, 4)), "epoch_seconds": [\(epochs)], \
    "cpu_seconds_per_epoch_median": \(fixed(median(timer.cpuDurations), 4)), "threads": \(threads), \
    "training_gflop_per_epoch": \(fixed(epochFLOPs / 1e9, 3)), "peak_gflops": \(fixed(peak, 1)), \
    "percent_of_flop_limit": \(fixed(percentOfLimit, 1)), \
    "val_accuracy": [\(accuracies)], "final_val_accuracy": \(fixed(finalAccuracy, 4)), \
    "peak_rss_mb": \(fixed(rss, 1)), "predict_one_us": \(fixed(predictTime * 1e6, 2)), \
    "call_one_us": \(fixed(callTime * 1e6, 2)), "bare_forward_one_us": \(fixed(bareTime * 1e6, 2)), \
    "predict_over_forward": \(fixed(predictTime / bareTime, 2)), "weights_fnv1a": "\(weightsFingerprint)", "gemm_family": "\(gemmFamily)", \
    "gemm_kernel": "\(selectedMicrokernel.name)"}
    """)
} else {
    print("data: \(source), model \(modelName), \(options.optimizer), 48,000 train / 12,000 validation, batch \(options.batchSize), \(options.epochs) epochs")
    print("threads: \(threads)")
    print("seconds per epoch: median \(fixed(perEpoch, 4)) (each: \(timer.durations.map { fixed($0, 3) })), process CPU seconds per epoch: median \(fixed(median(timer.cpuDurations), 4))")
    print("FLOP limit: \(fixed(epochFLOPs / 1e9, 2)) GFLOP of products per epoch at \(fixed(peak, 0)) GFLOPS = \(fixed(epochFLOPs / (peak * 1e9), 4)) s: \(fixed(percentOfLimit, 1))% of the limit")
    print("validation accuracy: \(timer.validationAccuracy.map { fixed($0, 4) })")
    print("trained weights (FNV-1a of their bits): \(weightsFingerprint), SGEMM multiply-add family chosen at start-up: \(gemmFamily), kernel \(selectedMicrokernel.name)")
    print("peak RSS (VmHWM): \(fixed(rss, 1)) MB")
    print("predict(1 sample): \(fixed(predictTime * 1e6, 2)) us, model(x): \(fixed(callTime * 1e6, 2)) us, bare forward: \(fixed(bareTime * 1e6, 2)) us (ratio \(fixed(predictTime / bareTime, 2)))")
    print("peers (Keras, PyTorch, JAX) on the same model: python3 Benchmarks/scripts/peers_mlp.py \(CommandLine.arguments[0])")
}
