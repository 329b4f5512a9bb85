import Foundation
import XCTest
import SwiftLearnTestSupport
import SwiftLearnCompression
@testable import SwiftLearnPlot

final class LineChartTests: XCTestCase {
    func testHistoryOrdersMetricsWithTheirValidationCounterparts() throws {
        let history = ["val_loss": [0.5, 0.4], "loss": [0.6, 0.3], "accuracy": [0.7, 0.8], "val_accuracy": [0.6, 0.7]]
        let chart = try LineChart(history: history)
        XCTAssertEqual(chart.series.map(\.name), ["accuracy", "val_accuracy", "loss", "val_loss"])
        XCTAssertEqual(chart.series.map(\.lineStyle), [.solid, .dashed, .solid, .dashed])
        XCTAssertEqual(chart.series[2].x, [1, 2])
        XCTAssertEqual(chart.series.map(\.color), Array(PlotColor.tab10.prefix(4)))
        XCTAssertThrowsError(try LineChart(history: history, keys: ["mae"])) { error in
            XCTAssertTrue("\(error)".contains("\"mae\""), "\(error)")
        }
    }

    func testSeriesValidationQuotesTheLengths() {
        var chart = LineChart()
        XCTAssertThrowsError(try chart.addSeries(name: "loss", x: [1, 2, 3], y: [1, 2])) { error in
            XCTAssertEqual("\(error)", "series \"loss\": x has 3 values but y has 2; they must have the same length")
        }
        XCTAssertThrowsError(try chart.addSeries(name: "empty", y: []))
        XCTAssertThrowsError(try chart.png(width: 0, height: 100)) { error in
            XCTAssertTrue("\(error)".contains("0x100"), "\(error)")
        }
        XCTAssertThrowsError(try chart.setSize(width: 100, height: 20_000))
    }

    func testSVGHasTicksLegendAndEscapedTitle() throws {
        var chart = LineChart(title: "loss & <accuracy>", xLabel: "epoch", yLabel: "value")
        try chart.addSeries(name: "train \"A\"", x: [1, 2, 3], y: [1, 2, 3])
        try chart.addSeries(name: "val", x: [1, 2, 3], y: [1.5, 2.5, 2], lineStyle: .dashed)
        let svg = chart.svg()
        let elements = try TestTools.checkWellFormed(svg)
        XCTAssertEqual(elements.first, "svg")
        XCTAssertTrue(svg.contains("loss &amp; &lt;accuracy&gt;"))
        XCTAssertTrue(svg.contains("stroke-dasharray"))
        let texts = TestTools.svgTexts(svg)
        // y data 1...3 plus 5% margins is 0.9...3.1: MaxNLocator(9, [1, 2, 5, 10]) steps by 0.5 there.
        for label in ["1.0", "1.5", "2.0", "2.5", "3.0", "1", "2", "3", "epoch", "value", "train \"A\"", "val",
                      "loss & <accuracy>"] {
            XCTAssertTrue(texts.contains(label), "missing text \(label) in \(texts)")
        }
        XCTAssertFalse(texts.contains("0.5"), "ticks outside the axis limits must not be drawn")
        XCTAssertFalse(texts.contains("3.5"))
    }

    func testPythonParsesTheSVG() throws {
        let python = try CrossCheck.python()
        var chart = LineChart(title: "a & b < c", xLabel: "epoch", yLabel: "loss")
        try chart.addSeries(name: "loss", y: [3, 2, 1.5, 1.2])
        let directory = try TestTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("chart.svg")
        try chart.write(to: file)
        let script = """
        import sys, xml.etree.ElementTree as ET
        root = ET.parse(sys.argv[1]).getroot()
        ns = '{http://www.w3.org/2000/svg}'
        print(root.tag == ns + 'svg', '|'.join(t.text for t in root.iter(ns + 'text')))
        """
        let output = try CrossCheck.run(python, script: script, arguments: [file.path])
        XCTAssertTrue(output.hasPrefix("True "), output)
        XCTAssertTrue(output.contains("|a & b < c|") || output.contains("a & b < c"), output)
    }

