#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A line chart of one or more named series, the picture of a training history.
///
/// Axes get "nice" ticks (1-2-5 steps, see ``NiceTicks``) with labels, the plot has axis titles, a title,
/// light grid lines and a legend placed in the emptiest corner. Non-finite y values leave a gap.
///
/// ```swift
/// var chart = LineChart(title: "Training and validation loss", xLabel: "epoch", yLabel: "loss")
/// try chart.addSeries(name: "loss", y: history["loss"]!)          // x = 1, 2, 3, ...
/// try chart.addSeries(name: "val_loss", y: history["val_loss"]!)
/// try chart.write(to: URL(fileURLWithPath: "loss.png"))           // or "loss.svg"
///
/// // Or straight from a Keras-style history dictionary:
/// let curves = try LineChart(history: history, keys: ["accuracy", "val_accuracy"], yLabel: "accuracy")
/// ```
public struct LineChart: Chart {
    public enum LineStyle: Sendable, Equatable {
        case solid, dashed, dotted
        /// Markers only.
        case none
    }

    public enum Marker: Sendable, Equatable {
        case none, circle, square
        /// Circles when the series has at most 40 points, none otherwise.
        case automatic
    }

    public enum LegendLocation: Sendable, Equatable {
        /// The corner of the plot area covering the fewest data points (ties: upper right first).
        case best
        case upperRight, upperLeft, lowerLeft, lowerRight
        case hidden
    }

    public struct Series: Sendable, Equatable {
        public let name: String
        public let x: [Double]
        public let y: [Double]
        public let color: PlotColor
        public let lineStyle: LineStyle
        public let marker: Marker
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var showsGrid = true
    public var legendLocation: LegendLocation = .best
    /// Fixed x-axis limits; by default the data range plus a 5% margin (matplotlib's default).
    public var xLimits: ClosedRange<Double>?
    /// Fixed y-axis limits; by default the data range plus a 5% margin.
    public var yLimits: ClosedRange<Double>?
    public private(set) var series: [Series] = []
    /// Size used by ``svg()`` and ``write(to:)``; change it with ``setSize(width:height:)``.
    public private(set) var width = 800
    public private(set) var height = 500

    public init(title: String = "", xLabel: String = "", yLabel: String = "") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// A chart of a Keras-style history (`["loss": [...], "val_loss": [...]]`), x = epochs 1...n.
    ///
    /// `keys` picks and orders the series; by default every key, sorted so that each metric is followed by
    /// its `val_` counterpart. Validation series are dashed.
    /// - Throws: ``PlotError/invalidArgument(_:)`` for a key missing from `history` or an empty history.
    public init(history: [String: [Double]], keys: [String]? = nil, title: String = "", xLabel: String = "epoch",
                yLabel: String = "") throws(PlotError) {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel)
        let names = keys ?? history.keys.sorted { a, b in
            func base(_ name: String) -> String { name.hasPrefix("val_") ? String(name.dropFirst(4)) : name }
            return (base(a), a.hasPrefix("val_") ? 1 : 0, a) < (base(b), b.hasPrefix("val_") ? 1 : 0, b)
        }
        guard !names.isEmpty else {
            throw PlotError.invalidArgument("history has no series to plot (received an empty dictionary)")
        }
        for name in names {
            guard let values = history[name] else {
                throw PlotError.invalidArgument(
                    "history has no key \"\(name)\"; available keys: \(history.keys.sorted())")
            }
            try addSeries(name: name, y: values, lineStyle: name.hasPrefix("val_") ? .dashed : .solid)
        }
    }

    /// Adds a series; its colour defaults to the next one of matplotlib's "tab10" cycle.
    /// - Throws: ``PlotError/invalidArgument(_:)`` when `x` and `y` differ in length or are empty.
    public mutating func addSeries(name: String, x: [Double], y: [Double], color: PlotColor? = nil,
                                   lineStyle: LineStyle = .solid, marker: Marker = .automatic) throws(PlotError) {
        guard x.count == y.count else {
            throw PlotError.invalidArgument(
                "series \"\(name)\": x has \(x.count) values but y has \(y.count); they must have the same length")
        }
        guard !y.isEmpty else {
            throw PlotError.invalidArgument("series \"\(name)\" is empty; expected at least one point")
        }
        let color = color ?? PlotColor.tab10[series.count % PlotColor.tab10.count]
        series.append(Series(name: name, x: x, y: y, color: color, lineStyle: lineStyle, marker: marker))
    }

    /// Adds a series plotted against 1, 2, ..., y.count (epochs).
    public mutating func addSeries(name: String, y: [Double], color: PlotColor? = nil,
                                   lineStyle: LineStyle = .solid, marker: Marker = .automatic) throws(PlotError) {
        try addSeries(name: name, x: (1...max(1, y.count)).prefix(y.count).map(Double.init), y: y, color: color,
                      lineStyle: lineStyle, marker: marker)
    }

