import Foundation
import XCTest
import SwiftLearnTestSupport
import SwiftLearnCompression
@testable import SwiftLearnPlot
@testable import SwiftLearnImageCodecs

final class RasterAndPNGTests: XCTestCase {
    static let red = PlotColor(red: 255, green: 0, blue: 0)
    static let blue = PlotColor(red: 0, green: 0, blue: 255)
    static let green = PlotColor(red: 0, green: 128, blue: 0)

    /// A canvas whose every tested pixel value follows by hand from the coverage rules:
    /// full coverage gives the colour itself, coverage c over white gives round(255 (1 - c) + colour c).
    static func primitivesCanvas() -> Canvas {
        var canvas = Canvas(width: 40, height: 30, background: .white)
        canvas.fillRect(x0: 5, y0: 6, x1: 15, y1: 12, color: red)              // pixel-aligned
        canvas.fillRect(x0: 20.5, y0: 6, x1: 30.5, y1: 12, color: blue)        // half pixels at both sides
        canvas.fillCircle(center: ScenePoint(x: 10.5, y: 22.5), radius: 4, color: green)
        canvas.strokePolylines([[ScenePoint(x: 20, y: 27.5), ScenePoint(x: 38, y: 27.5)]], color: .black, lineWidth: 1)
        canvas.fillRect(x0: 34, y0: 2, x1: 38, y1: 4, color: PlotColor(red: 0, green: 0, blue: 0, alpha: 128))
        return canvas
    }

    /// (x, y, expected RGBA) derived from the primitives above.
    static let expectedPixels: [(Int, Int, [UInt8])] = [
        (0, 0, [255, 255, 255, 255]),        // background
        (5, 6, [255, 0, 0, 255]), (14, 11, [255, 0, 0, 255]), (10, 8, [255, 0, 0, 255]),  // rect interior
        (4, 6, [255, 255, 255, 255]), (15, 6, [255, 255, 255, 255]), (5, 12, [255, 255, 255, 255]),  // just outside
        (20, 8, [128, 128, 255, 255]),       // half-covered: 255 * 0.5 + 0 * 0.5 = 127.5 -> 128
        (21, 8, [0, 0, 255, 255]), (29, 8, [0, 0, 255, 255]),
        (30, 8, [128, 128, 255, 255]), (31, 8, [255, 255, 255, 255]),
        (10, 22, [0, 128, 0, 255]),          // circle centre
        (14, 22, [128, 192, 128, 255]),      // centre distance 4 = radius: coverage 0.5; G = 128/2 + 255/2 = 191.5 -> 192
        (16, 22, [255, 255, 255, 255]),      // outside the anti-aliasing ramp
        (25, 27, [0, 0, 0, 255]),            // 1-pixel line through pixel centres: full coverage
        (25, 26, [255, 255, 255, 255]), (25, 28, [255, 255, 255, 255]),
        (35, 3, [127, 127, 127, 255]),       // black at alpha 128/255 over white: 255 * 127/255 = 127
    ]

    func testPrimitivePixelsFollowTheCoverageRules() {
        let canvas = Self.primitivesCanvas()
        for (x, y, expected) in Self.expectedPixels {
            let p = canvas.pixel(x: x, y: y)
            XCTAssertEqual([p.red, p.green, p.blue, p.alpha], expected, "pixel (\(x), \(y))")
        }
    }

    func testPNGStructureAndRoundTrip() throws {
        let canvas = Self.primitivesCanvas()
        let png = PNGEncoder.encode(rgba: canvas.pixels, width: canvas.width, height: canvas.height)
        let decoded = try PNGTestDecoder.decode(png)  // checks signature and every chunk CRC
        XCTAssertEqual(decoded.chunkTypes, ["IHDR", "IDAT", "IEND"])
        XCTAssertEqual(decoded.width, 40)
        XCTAssertEqual(decoded.height, 30)
        XCTAssertEqual(decoded.bitDepth, 8)
        XCTAssertEqual(decoded.colorType, 6)
        XCTAssertEqual(decoded.interlace, 0)
        XCTAssertEqual(decoded.rgba, canvas.pixels)
        for (x, y, expected) in Self.expectedPixels { XCTAssertEqual(decoded.pixel(x, y), expected, "(\(x), \(y))") }
    }

