import FoundationEssentials
import SwiftLearnNN
import SwiftLearnPlot

/// Writes a chart as `<basePath>.png` and `<basePath>.svg` and returns both paths.
///
/// `write` is the chart's `write(to:)` (``LineChart``, ``ImageGrid``, ``ConfusionMatrixHeatmap``).
public func writePNGAndSVG(_ basePath: String, _ write: (URL) throws(PlotError) -> Void) throws(PlotError) -> [String] {
    var paths: [String] = []
    for pathExtension in ["png", "svg"] {
        let path = basePath + "." + pathExtension
        try write(URL(fileURLWithPath: path))
        paths.append(path)
    }
    return paths
}

/// Draws the curves of a training history, the tutorials' `pd.DataFrame(history.history).plot()`, as two charts:
/// `<prefix>loss` (loss and val_loss) and `<prefix><metric>` (e.g. accuracy and val_accuracy), each PNG and SVG.
///
/// - Returns: the paths written.
public func writeTrainingCurves(_ history: History, directory: String, prefix: String = "", title: String,
                                metric: String) throws(PlotError) -> [String] {
    var paths: [String] = []
    for (key, label) in [("loss", "loss"), (metric, metric)] {
        let keys = [key, "val_" + key].filter { history[$0] != nil }
        guard !keys.isEmpty else { continue }
        var chart = try LineChart(history: history.history, keys: keys,
                                  title: "\(title): \(label)", xLabel: "epoch", yLabel: label)
        chart.legendLocation = .best
        let base = joinPath(directory, prefix + key)
        paths += try writePNGAndSVG(base) { (url) throws(PlotError) in try chart.write(to: url) }
    }
    return paths
}
