// linear-bench: one SGD epoch of the Fashion-MNIST tutorial's SGDClassifier over 48,000 x 784, timed in release.
//
//   swift build -c release -Xswiftc -target-cpu -Xswiftc native --product linear-bench
//   .build/release/linear-bench [--threads N] [--repeats N] [--samples N] [--json]
//   python3 Benchmarks/scripts/compare_linear.py .build/release/linear-bench    # beside scikit-learn, alternating
//
// An epoch is `SGDClassifier(loss: .logLoss, maxIter: 1, tol: nil, randomState: 42).fit(x, y)` on the first
// 48,000 training images scaled to [0, 1]: ten one-vs-rest binary problems, one pass each (the fit's input
// conversion and allocation included, as in scikit-learn's `fit`). Also times the tutorial's full fit (maxIter 5).
import BenchmarkSupport
import Foundation
import SwiftLearnData
import SwiftLearnLinearModels
import SwiftLearnSystem
import SwiftLearnTensor

var threads = Parallelism.threadCount
var repeats = 3
var samples = 48_000
var json = false
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--threads": threads = Int(arguments.removeFirst()) ?? threads
    case "--repeats": repeats = max(1, Int(arguments.removeFirst()) ?? repeats)
    case "--samples": samples = max(10, Int(arguments.removeFirst()) ?? samples)
    case "--json": json = true
    default:
        print("usage: linear-bench [--threads N] [--repeats N] [--samples N] [--json]")
        exit(2)
    }
}
Parallelism.threadCount = threads

let ((images, labels), _) = try FashionMNIST.loadData()
let rows = Array(0..<min(samples, images.shape[0]))
let x = (Tensor<Double>(try selectSamples(images, at: rows)) / 255).reshaped([rows.count, -1])
let y = try selectSamples(labels, at: rows)

func time(maxIter: Int) throws -> (seconds: Double, checksum: Double) {
    var model = SGDClassifier(loss: .logLoss, maxIter: maxIter, tol: nil, randomState: 42)
    let start = monotonicSeconds()
    try model.fit(x, y)
    let elapsed = monotonicSeconds() - start
    return (elapsed, model.coef!.scalars.reduce(0, +))
}

_ = try time(maxIter: 1)  // warm-up: page in the data, start the threads
var epochTimes: [Double] = [], fitTimes: [Double] = []
var checksum = 0.0
for _ in 0..<repeats {
    let epoch = try time(maxIter: 1)
    epochTimes.append(epoch.seconds)
    checksum = epoch.checksum
    fitTimes.append(try time(maxIter: 5).seconds)
}
if json {
    var line = JSONLine(style: .compact)
    line.add("impl", "swiftlearn")
    line.add("threads", threads)
    line.add("samples", rows.count)
    line.add("epoch_seconds", median(epochTimes))
    line.add("fit_max_iter_5_seconds", median(fitTimes))
    line.add("coef_sum", checksum)
    print(line.text)
} else {
    print("SGDClassifier(loss: .logLoss) on \(rows.count) x \(x.shape[1]), \(threads) thread(s), median of \(repeats):")
    print("  one epoch (10 one-vs-rest problems): \(String(format: "%.3f", median(epochTimes))) s")
    print("  maxIter 5 (the tutorial's fit):      \(String(format: "%.3f", median(fitTimes))) s")
}
