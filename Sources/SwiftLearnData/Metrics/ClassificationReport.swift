import Glibc
import SwiftLearnTensor

/// One line of a classification report.
public struct ClassificationReportRow: Sendable, Equatable {
    /// The class name (or `"macro avg"`, `"weighted avg"`, `"micro avg"`).
    public var name: String
    public var precision: Double
    public var recall: Double
    public var f1Score: Double
    public var support: Int
}

/// Precision, recall, F1 and support per class with their averages, printed exactly like scikit-learn's
/// `classification_report` (same column widths, rounding and rows).
///
/// ```swift
/// let report = try ClassificationReport(yTrue: [0, 1, 2, 2], yPred: [0, 2, 2, 2], targetNames: ["a", "b", "c"])
/// print(report)          // the text table
/// report.macroAverage    // structured values (scikit-learn's output_dict=True)
/// ```
/// The "accuracy" row appears when all present labels are reported (then micro-averaged F1 equals accuracy);
/// otherwise a "micro avg" row does.
public struct ClassificationReport: Sendable, CustomStringConvertible {
    /// One row per label, in label order.
    public var classes: [ClassificationReportRow]
    /// The accuracy, when the report covers every label present.
    public var accuracy: Double?
    /// The micro average, shown instead of accuracy when some present labels are left out.
    public var microAverage: ClassificationReportRow?
    public var macroAverage: ClassificationReportRow
    public var weightedAverage: ClassificationReportRow
    /// Decimal places in the text.
    public var digits: Int
    /// scikit-learn's `UndefinedMetricWarning` texts when `zeroDivision` is `.warn`.
    public var warnings: [String]

    /// - Parameters:
    ///   - labels: the labels to report, default the sorted union of both arrays.
    ///   - targetNames: display names, one per label (default `String(describing: label)`).
    ///   - digits: decimal places of the text table.
    /// - Throws: for different lengths, empty input, a `targetNames` count that differs from the label count,
    ///   or a negative `digits`.
    public init<Label: Hashable & Comparable>(
        yTrue: [Label], yPred: [Label], labels: [Label]? = nil, targetNames: [String]? = nil, digits: Int = 2,
        zeroDivision: ZeroDivision = .warn
    ) throws(MetricsError) {
        guard digits >= 0 else { throw .invalidParameter("digits must be >= 0, got \(digits)") }
        let scores = try PrecisionRecallFScore(yTrue: yTrue, yPred: yPred, labels: labels, zeroDivision: zeroDivision)
        if let targetNames, targetNames.count != scores.labels.count {
            throw .invalidParameter(
                "number of classes, \(scores.labels.count), does not match size of target_names,"
                    + " \(targetNames.count); try specifying the labels parameter")
        }
        let names = targetNames ?? scores.labels.map { String(describing: $0) }
        classes = names.indices.map {
            ClassificationReportRow(name: names[$0], precision: scores.precision[$0], recall: scores.recall[$0],
                                    f1Score: scores.fScore[$0], support: scores.support[$0])
        }
        let totalSupport = scores.support.reduce(0, +)
        let microIsAccuracy = labels.map { Set($0).isSuperset(of: uniqueLabels(yTrue, yPred)) } ?? true
        let micro = scores.average(.micro)
        if microIsAccuracy {
            accuracy = micro.fScore
            microAverage = nil
        } else {
            accuracy = nil
            microAverage = ClassificationReportRow(name: "micro avg", precision: micro.precision,
                                                   recall: micro.recall, f1Score: micro.fScore, support: totalSupport)
        }
        let macro = scores.average(.macro), weighted = scores.average(.weighted)
        macroAverage = ClassificationReportRow(name: "macro avg", precision: macro.precision, recall: macro.recall,
                                               f1Score: macro.fScore, support: totalSupport)
        weightedAverage = ClassificationReportRow(name: "weighted avg", precision: weighted.precision,
                                                  recall: weighted.recall, f1Score: weighted.fScore,
                                                  support: totalSupport)
        self.digits = digits
        self.warnings = scores.warnings
    }

    /// Total support over the reported labels.
    public var support: Int { macroAverage.support }

    /// The text table, identical to `sklearn.metrics.classification_report(..., digits=digits)`.
    public var description: String {
        let width = Swift.max(classes.map { $0.name.unicodeScalars.count }.max() ?? 0, "weighted avg".count, digits)
        var text = pad("", width) + " "
        for header in ["precision", "recall", "f1-score", "support"] { text += " " + pad(header, 9) }
        text += "\n\n"
        func row(_ row: ClassificationReportRow) -> String {
            pad(row.name, width) + " "
                + " " + pad(formatFixed(row.precision, digits), 9)
                + " " + pad(formatFixed(row.recall, digits), 9)
                + " " + pad(formatFixed(row.f1Score, digits), 9)
                + " " + pad(String(row.support), 9) + "\n"
        }
        for line in classes { text += row(line) }
        text += "\n"
        if let accuracy {
            text += pad("accuracy", width) + " " + " " + pad("", 9) + " " + pad("", 9)
                + " " + pad(formatFixed(accuracy, digits), 9) + " " + pad(String(support), 9) + "\n"
        }
        if let microAverage { text += row(microAverage) }
        text += row(macroAverage)
        text += row(weightedAverage)
        return text
    }
}

/// The text of ``ClassificationReport`` (scikit-learn's `classification_report`).
public func classificationReport<Label: Hashable & Comparable>(
    _ yTrue: [Label], _ yPred: [Label], labels: [Label]? = nil, targetNames: [String]? = nil, digits: Int = 2,
    zeroDivision: ZeroDivision = .warn
) throws(MetricsError) -> String {
    try ClassificationReport(yTrue: yTrue, yPred: yPred, labels: labels, targetNames: targetNames, digits: digits,
                             zeroDivision: zeroDivision).description
}

/// ``classificationReport(_:_:labels:targetNames:digits:zeroDivision:)`` for label tensors `[n]` or `[n, 1]`.
public func classificationReport<Label: TensorScalar>(
    _ yTrue: Tensor<Label>, _ yPred: Tensor<Label>, labels: [Label]? = nil, targetNames: [String]? = nil,
    digits: Int = 2, zeroDivision: ZeroDivision = .warn
) throws(MetricsError) -> String {
    try classificationReport(classLabels(yTrue, name: "yTrue"), classLabels(yPred, name: "yPred"), labels: labels,
                             targetNames: targetNames, digits: digits, zeroDivision: zeroDivision)
}

/// Right-aligns `text` in `width` characters (Python's `{:>width}`, which counts code points).
private func pad(_ text: String, _ width: Int) -> String {
    let length = text.unicodeScalars.count
    return length >= width ? text : String(repeating: " ", count: width - length) + text
}

/// Python's `format(value, ".{digits}f")`: the exact binary value rounded half-to-even, via C's `%.*f`
/// (correctly rounded in glibc and Darwin's libc); NaN prints as `nan` whatever its sign bit.
func formatFixed(_ value: Double, _ digits: Int) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let capacity = 330 + digits
    var buffer = [CChar](repeating: 0, count: capacity)
    let written = withVaList([Int32(digits), value]) { arguments in
        buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, capacity, "%.*f", arguments) }
    }
    guard written >= 0 else { return String(value) }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