    /// Sets the default picture size used by ``svg()`` and ``write(to:)``.
    /// - Throws: ``PlotError/invalidArgument(_:)`` outside 16...16384 pixels per side.
    public mutating func setSize(width: Int, height: Int) throws(PlotError) {
        try ChartOutput.validateSize(width: width, height: height)
        self.width = width
        self.height = height
    }

    /// The chart as an SVG document at the default size.




    // MARK: - Layout

    struct Axis {
        var lower: Double
        var upper: Double
        var ticks: [Double]
        var labels: [String]
    }

    static func dataRange(_ values: [[Double]], fixed: ClosedRange<Double>?) -> (Double, Double) {
        if let fixed {
            if fixed.upperBound > fixed.lowerBound { return (fixed.lowerBound, fixed.upperBound) }
            let delta = fixed.lowerBound == 0 ? 1 : abs(fixed.lowerBound) * 0.1
            return (fixed.lowerBound - delta, fixed.upperBound + delta)
        }
        var low = Double.infinity, high = -Double.infinity
        for list in values { for v in list where v.isFinite { low = min(low, v); high = max(high, v) } }
        guard low.isFinite, high.isFinite else { return (0, 1) }
        if low == high {
            let delta = low == 0 ? 0.5 : abs(low) * 0.05
            return (low - delta, high + delta)
        }
        let margin = (high - low) * 0.05
        return (low - margin, high + margin)
    }

    /// Ticks inside `lower...upper` with as many intervals as fit `length` pixels without labels colliding.
    static func axis(lower: Double, upper: Double, length: Double, integer: Bool, font: Int,
                     horizontal: Bool) -> Axis {
        let fontPixels = Double(10 * font)
        var nbins = max(1, min(9, Int(length / (fontPixels * (horizontal ? 3 : 2)))))
        while true {
            let ticks = NiceTicks.values(from: lower, to: upper, maxIntervals: nbins, integer: integer)
                .filter { $0 >= lower - 1e-9 * (upper - lower) && $0 <= upper + 1e-9 * (upper - lower) }
            let labels = NiceTicks.labels(ticks)
            let spacing = ticks.count > 1 ? abs(ticks[1] - ticks[0]) / (upper - lower) * length : length
            let needed = horizontal
                ? (labels.map { ChartMetrics.textWidth($0, font) }.max() ?? 0) + Double(4 * font)
                : ChartMetrics.capHeight(font) * 1.8
            if spacing >= needed || nbins == 1 { return Axis(lower: lower, upper: upper, ticks: ticks, labels: labels) }
            nbins -= 1
        }
    }