    /// Markers are discs of radius 2 font pixels: their centre pixels carry the series colour exactly.
    func testPNGMarkersHaveTheSeriesColour() throws {
        var chart = LineChart(title: "t", xLabel: "x", yLabel: "y")
        try chart.addSeries(name: "s", x: [0, 1, 2, 3], y: [0, 3, 1, 2], marker: .circle)
        let width = 500, height = 320
        let scene = chart.scene(width: width, height: height)
        var centres: [ScenePoint] = []
        for item in scene.items { if case let .circle(centre, _, _, _, _) = item { centres.append(centre) } }
        XCTAssertEqual(centres.count, 5)  // four data points and the legend's sample
        let png = try PNGTestDecoder.decode(try chart.png(width: width, height: height))
        XCTAssertEqual(png.width, width)
        XCTAssertEqual(png.height, height)
        XCTAssertEqual(png.pixel(0, 0), [255, 255, 255, 255])
        XCTAssertEqual(png.pixel(width - 1, height - 1), [255, 255, 255, 255])
        for centre in centres.prefix(4) {
            XCTAssertEqual(png.pixel(Int(centre.x), Int(centre.y)), [0x1F, 0x77, 0xB4, 255], "marker at \(centre)")
        }
    }

    func testOverlongTitleIsCutToFitThePicture() throws {
        var chart = LineChart(title: String(repeating: "very long title ", count: 20))
        try chart.addSeries(name: "s", y: [1, 2])
        let scene = chart.scene(width: 400, height: 300)
        let titles = scene.items.compactMap { item -> (String, TextStyle)? in
            if case let .text(string, _, style) = item, style.bold { return (string, style) }
            return nil
        }
        XCTAssertEqual(titles.count, 1)
        guard let (text, style) = titles.first else { return }
        XCTAssertTrue(text.hasSuffix(".."), text)
        XCTAssertLessThanOrEqual(BitmapFont.width(of: text) * style.size, 400)
    }

    func testNonFiniteValuesBreakTheLine() throws {
        var chart = LineChart()
        try chart.addSeries(name: "s", x: [1, 2, 3, 4, 5], y: [1, 2, .nan, 4, 5], marker: LineChart.Marker.none)
        let scene = chart.scene(width: 400, height: 300)
        let polylines = scene.items.compactMap { item -> [ScenePoint]? in
            if case let .polyline(points, color, _, _) = item, color == PlotColor.tab10[0] { return points }
            return nil
        }
        // Two data pieces (1-2 and 4-5) plus the legend sample.
        XCTAssertEqual(polylines.filter { $0.count == 2 }.count, 3)
    }

    func testFixedLimitsClipTheData() throws {
        var chart = LineChart()
        try chart.addSeries(name: "s", x: [0, 10], y: [0, 10], marker: LineChart.Marker.none)
        chart.yLimits = 0...5
        chart.xLimits = 0...10
        chart.legendLocation = .hidden
        let scene = chart.scene(width: 400, height: 300)
        guard case let .polyline(points, _, _, _)? = scene.items.first(where: {
            if case .polyline = $0 { return true } else { return false }
        }) else { return XCTFail("no data polyline") }
        // The top spine is an ink rectangle lineWidth tall spanning the plot width plus both side spines.
        let spines = scene.items.compactMap { item -> (x: Double, y: Double, w: Double, h: Double)? in
            if case let .rect(x, y, w, h, fill, _, _) = item, fill == .ink, h <= 2, w > 100 { return (x, y, w, h) }
            return nil
        }
        guard let top = spines.min(by: { $0.y < $1.y }) else { return XCTFail("no spines") }
        let left = top.x + top.h, plotWidth = top.w - 2 * top.h, plotTop = top.y + top.h
        // (0, 0)-(10, 10) with y cut at 5 ends at x = 5: half-way across, on the top edge of the plot.
        XCTAssertEqual(points.count, 2)
        XCTAssertEqual(points[0].x, left, accuracy: 1e-9)
        XCTAssertEqual(points[1].x - points[0].x, plotWidth / 2, accuracy: 1e-9)
        XCTAssertEqual(points[1].y, plotTop, accuracy: 1e-9)
    }
}

final class ImageGridTests: XCTestCase {
    static let levels: [UInt8] = [0, 85, 170, 255]

