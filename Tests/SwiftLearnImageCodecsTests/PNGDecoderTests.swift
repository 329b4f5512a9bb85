import Foundation
import XCTest
import SwiftLearnImageCodecs
import SwiftLearnTestSupport

/// PNG rows longer than the fixtures' (the vectorised and in-place unfiltering paths) against Pillow.
final class PNGDecoderTests: XCTestCase {
    func testPillowWrittenPhotoSizedRowsDecodeExactly() throws {
        let python = try CrossCheck.python(modules: ["PIL", "numpy"])
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Pillow's adaptive filtering picks a mix of the five filters on gradients with noise; every layout
        // the direct (in-place) path handles, plus a palette image for the general path.
        let script = """
        import sys, numpy as np
        from PIL import Image
        rng = np.random.RandomState(3)
        y, x = np.mgrid[0:37, 0:131]
        base = np.stack([x * 2, y * 6, (x + y)], -1) + rng.randint(0, 12, (37, 131, 3))
        rgb = np.clip(base, 0, 255).astype(np.uint8)
        for mode in ("RGB", "RGBA", "L", "LA", "P"):
            image = Image.fromarray(rgb, "RGB")
            if mode == "RGBA": image = image.convert("RGBA"); image.putalpha(Image.fromarray((x * 3 % 256).astype(np.uint8)))
            elif mode == "LA": image = image.convert("LA")
            elif mode != "RGB": image = image.convert(mode)
            path = f"{sys.argv[1]}/{mode}.png"
            image.save(path)
            decoded = Image.open(path).convert("RGBA")
            print(mode, decoded.tobytes().hex())
        """
        let lines = try CrossCheck.run(python, script: script, arguments: [directory.path]).split(separator: "\n")
        XCTAssertEqual(lines.count, 5)
        for line in lines {
            let fields = line.split(separator: " ")
            let mode = String(fields[0])
            let image = try loadRawImage(from: directory.appendingPathComponent("\(mode).png")).converted(to: .rgba)
            XCTAssertEqual([image.width, image.height], [131, 37], mode)
            XCTAssertEqual(image.pixels, ImageComparison.bytes(hex: fields[1]), "\(mode) must match Pillow exactly")
        }
    }

    func testEncoderRoundTripWithEveryFilterOnLongRows() throws {
        // Rows cycle through zero, noise, a copy of the row above (Up wins) and a gradient (Sub/Paeth win).
        var random = SplitMix64(seed: 4)
        for channels in 1...4 {
            let (width, height) = (77, 24)
            var pixels = [UInt8](repeating: 0, count: width * height * channels)
            for y in 0..<height {
                for i in 0..<(width * channels) {
                    let index = y * width * channels + i
                    switch y % 4 {
                    case 0: pixels[index] = 0
                    case 1: pixels[index] = UInt8.random(in: 0...255, using: &random)
                    case 2: pixels[index] = pixels[index - width * channels]
                    default: pixels[index] = UInt8(truncatingIfNeeded: i * 3 + y)
                    }
                }
            }
            let png = try PNGEncoder.encode(pixels: pixels, width: width, height: height, channels: channels)
            XCTAssertEqual(try PNGDecoder.decode(png).pixels, pixels, "channels \(channels)")
        }
    }
}