    public func scene(width: Int, height: Int) -> Scene {
        var scene = Scene(width: width, height: height)
        let metrics = ChartMetrics(width: width, height: height)
        let f = metrics.font, u = metrics.unit
        let cap = ChartMetrics.capHeight(f)
        let pad = 5 * u
        let tickLength = 3 * u
        let lineWidth = max(1, (u * 0.5).rounded())

        let (xLow, xHigh) = LineChart.dataRange(series.map(\.x), fixed: xLimits)
        let (yLow, yHigh) = LineChart.dataRange(series.map(\.y), fixed: yLimits)
        let integerX = series.allSatisfy { $0.x.allSatisfy { !$0.isFinite || $0 == $0.rounded() } }

        let top = (pad + (title.isEmpty ? cap : ChartMetrics.capHeight(metrics.titleFont) + 5 * u)).rounded()
        let bottom = (Double(height) - pad - (xLabel.isEmpty ? 0 : cap + 4 * u) - cap - 3 * u - tickLength).rounded()
        // The y tick labels decide the left margin; their count depends on the height only.
        let yAxis = LineChart.axis(lower: yLow, upper: yHigh, length: max(1, bottom - top), integer: false, font: f,
                                   horizontal: false)
        let yLabelWidth = yAxis.labels.map { ChartMetrics.textWidth($0, f) }.max() ?? 0
        let left = (pad + (yLabel.isEmpty ? 0 : cap + 5 * u) + yLabelWidth + 2 * u + tickLength).rounded()
        var right = (Double(width) - pad).rounded()
        var xAxis = LineChart.axis(lower: xLow, upper: xHigh, length: max(1, right - left), integer: integerX,
                                   font: f, horizontal: true)
        if let last = xAxis.labels.last, let lastTick = xAxis.ticks.last {
            // Keep the last x label inside the picture.
            let overhang = ChartMetrics.textWidth(last, f) / 2 - (xHigh - lastTick) / (xHigh - xLow) * (right - left)
            if overhang > pad - u {
                right = (Double(width) - u - max(0, overhang)).rounded()
                xAxis = LineChart.axis(lower: xLow, upper: xHigh, length: max(1, right - left), integer: integerX,
                                       font: f, horizontal: true)
            }
        }
        let plotWidth = max(1, right - left), plotHeight = max(1, bottom - top)
        func px(_ x: Double) -> Double { left + (x - xLow) / (xHigh - xLow) * plotWidth }
        func py(_ y: Double) -> Double { bottom - (y - yLow) / (yHigh - yLow) * plotHeight }
        /// A crisp line of `lineWidth` centred at `position`: snapped so its edges fall on pixel boundaries.
        func snapped(_ position: Double) -> Double { (position - lineWidth / 2).rounded() }

        // Grid lines under the data.
        if showsGrid {
            for tick in xAxis.ticks {
                let x = snapped(px(tick))
                scene.add(.rect(x: x, y: top, width: lineWidth, height: plotHeight, fill: .gridLine, stroke: nil,
                                strokeWidth: 0))
            }
            for tick in yAxis.ticks {
                let y = snapped(py(tick))
                scene.add(.rect(x: left, y: y, width: plotWidth, height: lineWidth, fill: .gridLine, stroke: nil,
                                strokeWidth: 0))
            }
        }

        // Data: clipped polylines, then markers.
        let seriesWidth = 1.25 * u
        for entry in series {
            var pieces: [[ScenePoint]] = []
            var current: [ScenePoint] = []
            var previous: ScenePoint?
            for (x, y) in zip(entry.x, entry.y) {
                guard x.isFinite, y.isFinite else {
                    if current.count >= 1 { pieces.append(current) }
                    current = []
                    previous = nil
                    continue
                }
                let point = ScenePoint(x: px(x), y: py(y))
                if let start = previous {
                    if let (a, b) = clipSegment(start, point, left: left, top: top, right: right, bottom: bottom) {
                        if current.isEmpty || current.last != a {
                            if current.count >= 1 { pieces.append(current) }
                            current = [a]
                        }
                        current.append(b)
                    }
                } else if point.x >= left, point.x <= right, point.y >= top, point.y <= bottom {
                    current = [point]
                }
                previous = point
            }
            if current.count >= 1 { pieces.append(current) }
            if entry.lineStyle != .none {
                for piece in pieces where piece.count >= 2 {
                    scene.add(.polyline(piece, color: entry.color, width: seriesWidth,
                                        dash: LineChart.dashPattern(entry.lineStyle, unit: u)))
                }
            }
            if LineChart.drawsMarkers(entry) {
                for (x, y) in zip(entry.x, entry.y) where x.isFinite && y.isFinite {
                    let p = ScenePoint(x: px(x), y: py(y))
                    guard p.x >= left - 0.5, p.x <= right + 0.5, p.y >= top - 0.5, p.y <= bottom + 0.5 else { continue }
                    scene.items.append(LineChart.marker(entry.marker == .square ? .square : .circle, at: p,
                                                        color: entry.color, unit: u))
                }
            }
        }

        // Frame (spines) outside the plot area, then ticks and labels.
        scene.frame(left: left, top: top, width: plotWidth, height: plotHeight, lineWidth: lineWidth)
        for (tick, label) in zip(xAxis.ticks, xAxis.labels) {
            let x = snapped(px(tick))
            scene.add(.rect(x: x, y: bottom + lineWidth, width: lineWidth, height: tickLength, fill: .ink, stroke: nil,
                            strokeWidth: 0))
            scene.text(label, x: x + lineWidth / 2, y: bottom + lineWidth + tickLength + 2 * u + cap / 2, size: f)
        }
        for (tick, label) in zip(yAxis.ticks, yAxis.labels) {
            let y = snapped(py(tick))
            scene.add(.rect(x: left - lineWidth - tickLength, y: y, width: tickLength, height: lineWidth, fill: .ink,
                            stroke: nil, strokeWidth: 0))
            scene.text(label, x: left - lineWidth - tickLength - 2 * u, y: y + lineWidth / 2, size: f, anchor: .end)
        }
        if !xLabel.isEmpty {
            scene.text(xLabel, x: left + plotWidth / 2, y: Double(height) - pad - cap / 2, size: f)
        }
        if !yLabel.isEmpty {
            scene.text(yLabel, x: pad + cap / 2, y: top + plotHeight / 2, size: f, vertical: true)
        }
        if !title.isEmpty {
            let (title, size) = ChartMetrics.fitted(self.title, preferred: metrics.titleFont, minimum: f, maxWidth: Double(width) - 2 * pad)
            let x = min(max(left + plotWidth / 2, pad + ChartMetrics.textWidth(title, size) / 2),
                        Double(width) - pad - ChartMetrics.textWidth(title, size) / 2)
            scene.text(title, x: x, y: pad + ChartMetrics.capHeight(metrics.titleFont) / 2, size: size, bold: true)
        }
        addLegend(to: &scene, left: left, top: top, right: right, bottom: bottom, font: f, px: px, py: py)
        return scene
    }