    func testImagesAppearWithExactPixelsAndCaptions() throws {
        let a = try PlotImage(width: 2, height: 2, channels: 1, pixels: Self.levels)
        let b = try PlotImage(width: 2, height: 2, channels: 3, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30])
        let grid = try ImageGrid(images: [a, b], columns: 2, captions: ["Ankle boot", "Bag & <co>"])
        let width = 300, height = 200
        let scene = grid.scene(width: width, height: height)
        var rects: [(Double, Double, Double, Double)] = []
        for item in scene.items { if case let .image(_, x, y, w, h) = item { rects.append((x, y, w, h)) } }
        XCTAssertEqual(rects.count, 2)
        let png = try PNGTestDecoder.decode(try grid.png(width: width, height: height))
        let expected: [[[UInt8]]] = [
            Self.levels.map { [$0, $0, $0, 255] },
            [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [10, 20, 30, 255]],
        ]
        for (imageIndex, (x, y, w, h)) in rects.enumerated() {
            XCTAssertEqual(w, h)
            XCTAssertEqual(w.truncatingRemainder(dividingBy: 2), 0, "whole-number scale expected")
            for sy in 0..<2 {
                for sx in 0..<2 {
                    // Centre of each source pixel's block.
                    let px = Int(x + (Double(sx) + 0.5) * w / 2), py = Int(y + (Double(sy) + 0.5) * h / 2)
                    XCTAssertEqual(png.pixel(px, py), expected[imageIndex][sy * 2 + sx], "image \(imageIndex) (\(sx), \(sy))")
                }
            }
        }
        let svg = grid.svg()
        _ = try TestTools.checkWellFormed(svg)
        XCTAssertTrue(TestTools.svgTexts(svg).contains("Bag & <co>"))
        // The embedded PNG data URI decodes back to the first image.
        let marker = "data:image/png;base64,"
        let start = svg.range(of: marker)!.upperBound
        let end = svg[start...].firstIndex(of: "\"")!
        let embedded = try PNGTestDecoder.decode([UInt8](Data(base64Encoded: String(svg[start..<end]))!))
        XCTAssertEqual(embedded.rgba, Self.levels.flatMap { [$0, $0, $0, 255] })
    }

    func testValidation() throws {
        let image = try PlotImage(width: 2, height: 2, pixels: Self.levels)
        XCTAssertThrowsError(try ImageGrid(images: [image], captions: ["a", "b"])) { error in
            XCTAssertEqual("\(error)", "received 2 captions for 1 images; expected one caption per image")
        }
        XCTAssertThrowsError(try ImageGrid(images: [], columns: 3))
        XCTAssertThrowsError(try ImageGrid(images: [image], columns: 0))
        XCTAssertThrowsError(try PlotImage(width: 28, height: 28, pixels: [0, 1])) { error in
            XCTAssertTrue("\(error)".contains("needs 784 bytes, received 2"), "\(error)")
        }
        XCTAssertThrowsError(try PlotImage(width: 2, height: 2, channels: 2, pixels: [])) { error in
            XCTAssertTrue("\(error)".contains("received 2"), "\(error)")
        }
        XCTAssertThrowsError(try ImageGrid(grayscale: [[0, 1, 2, 3], [0]], imageWidth: 2, imageHeight: 2)) { error in
            XCTAssertTrue("\(error)".hasPrefix("image 1:"), "\(error)")
        }
    }
}

