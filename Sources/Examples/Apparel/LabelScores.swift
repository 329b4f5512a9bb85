import ExampleSupport
import SwiftLearn

/// Running accuracy of multi-label predictions whose columns are `garments` one-hot garment labels followed by
/// `colors` one-hot colour labels.
struct LabelScores {
    let garments: Int
    let colors: Int
    private(set) var samples = 0
    /// Per column: samples whose thresholded output (> 0.5) equals the 0/1 target.
    private(set) var correct: [Int]
    /// Per column: samples whose target is 1.
    private(set) var positives: [Int]
    private(set) var garmentCorrect = 0
    private(set) var colorCorrect = 0
    private(set) var bothCorrect = 0

    init(garments: Int, colors: Int) {
        self.garments = garments
        self.colors = colors
        correct = [Int](repeating: 0, count: garments + colors)
        positives = correct
    }

    /// Adds a batch of `[n, garments + colors]` sigmoid outputs and targets; returns each sample's predicted
    /// (garment, colour): the highest output of each group.
    mutating func add(probabilities: Tensor<Float>, targets: Tensor<Float>) -> [(garment: Int, color: Int)] {
        let width = garments + colors
        let p = probabilities.scalars, t = targets.scalars
        var predictions: [(garment: Int, color: Int)] = []
        for row in 0..<(p.count / width) {
            let base = row * width
            for column in 0..<width {
                let truth = t[base + column] > 0.5
                if truth { positives[column] += 1 }
                if (p[base + column] > 0.5) == truth { correct[column] += 1 }
            }
            let garment = argmax(p, base, garments), trueGarment = argmax(t, base, garments)
            let color = argmax(p, base + garments, colors), trueColor = argmax(t, base + garments, colors)
            if garment == trueGarment { garmentCorrect += 1 }
            if color == trueColor { colorCorrect += 1 }
            if garment == trueGarment && color == trueColor { bothCorrect += 1 }
            predictions.append((garment, color))
            samples += 1
        }
        return predictions
    }

    func labelAccuracy(_ column: Int) -> Double { Double(correct[column]) / Double(max(1, samples)) }
    var garmentAccuracy: Double { Double(garmentCorrect) / Double(max(1, samples)) }
    var colorAccuracy: Double { Double(colorCorrect) / Double(max(1, samples)) }
    var exactAccuracy: Double { Double(bothCorrect) / Double(max(1, samples)) }

    /// Index (within the group) of the largest of `count` values starting at `start`; the first on ties.
    private func argmax(_ values: [Float], _ start: Int, _ count: Int) -> Int {
        var best = 0
        for index in 1..<count where values[start + index] > values[start + best] { best = index }
        return best
    }
}