    static func dashPattern(_ style: LineStyle, unit: Double) -> [Double]? {
        switch style {
        case .dashed: return [4 * unit, 2.5 * unit]
        case .dotted: return [0.01, 2.5 * unit]
        case .solid, .none: return nil
        }
    }

    static func drawsMarkers(_ series: Series) -> Bool {
        switch series.marker {
        case .none: return false
        case .circle, .square: return true
        case .automatic: return series.y.count <= 40
        }
    }

    static func marker(_ kind: Marker, at p: ScenePoint, color: PlotColor, unit: Double) -> ScenePrimitive {
        if kind == .square {
            let side = 3.6 * unit
            return .rect(x: p.x - side / 2, y: p.y - side / 2, width: side, height: side, fill: color, stroke: nil,
                         strokeWidth: 0)
        }
        return .circle(center: p, radius: 2 * unit, fill: color, stroke: nil, strokeWidth: 0)
    }

    func addLegend(to scene: inout Scene, left: Double, top: Double, right: Double, bottom: Double, font f: Int,
                   px: (Double) -> Double, py: (Double) -> Double) {
        guard legendLocation != .hidden, !series.isEmpty else { return }
        let u = Double(f)
        let cap = ChartMetrics.capHeight(f)
        let sampleLength = 12 * u
        let rowHeight = cap + 4 * u
        let inner = 4 * u
        let nameWidth = series.map { ChartMetrics.textWidth($0.name, f) }.max() ?? 0
        let boxWidth = inner + sampleLength + 3 * u + nameWidth + inner
        let boxHeight = 2 * inner + Double(series.count) * rowHeight - 4 * u
        let margin = 4 * u
        let corners: [(LegendLocation, Double, Double)] = [
            (.upperRight, right - margin - boxWidth, top + margin),
            (.upperLeft, left + margin, top + margin),
            (.lowerLeft, left + margin, bottom - margin - boxHeight),
            (.lowerRight, right - margin - boxWidth, bottom - margin - boxHeight),
        ]
        var origin = (corners[0].1, corners[0].2)
        if legendLocation == .best {
            // Count data points and points sampled along segments inside each candidate box.
            var samples: [ScenePoint] = []
            for entry in series {
                var previous: ScenePoint?
                for (x, y) in zip(entry.x, entry.y) {
                    guard x.isFinite, y.isFinite else { previous = nil; continue }
                    let p = ScenePoint(x: px(x), y: py(y))
                    if let a = previous {
                        for k in 1...8 {
                            let t = Double(k) / 8
                            samples.append(ScenePoint(x: a.x + (p.x - a.x) * t, y: a.y + (p.y - a.y) * t))
                        }
                    } else {
                        samples.append(p)
                    }
                    previous = p
                }
            }
            var bestCount = Int.max
            for (_, x, y) in corners {
                let count = samples.filter { $0.x >= x && $0.x <= x + boxWidth && $0.y >= y && $0.y <= y + boxHeight }
                    .count
                if count < bestCount {
                    bestCount = count
                    origin = (x, y)
                }
            }
        } else if let corner = corners.first(where: { $0.0 == legendLocation }) {
            origin = (corner.1, corner.2)
        }
        scene.add(.rect(x: origin.0, y: origin.1, width: boxWidth, height: boxHeight,
                        fill: PlotColor(red: 255, green: 255, blue: 255, alpha: 230), stroke: .legendFrame,
                        strokeWidth: max(1, (u * 0.5).rounded())))
        for (index, entry) in series.enumerated() {
            let y = origin.1 + inner + Double(index) * rowHeight + cap / 2
            let x0 = origin.0 + inner
            if entry.lineStyle != .none {
                scene.add(.polyline([ScenePoint(x: x0, y: y), ScenePoint(x: x0 + sampleLength, y: y)],
                                    color: entry.color, width: 1.25 * u,
                                    dash: LineChart.dashPattern(entry.lineStyle, unit: u).map { $0.map { $0 * 0.75 } }))
            }
            if LineChart.drawsMarkers(entry) {
                scene.items.append(LineChart.marker(entry.marker == .square ? .square : .circle,
                                                    at: ScenePoint(x: x0 + sampleLength / 2, y: y),
                                                    color: entry.color, unit: u))
            }
            scene.text(entry.name, x: x0 + sampleLength + 3 * u, y: y, size: f, anchor: .start)
        }
    }
}
