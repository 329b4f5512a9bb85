import SwiftLearnTensor

/// In-memory samples for `fit`/`evaluate`: a contiguous range of rows of `x` and of the converted targets.
struct ArrayDataset {
    let x: Tensor<Float>
    let targets: [Float]
    let range: Range<Int>
    let sampleSize: Int
    let targetSize: Int

    var count: Int { range.count }

    func slice(_ subrange: Range<Int>) -> ArrayDataset {
        ArrayDataset(x: x, targets: targets, range: subrange, sampleSize: sampleSize, targetSize: targetSize)
    }
}

/// Running sums behind the epoch's mean loss and metrics (weighted by rows, as Keras weights by batch size).
struct MetricAccumulator {
    var lossSum: Double = 0
    var rows = 0
    var metricSums: [Double]

    init(metricCount: Int) { metricSums = Array(repeating: 0, count: metricCount) }

    /// `loss` first, then metrics in compile order, with an optional prefix (`val_`).
    func logs(names: [String], prefix: String = "") -> [(String, Double)] {
        let denominator = Double(Swift.max(rows, 1))
        var result = [(prefix + "loss", lossSum / denominator)]
        for (name, sum) in zip(names, metricSums) { result.append((prefix + name, sum / denominator)) }
        return result
    }
}

/// The scalars of any tensor as `Float`s, without copying when they already are.
func floatScalars<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>) -> [Float] {
    if let floats = tensor.scalars as? [Float] { return floats }
    return tensor.scalars.map { Float($0.doubleValue) }
}
