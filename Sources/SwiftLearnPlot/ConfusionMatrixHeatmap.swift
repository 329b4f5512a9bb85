#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftLearnSystem

/// A confusion-matrix heatmap like scikit-learn's `ConfusionMatrixDisplay`: true labels down the rows,
/// predicted labels across the columns, the count in each cell (white on dark cells, black on light ones),
/// class names on both axes and a colour bar.
///
/// ```swift
/// let heatmap = try ConfusionMatrixHeatmap(matrix: counts, classNames: ["T-shirt/top", "Trouser", ...])
/// try heatmap.write(to: URL(fileURLWithPath: "confusion.png"))
/// ```
public struct ConfusionMatrixHeatmap: Chart {
    /// The displayed values: counts, or row fractions when built with `normalized: true`.
    public let values: [[Double]]
    public let classNames: [String]
    /// Whether every value is a whole number (counts), decided once at init.
    let valuesAreIntegers: Bool
    public var title: String
    public var xLabel = "Predicted label"
    public var yLabel = "True label"
    public var colorMap: PlotColorMap = .viridis
    public var showsValues = true
    /// Decimals for non-integer values (normalized matrices).
    public var decimals = 2
    public private(set) var width: Int
    public private(set) var height: Int

    /// - Parameter normalized: divide each row by its sum (scikit-learn's `normalize="true"`); empty rows stay 0.
    /// - Throws: ``PlotError/invalidArgument(_:)`` for a non-square or empty matrix, a negative count (the
    ///   message gives row and column), or a class-name count that differs from the matrix size.
    public init(matrix: [[Int]], classNames: [String], title: String = "Confusion matrix", normalized: Bool = false)
        throws(PlotError) {
        for (row, values) in matrix.enumerated() {
            if let column = values.firstIndex(where: { $0 < 0 }) {
                throw PlotError.invalidArgument(
                    "confusion matrix entry [\(row)][\(column)] is \(values[column]); counts must be non-negative")
            }
        }
        try self.init(matrix: matrix.map { $0.map(Double.init) }, classNames: classNames, title: title,
                      normalized: normalized)
    }