    /// Every filter type must round-trip: random rows make the heuristic pick a mix of them.
    func testAllFilterTypesRoundTrip() throws {
        var state: UInt64 = 5
        let width = 37, height = 23
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        // Rows cycle through: all zero (None is best), noise, a copy of the noise row (Up is best), a gradient.
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<4 {
                    let i = (y * width + x) * 4 + c
                    switch y % 4 {
                    case 0: pixels[i] = 0
                    case 1:
                        state = state &* 6364136223846793005 &+ 1442695040888963407
                        pixels[i] = UInt8(truncatingIfNeeded: state >> 56)
                    case 2: pixels[i] = pixels[i - width * 4]
                    default: pixels[i] = UInt8(truncatingIfNeeded: x * 5 + c * 20 + y)
                    }
                }
            }
        }
        let png = PNGEncoder.encode(rgba: pixels, width: width, height: height)
        XCTAssertEqual(try PNGTestDecoder.decode(png).rgba, pixels)
        let filters = Set(stride(from: 0, to: height, by: 1).map {
            PNGEncoder.filteredRows(pixels, width: width, height: height, channels: 4)[$0 * (width * 4 + 1)]
        })
        XCTAssertGreaterThan(filters.count, 1, "expected several filter types, got \(filters)")
    }

    /// Pillow, an independent decoder, reads the file and sees the same pixels.
    func testPillowDecodesTheSamePixels() throws {
        let python = try CrossCheck.python(modules: ["PIL"])
        let canvas = Self.primitivesCanvas()
        let directory = try TestTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("primitives.png")
        try Data(PNGEncoder.encode(rgba: canvas.pixels, width: canvas.width, height: canvas.height)).write(to: file)
        let script = """
        import sys
        from PIL import Image
        im = Image.open(sys.argv[1]); im.load()
        print(im.mode, im.size[0], im.size[1], im.tobytes().hex())
        """
        let output = try CrossCheck.run(python, script: script, arguments: [file.path])
        let fields = output.split(separator: " ")
        XCTAssertEqual(fields.count, 4)
        guard fields.count == 4 else { return }
        XCTAssertEqual(fields[0], "RGBA")
        XCTAssertEqual(fields[1], "40")
        XCTAssertEqual(fields[2], "30")
        let hex = fields[3].trimmingCharacters(in: .whitespacesAndNewlines)
        let digits = Array("0123456789abcdef")
        let ourHex = String(canvas.pixels.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
        XCTAssertEqual(hex, ourHex)
    }

    func testTextUsesTheBitmapFontPixels() {
        var canvas = Canvas(width: 30, height: 20, background: .white)
        // "T" at size 2 starting at x = 4, capitals centred on y = 10: the glyph's top row is at y = 10 - 7 = 3.
        canvas.drawText("T", at: ScenePoint(x: 4, y: 10), style: TextStyle(size: 2, color: .black, anchor: .start))
        // Row 0 of "T" is "#####": pixels x 4...13, y 3...4 are ink; row 1 is "..#..": only x 8...9.
        for x in 4...13 { XCTAssertEqual(canvas.pixel(x: x, y: 3), .black, "x \(x)") }
        XCTAssertEqual(canvas.pixel(x: 14, y: 3), .white)
        XCTAssertEqual(canvas.pixel(x: 4, y: 5), .white)
        XCTAssertEqual(canvas.pixel(x: 8, y: 5), .black)
        XCTAssertEqual(canvas.pixel(x: 8, y: 2), .white)
    }

    func testFontCoversPrintableASCIIWithDistinctGlyphs() {
        var seen: [[UInt8]: Character] = [:]
        for code in 33...126 {
            let character = Character(Unicode.Scalar(UInt8(code)))
            let rows = BitmapFont.rows(for: character)
            XCTAssertTrue(rows.contains { $0 != 0 }, "\(character) has no ink")
            if let other = seen[rows] { XCTFail("\(character) draws the same as \(other)") }
            seen[rows] = character
            let descends = rows[7] != 0 || rows[8] != 0
            XCTAssertEqual(descends, "gjpqy,;_|".contains(character), "descender of \(character)")
        }
        XCTAssertEqual(BitmapFont.rows(for: " "), [UInt8](repeating: 0, count: 9))
        XCTAssertEqual(BitmapFont.rows(for: "\u{2212}"), BitmapFont.rows(for: "-"))
        XCTAssertNotEqual(BitmapFont.rows(for: "é"), BitmapFont.rows(for: " "))  // missing glyph box
    }

    func testDashesCoverThePatternLengths() {
        let line = [ScenePoint(x: 0, y: 0), ScenePoint(x: 10, y: 0), ScenePoint(x: 10, y: 10)]
        let pieces = Dashing.split(line, pattern: [3, 2])
        // 20 units of path: on 0-3, 5-8, 10-13, 15-18 -> four dashes of length 3.
        XCTAssertEqual(pieces.count, 4)
        for piece in pieces {
            let length = zip(piece, piece.dropFirst()).map { a, b in ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot() }
                .reduce(0, +)
            XCTAssertEqual(length, 3, accuracy: 1e-9)
        }
        XCTAssertEqual(pieces[2].first!.x, 10, accuracy: 1e-9)  // the third dash turns the corner at (10, 0)
        XCTAssertEqual(pieces[2].first!.y, 0, accuracy: 1e-9)
    }

    func testColorMapsMatchMatplotlib() {
        // matplotlib.colormaps["viridis"](0.0 / 0.5 / 1.0) and ["Blues"](1.0), to 8 bits.
        XCTAssertEqual(PlotColorMap.viridis.color(at: 0), PlotColor(hex: 0x440154))
        XCTAssertEqual(PlotColorMap.viridis.color(at: 0.5), PlotColor(hex: 0x21918C))
        XCTAssertEqual(PlotColorMap.viridis.color(at: 1), PlotColor(hex: 0xFDE725))
        XCTAssertEqual(PlotColorMap.blues.color(at: 1), PlotColor(hex: 0x08306B))
        XCTAssertEqual(PlotColorMap.viridis.color(at: .nan), PlotColor(hex: 0x440154))
        XCTAssertEqual(PlotColor(hex: 0x1F77B4).hexString, "#1f77b4")
    }

    func testAtomicWrite() throws {
        let directory = try TestTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.bin").path
        try ChartOutput.write([1, 2, 3], toPath: path)
        try ChartOutput.write([4, 5], toPath: path)  // replaces
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data([4, 5]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.bin"])  // no temp left
        let missing = directory.appendingPathComponent("no/such/dir/out.png").path
        XCTAssertThrowsError(try ChartOutput.write([1], toPath: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
    }
}