final class ConfusionMatrixHeatmapTests: XCTestCase {
    func testCellsColourBarAndTextColours() throws {
        let heatmap = try ConfusionMatrixHeatmap(matrix: [[9, 1], [0, 5]], classNames: ["cat", "dog"])
        let width = 480, height = 400
        let scene = heatmap.scene(width: width, height: height)
        var cells: [(x: Double, y: Double, size: Double, fill: PlotColor)] = []
        var texts: [String: PlotColor] = [:]
        var ramps = 0
        for item in scene.items {
            switch item {
            case let .rect(x, y, w, h, fill?, nil, _) where w == h && w > 20: cells.append((x, y, w, fill))
            case let .text(string, at, style):
                // Numbers in cells are the texts centred in a cell; keep those apart from axis and bar labels.
                let inCell = cells.contains { abs(at.x - ($0.x + $0.size / 2)) < 1 && abs(at.y - ($0.y + $0.size / 2)) < 1 }
                texts[inCell ? "cell:" + string : string] = style.color
            case .colorRamp: ramps += 1
            default: break
            }
        }
        XCTAssertEqual(cells.count, 4)
        XCTAssertEqual(ramps, 1)
        // Row-major cells: 9 is the maximum (viridis top, yellow), 0 the minimum (viridis bottom, purple).
        XCTAssertEqual(cells[0].fill, PlotColor(hex: 0xFDE725))
        XCTAssertEqual(cells[2].fill, PlotColor(hex: 0x440154))
        XCTAssertEqual(texts["cell:9"], .black, "dark text on the light cell")
        XCTAssertEqual(texts["cell:0"], .white, "light text on the dark cell")
        XCTAssertEqual(texts["cell:1"], .white)
        // 5/9 up viridis is about #1F9E89 (WCAG luminance ~0.27): black contrasts more (6.3:1) than white (3.3:1).
        XCTAssertEqual(texts["cell:5"], .black)
        for label in ["cat", "dog", "Predicted label", "True label", "Confusion matrix"] {
            XCTAssertNotNil(texts[label], "missing \(label)")
        }

        let png = try PNGTestDecoder.decode(try heatmap.png(width: width, height: height))
        for (index, cell) in cells.enumerated() {
            let fill = [cell.fill.red, cell.fill.green, cell.fill.blue, 255]
            // Interior near the top-left corner (away from the centred number) is exactly the cell colour.
            XCTAssertEqual(png.pixel(Int(cell.x) + 2, Int(cell.y) + 2), fill, "cell \(index)")
            XCTAssertEqual(png.pixel(Int(cell.x + cell.size) - 3, Int(cell.y + cell.size) - 3), fill, "cell \(index)")
            // The number is drawn inside the cell in the contrasting colour.
            let textColor: [UInt8] = index == 0 || index == 3 ? [0, 0, 0, 255] : [255, 255, 255, 255]
            var inked = 0
            for y in Int(cell.y)..<Int(cell.y + cell.size) {
                for x in Int(cell.x)..<Int(cell.x + cell.size) where png.pixel(x, y) == textColor { inked += 1 }
            }
            XCTAssertGreaterThan(inked, 5, "cell \(index) shows no number")
        }
        _ = try TestTools.checkWellFormed(heatmap.svg())
        let svgTexts = TestTools.svgTexts(heatmap.svg())
        for label in ["9", "1", "0", "5", "cat", "dog"] { XCTAssertTrue(svgTexts.contains(label), label) }
        // Colour bar ticks for 0...9: MaxNLocator(integer) labels include 0 and 8 at least.
        XCTAssertTrue(svgTexts.contains("8") || svgTexts.contains("6"), "\(svgTexts)")
    }

    func testNormalizedRowsAndValidation() throws {
        let normalized = try ConfusionMatrixHeatmap(matrix: [[3, 1], [0, 0]], classNames: ["a", "b"], normalized: true)
        XCTAssertEqual(normalized.values, [[0.75, 0.25], [0, 0]])
        XCTAssertTrue(TestTools.svgTexts(normalized.svg()).contains("0.75"))
        XCTAssertThrowsError(try ConfusionMatrixHeatmap(matrix: [[1, 2], [3]], classNames: ["a", "b"])) { error in
            XCTAssertTrue("\(error)".contains("row 1 has 1 entries; expected 2"), "\(error)")
        }
        XCTAssertThrowsError(try ConfusionMatrixHeatmap(matrix: [[1, -2], [3, 4]], classNames: ["a", "b"])) { error in
            XCTAssertTrue("\(error)".contains("[0][1] is -2"), "\(error)")
        }
        XCTAssertThrowsError(try ConfusionMatrixHeatmap(matrix: [[1]], classNames: ["a", "b"]))
        XCTAssertThrowsError(try ConfusionMatrixHeatmap(matrix: [[Int]](), classNames: []))
    }

    func testWriteChoosesTheFormatByExtension() throws {
        let heatmap = try ConfusionMatrixHeatmap(matrix: [[2, 1], [0, 3]], classNames: ["x", "y"])
        let directory = try TestTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pngURL = directory.appendingPathComponent("cm.PNG")
        let svgURL = directory.appendingPathComponent("cm.svg")
        try heatmap.write(to: pngURL)
        try heatmap.write(to: svgURL)
        let png = [UInt8](FileManager.default.contents(atPath: pngURL.path)!)
        XCTAssertEqual(try PNGTestDecoder.decode(png).width, heatmap.width)
        let svg = String(decoding: FileManager.default.contents(atPath: svgURL.path)!, as: UTF8.self)
        XCTAssertTrue(svg.hasPrefix("<?xml"))
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)), ["cm.PNG", "cm.svg"])
        let bad = directory.appendingPathComponent("cm.jpg")
        XCTAssertThrowsError(try heatmap.write(to: bad)) { error in
            XCTAssertTrue("\(error)".contains("cm.jpg") && "\(error)".contains("expected .png or .svg"), "\(error)")
        }
    }
}
