import SwiftLearnPlot

/// A confusion matrix as a text table: one row per true class, one column per predicted class, with the class
/// names (shortened to fit) as row labels and column keys.
///
/// ```
///              pred:    0     1 ...
/// 0 T-shirt/top       812     3 ...
/// ```
public func confusionMatrixText(_ matrix: [[Int]], classNames: [String]) -> String {
    let width = max(5, (matrix.flatMap { $0 }.max() ?? 0).description.count + 1)
    let names = classNames.enumerated().map { "\($0.offset) \($0.element)" }
    let nameWidth = min(18, names.map(\.count).max() ?? 0)
    func pad(_ text: String, _ count: Int, left: Bool) -> String {
        let clipped = String(text.prefix(count))
        let padding = String(repeating: " ", count: max(0, count - clipped.count))
        return left ? padding + clipped : clipped + padding
    }
    var lines = [pad("true\\pred", nameWidth, left: false) + " "
        + (0..<matrix.count).map { pad(String($0), width, left: true) }.joined()]
    for (row, values) in matrix.enumerated() {
        lines.append(pad(names[row], nameWidth, left: false) + " " + values.map { pad(String($0), width, left: true) }.joined())
    }
    return lines.joined(separator: "\n")
}

/// Writes the confusion-matrix heatmap (`<basePath>.png` and `.svg`) and returns the paths.
public func writeConfusionMatrix(_ matrix: [[Int]], classNames: [String], basePath: String,
                                 title: String) throws(PlotError) -> [String] {
    var heatmap = try ConfusionMatrixHeatmap(matrix: matrix, classNames: classNames, title: title)
    heatmap.decimals = 0
    return try writePNGAndSVG(basePath) { (url) throws(PlotError) in try heatmap.write(to: url) }
}

/// Writes a grid of grayscale sample images captioned with the predicted class (red when it differs from the
/// true class, which is then given in parentheses); returns the paths.
public func writePredictionGrid(_ images: [[UInt8]], width: Int, height: Int, predicted: [Int], actual: [Int],
                                classNames: [String], basePath: String, title: String) throws(PlotError) -> [String] {
    let captions = zip(predicted, actual).map { p, a in
        p == a ? classNames[p] : "\(classNames[p]) (\(classNames[a]))"
    }
    var grid = try ImageGrid(grayscale: images, imageWidth: width, imageHeight: height, columns: 5,
                             captions: captions, title: title)
    grid.captionColors = zip(predicted, actual).map { $0 == $1 ? PlotColor(hex: 0x222222) : PlotColor(hex: 0xD62728) }
    return try writePNGAndSVG(basePath) { (url) throws(PlotError) in try grid.write(to: url) }
}