    /// A heatmap of arbitrary non-negative values (e.g. an already normalized matrix).
    public init(matrix: [[Double]], classNames: [String], title: String = "Confusion matrix",
                normalized: Bool = false) throws(PlotError) {
        let n = matrix.count
        guard n >= 1 else { throw PlotError.invalidArgument("confusion matrix is empty; expected n x n with n >= 1") }
        for (row, values) in matrix.enumerated() {
            guard values.count == n else {
                throw PlotError.invalidArgument(
                    "confusion matrix row \(row) has \(values.count) entries; expected \(n) (the matrix must be square)")
            }
            if let column = values.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw PlotError.invalidArgument(
                    "confusion matrix entry [\(row)][\(column)] is \(values[column]); expected a finite value >= 0")
            }
        }
        guard classNames.count == n else {
            throw PlotError.invalidArgument(
                "received \(classNames.count) class names for a \(n)x\(n) matrix; expected \(n)")
        }
        values = normalized ? matrix.map { row in
            let sum = row.reduce(0, +)
            return sum > 0 ? row.map { $0 / sum } : row
        } : matrix
        self.classNames = classNames
        self.title = title
        valuesAreIntegers = values.allSatisfy { $0.allSatisfy { $0 == $0.rounded() } }
        let longest = Double(classNames.map { BitmapFont.width(of: $0) * 2 }.max() ?? 0)
        let cell = max(56.0, min(80.0, 640.0 / Double(n)))
        width = min(16384, max(320, Int(Double(n) * cell + longest + 200)))
        height = min(16384, max(240, Int(Double(n) * cell + longest + 120)))
    }

    public mutating func setSize(width: Int, height: Int) throws(PlotError) {
        try ChartOutput.validateSize(width: width, height: height)
        self.width = width
        self.height = height
    }





    /// Text colour for a cell: white or black, whichever contrasts more (WCAG contrast ratio).
    static func textColor(on background: PlotColor) -> PlotColor {
        let luminance = background.relativeLuminance
        return 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.05 ? .white : .black
    }

    /// Counts print as integers; a matrix with any fractional value prints every cell with `decimals` places.
    func cellText(_ value: Double) -> String {
        valuesAreIntegers ? DecimalText.fixed(value, digits: 0) : DecimalText.fixed(value, digits: decimals)
    }

    /// The value mapped to the top of the colour bar.
    var colorScaleMaximum: Double {
        let maximum = values.flatMap { $0 }.max() ?? 0
        return maximum > 0 ? maximum : 1
    }

    public func scene(width: Int, height: Int) -> Scene {
        var scene = Scene(width: width, height: height)
        // Text scales with the picture, but the cells must still hold the widest number (3 digits at least).
        let n = values.count
        let widestValue = max(3, values.flatMap { $0 }.map { cellText($0).count }.max() ?? 0)
        let cellEstimate = Double(min(width, height)) * 0.7 / Double(n)
        let f = max(1, min(Int((Double(min(width, height)) / 250).rounded()),
                           Int(cellEstimate / Double(widestValue * BitmapFont.advance + 4))))
        let u = Double(f)
        let titleFont = f + 1
        let cap = ChartMetrics.capHeight(f)
        let pad = 5 * u
        let tickLength = 3 * u
        let lineWidth = max(1, (u * 0.5).rounded())
        let vmax = colorScaleMaximum
        let integerValues = valuesAreIntegers

        let nameWidth = classNames.map { ChartMetrics.textWidth($0, f) }.max() ?? 0
        let top = (pad + (title.isEmpty ? 0 : ChartMetrics.capHeight(titleFont) + 5 * u)).rounded()
        let left = (pad + (yLabel.isEmpty ? 0 : cap + 5 * u) + nameWidth + 2 * u + tickLength).rounded()
        // Colour bar labels: estimate with the widest possible label.
        let barTicksEstimate = NiceTicks.labels(NiceTicks.values(from: 0, to: vmax, maxIntervals: 5,
                                                                            integer: integerValues))
        let barLabelWidth = barTicksEstimate.map { ChartMetrics.textWidth($0, f) }.max() ?? 0
        let barWidth = 5 * u
        let rightReserve = 6 * u + barWidth + tickLength + 2 * u + barLabelWidth + pad
        let xLabelBlock = xLabel.isEmpty ? 0 : cap + 4 * u
        func cellSize(labelBlock: Double) -> Double {
            let availableWidth = Double(width) - left - rightReserve
            let availableHeight = Double(height) - top - pad - xLabelBlock - tickLength - 2 * u - labelBlock
            return max(1, min(availableWidth, availableHeight) / Double(n)).rounded(.down)
        }
        var cell = cellSize(labelBlock: cap)
        let verticalNames = nameWidth + 6 * u > cell
        if verticalNames { cell = cellSize(labelBlock: nameWidth) }
        let gridSize = cell * Double(n)
        let labelBlock = verticalNames ? nameWidth : cap

        // Cells and their values.
        for row in 0..<n {
            for column in 0..<n {
                let value = values[row][column]
                let color = colorMap.color(at: value / vmax)
                let x = left + Double(column) * cell, y = top + Double(row) * cell
                scene.add(.rect(x: x, y: y, width: cell, height: cell, fill: color, stroke: nil, strokeWidth: 0))
                if showsValues {
                    let text = cellText(value)
                    var size = f
                    while size > 1 && ChartMetrics.textWidth(text, size) > cell - 2 * u { size -= 1 }
                    scene.text(text, x: x + cell / 2, y: y + cell / 2, size: size,
                               color: ConfusionMatrixHeatmap.textColor(on: color))
                }
            }
        }
        // Frame, ticks and class names.
        let right = left + gridSize, bottom = top + gridSize
        scene.frame(left: left, top: top, width: gridSize, height: gridSize, lineWidth: lineWidth)
        for (index, name) in classNames.enumerated() {
            let center = (Double(index) * cell + cell / 2 - lineWidth / 2).rounded()
            scene.add(.rect(x: left + center, y: bottom + lineWidth, width: lineWidth, height: tickLength, fill: .ink,
                            stroke: nil, strokeWidth: 0))
            if verticalNames {
                scene.items.append(.text(name, at: ScenePoint(x: left + center + lineWidth / 2,
                                                              y: bottom + lineWidth + tickLength + 2 * u),
                                         style: TextStyle(size: f, anchor: .end, vertical: true)))
            } else {
                scene.text(name, x: left + center + lineWidth / 2, y: bottom + lineWidth + tickLength + 2 * u + cap / 2,
                           size: f)
            }
            scene.add(.rect(x: left - lineWidth - tickLength, y: top + center, width: tickLength, height: lineWidth,
                            fill: .ink, stroke: nil, strokeWidth: 0))
            scene.text(name, x: left - lineWidth - tickLength - 2 * u, y: top + center + lineWidth / 2, size: f,
                       anchor: .end)
        }
        if !xLabel.isEmpty {
            scene.text(xLabel, x: left + gridSize / 2,
                       y: bottom + lineWidth + tickLength + 2 * u + labelBlock + 4 * u + cap / 2, size: f)
        }
        if !yLabel.isEmpty {
            scene.text(yLabel, x: pad + cap / 2, y: top + gridSize / 2, size: f, vertical: true)
        }
        if !title.isEmpty {
            let (title, size) = ChartMetrics.fitted(self.title, preferred: titleFont, minimum: f, maxWidth: Double(width) - 2 * pad)
            let x = min(max(left + gridSize / 2, pad + ChartMetrics.textWidth(title, size) / 2),
                        Double(width) - pad - ChartMetrics.textWidth(title, size) / 2)
            scene.text(title, x: x, y: pad + ChartMetrics.capHeight(titleFont) / 2, size: size, bold: true)
        }

        // Colour bar with its own ticks.
        let barX = right + 6 * u
        scene.add(.colorRamp(colorMap, x: barX, y: top, width: barWidth, height: gridSize))
        scene.add(.rect(x: barX, y: top, width: barWidth, height: gridSize, fill: nil, stroke: .ink,
                        strokeWidth: lineWidth))
        let nbins = max(1, min(9, Int(gridSize / (Double(10 * f) * 2))))
        let barTicks = NiceTicks.values(from: 0, to: vmax, maxIntervals: nbins, integer: integerValues)
            .filter { $0 >= 0 && $0 <= vmax * (1 + 1e-9) }
        for (tick, label) in zip(barTicks, NiceTicks.labels(barTicks)) {
            let y = (bottom - tick / vmax * gridSize - lineWidth / 2).rounded()
            scene.add(.rect(x: barX + barWidth, y: y, width: tickLength, height: lineWidth, fill: .ink, stroke: nil,
                            strokeWidth: 0))
            scene.text(label, x: barX + barWidth + tickLength + 2 * u, y: y + lineWidth / 2, size: f, anchor: .start)
        }
        return scene
    }
}
