import Foundation
import XCTest
import SwiftLearnImageCodecs
import SwiftLearnTestSupport

/// The baseline encoder, checked by Pillow (libjpeg-turbo) decoding what it writes, and by round trips.
final class JPEGEncoderTests: XCTestCase {
    /// A smooth colour gradient with an edge (JPEG's friendly case plus a hard one), not a multiple of 8 or 16.
    private func gradient(width: Int, height: Int, channels: Int) -> [UInt8] {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                var values = [x * 255 / (width - 1), y * 255 / (height - 1), (x + y) * 255 / (width + height - 2)]
                if x > width / 2 { values[0] = 255 - values[0] }
                pixels += values.prefix(channels).map { UInt8($0) }
            }
        }
        return pixels
    }

    func testPillowDecodesWhatTheEncoderWrites() throws {
        let python = try CrossCheck.python(modules: ["PIL", "numpy"])
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (width, height) = (37, 21)
        var cases: [(String, RawImage, JPEGEncoder.Subsampling)] = []
        let rgb = try RawImage(width: width, height: height, channels: 3, pixels: gradient(width: width, height: height, channels: 3))
        for subsampling in JPEGEncoder.Subsampling.allCases { cases.append(("rgb_\(subsampling.rawValue)", rgb, subsampling)) }
        let gray = try RawImage(width: width, height: height, channels: 1, pixels: gradient(width: width, height: height, channels: 1))
        cases.append(("gray", gray, .chroma420))
        var paths: [String] = []
        for (name, image, subsampling) in cases {
            let url = directory.appendingPathComponent(name + ".jpg")
            try Data(JPEGEncoder.encode(image, quality: 92, subsampling: subsampling)).write(to: url)
            paths.append(url.path)
        }
        // Per file: Pillow's mode, size, chroma subsampling (JpegImagePlugin.get_sampling: 0, 1, 2; -1 for gray)
        // and pixels.
        let script = """
        import sys
        from PIL import Image, JpegImagePlugin
        for path in sys.argv[1:]:
            im = Image.open(path); im.load()
            print(im.mode, im.size[0], im.size[1], JpegImagePlugin.get_sampling(im), im.tobytes().hex())
        """
        let lines = try CrossCheck.run(python, script: script, arguments: paths).split(separator: "\n")
        XCTAssertEqual(lines.count, cases.count)
        for ((name, image, subsampling), line) in zip(cases, lines) {
            let fields = line.split(separator: " ")
            guard fields.count == 5 else { XCTFail("\(name): \(line)"); continue }
            XCTAssertEqual(String(fields[0]), image.channels == 1 ? "L" : "RGB", name)
            XCTAssertEqual([Int(fields[1]), Int(fields[2])], [width, height], name)
            if image.channels == 3 {
                let expected = ["chroma444": 0, "chroma422": 1, "chroma420": 2][subsampling.rawValue]
                XCTAssertEqual(Int(fields[3]), expected, "\(name): Pillow's view of the subsampling")
            }
            let pillow = ImageComparison.bytes(hex: fields[4])
            XCTAssertEqual(pillow.count, image.pixels.count, name)
            // Close to the source (JPEG is lossy; the edge costs a little more) ...
            let error = pixelDifference(pillow, image.pixels)
            XCTAssertLessThan(error.mean, subsampling == .chroma444 || image.channels == 1 ? 1.5 : 3.0, "\(name) vs source")
            // ... and Pillow's pixels are this module's decoder's (both are libjpeg-turbo's arithmetic).
            let ours = try JPEGDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: paths[cases.firstIndex { $0.0 == name }!])).map { $0 })
            let agreement = pixelDifference(ours.pixels, pillow)
            XCTAssertLessThanOrEqual(agreement.max, 1, "\(name): decoder vs Pillow")
        }
    }

    /// Noise at quality 100 fills blocks up to the last zig-zag position (no EOB), long codes and large
    /// magnitudes: the decoder's paths for those agree with Pillow's libjpeg.
    func testNoiseAtQuality100DecodesLikePillow() throws {
        let python = try CrossCheck.python(modules: ["PIL"])
        var random = SplitMix64(seed: 9)
        let (width, height) = (45, 29)
        let image = try RawImage(width: width, height: height, channels: 3,
                                 pixels: (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &random) })
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for subsampling in JPEGEncoder.Subsampling.allCases {
            let jpeg = try JPEGEncoder.encode(image, quality: 100, subsampling: subsampling)
            let url = directory.appendingPathComponent("noise-\(subsampling.rawValue).jpg")
            try Data(jpeg).write(to: url)
            let hex = try CrossCheck.run(python, script: "import sys\nfrom PIL import Image\nim = Image.open(sys.argv[1]); im.load()\nprint(im.tobytes().hex())",
                                         arguments: [url.path])
            let ours = try JPEGDecoder.decode(jpeg)
            XCTAssertEqual(pixelDifference(ours.pixels, ImageComparison.bytes(hex: hex)).max, 0, "\(subsampling): decoder vs Pillow")
        }
    }

    func testQualityTradesSizeForError() throws {
        let pixels = gradient(width: 16, height: 9, channels: 1)
        let image = try RawImage(width: 16, height: 9, channels: 1, pixels: pixels)
        let high = try JPEGEncoder.encode(image, quality: 95)
        let low = try JPEGEncoder.encode(image, quality: 10)
        XCTAssertEqual(Array(high.prefix(2)), [0xFF, 0xD8])
        XCTAssertEqual(Array(high.suffix(2)), [0xFF, 0xD9])
        XCTAssertLessThan(low.count, high.count)
        let fine = try JPEGDecoder.decode(high), coarse = try JPEGDecoder.decode(low)
        XCTAssertGreaterThan(pixelDifference(coarse.pixels, pixels).mean, pixelDifference(fine.pixels, pixels).mean)
    }

    func testHighContrastEdgesSurviveStuffedBytes() throws {
        // A checkerboard drives large AC coefficients (long codes, 0xFF bytes that need stuffing).
        let pixels = (0..<(24 * 24)).map { index -> UInt8 in ((index / 24) / 3 + (index % 24) / 3) % 2 == 0 ? 0 : 255 }
        let jpeg = try JPEGEncoder.encode(pixels: pixels, width: 24, height: 24, channels: 1, quality: 100)
        XCTAssertLessThan(pixelDifference(try JPEGDecoder.decode(jpeg).pixels, pixels).mean, 3.0)
    }

    func testRejectsWhatJPEGCannotHold() throws {
        XCTAssertThrowsError(try JPEGEncoder.encode(pixels: [0, 0], width: 1, height: 1, channels: 2)) {
            XCTAssertTrue("\($0)".contains("received 2"), "\($0)")
        }
        XCTAssertThrowsError(try JPEGEncoder.encode(pixels: [0], width: 1, height: 1, channels: 1, quality: 0)) {
            XCTAssertTrue("\($0)".contains("received 0"), "\($0)")
        }
        let rgba = try RawImage(width: 1, height: 1, channels: 4, pixels: [1, 2, 3, 4])
        XCTAssertThrowsError(try JPEGEncoder.encode(rgba)) { XCTAssertTrue("\($0)".contains("cannot write RGBA as JPEG"), "\($0)") }
    }

    func testSaveAndLoadRawImageByExtension() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = try RawImage(width: 20, height: 10, channels: 3, pixels: gradient(width: 20, height: 10, channels: 3))
        let png = directory.appendingPathComponent("a.PNG"), jpg = directory.appendingPathComponent("b.jpeg")
        try saveRawImage(image, to: png)
        try saveRawImage(image, to: jpg.path, quality: 95)
        XCTAssertEqual(try loadRawImage(from: png), image, "PNG is lossless")
        XCTAssertLessThan(pixelDifference(try loadRawImage(from: jpg.path).pixels, image.pixels).mean, 3)
        XCTAssertThrowsError(try saveRawImage(image, to: directory.appendingPathComponent("c.gif"))) {
            XCTAssertTrue("\($0)".contains("c.gif: cannot tell the image format"), "\($0)")
        }
        XCTAssertThrowsError(try loadRawImage(from: directory.appendingPathComponent("missing.png"))) {
            XCTAssertTrue("\($0)".contains("missing.png: cannot open"), "\($0)")
        }
    }
}
