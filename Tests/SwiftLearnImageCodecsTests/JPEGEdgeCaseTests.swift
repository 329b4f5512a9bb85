import Foundation
import XCTest
import SwiftLearnCompression
import SwiftLearnImageCodecs

/// The decoder against Pillow (libjpeg-turbo) on the files cameras, browsers and old encoders write:
/// every tiny size in every subsampling, Motion-JPEG frames without Huffman tables, files cut short (with
/// Pillow's `LOAD_TRUNCATED_IMAGES`), and reduced-size decodes (Pillow's `draft`). Expected pixels come from
/// `Tests/Fixtures/images/jpeg/make_jpeg_cases.py`.
final class JPEGEdgeCaseTests: XCTestCase {
    struct Case {
        var name: String
        var jpeg: [UInt8]
        var scale: JPEGScale
        var allowTruncated: Bool
        var width, height, channels: Int
        var pixels: [UInt8]
    }

    /// The records of `jpeg_cases.bin.gz` (format in the script's docstring).
    static func cases() throws -> [Case] {
        let data = try Gzip.decompress(try ImageFixtures.bytes(ImageFixtures.jpeg.appendingPathComponent("jpeg_cases.bin.gz")))
        var cases: [Case] = []
        var i = 0
        func u16() -> Int { defer { i += 2 }; return Int(data[i]) << 8 | Int(data[i + 1]) }
        func u32() -> Int { defer { i += 4 }; return Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3]) }
        func u8() -> Int { defer { i += 1 }; return Int(data[i]) }
        while i < data.count {
            let nameLength = u16()
            let name = String(decoding: data[i..<(i + nameLength)], as: UTF8.self)
            i += nameLength
            let jpegLength = u32()
            let jpeg = Array(data[i..<(i + jpegLength)])
            i += jpegLength
            let scale = JPEGScale(rawValue: u8())!
            let truncated = u8() == 1
            let width = u16(), height = u16(), channels = u8()
            let rowBytes = width * channels
            var pixels = Array(data[i..<(i + height * rowBytes)])
            i += height * rowBytes
            // Undo the Sub-filter storage: each sample was stored as its difference from the pixel to the left.
            for y in 0..<height {
                for x in channels..<rowBytes { pixels[y * rowBytes + x] &+= pixels[y * rowBytes + x - channels] }
            }
            cases.append(Case(name: name, jpeg: jpeg, scale: scale, allowTruncated: truncated, width: width,
                              height: height, channels: channels, pixels: pixels))
        }
        return cases
    }

    /// Decodes every case of `group` and compares with Pillow: same size and layout, max |diff| <= 1,
    /// mean |diff| <= 0.02 per sample (the decoder's stated tolerance; observed 0).
    func checkGroup(_ group: String, expectedCount: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let selected = try Self.cases().filter { $0.name.hasPrefix(group + "/") }
        XCTAssertGreaterThanOrEqual(selected.count, expectedCount, "cases in \(group)", file: file, line: line)
        var worst = 0
        for testCase in selected {
            let options = ImageDecodingOptions(allowTruncated: testCase.allowTruncated, jpegScale: testCase.scale)
            let image: RawImage
            do {
                image = try JPEGDecoder.decode(testCase.jpeg, options: options, file: testCase.name)
            } catch {
                XCTFail("\(testCase.name): \(error)", file: file, line: line)
                continue
            }
            guard [image.width, image.height, image.channels] == [testCase.width, testCase.height, testCase.channels] else {
                XCTFail("\(testCase.name): decoded \(image.width)x\(image.height)x\(image.channels), Pillow \(testCase.width)x\(testCase.height)x\(testCase.channels)",
                        file: file, line: line)
                continue
            }
            let difference = pixelDifference(image.pixels, testCase.pixels)
            worst = max(worst, difference.max)
            XCTAssertLessThanOrEqual(difference.max, 1, "\(testCase.name): max |diff| vs Pillow", file: file, line: line)
            XCTAssertLessThanOrEqual(difference.mean, 0.02, "\(testCase.name): mean |diff| vs Pillow", file: file, line: line)
        }
        print("\(group): \(selected.count) cases, worst |diff| vs Pillow \(worst)")
    }

    func testEveryTinySizeInEverySubsamplingMatchesPillow() throws {
        try checkGroup("tiny", expectedCount: 3 * 17 * 17)
    }

    func testMotionJPEGFramesUseTheAnnexKTables() throws {
        try checkGroup("mjpeg", expectedCount: 2)
    }

    func testCutFilesDecodeLikePillowWithTruncatedImagesAllowed() throws {
        try checkGroup("cut", expectedCount: 20)
    }

    func testReducedSizesMatchPillowDraft() throws {
        try checkGroup("draft", expectedCount: 15)
    }

    func testCutFilesAreErrorsByDefaultNamingFileByteAndMCU() throws {
        for testCase in try Self.cases() where testCase.name.hasPrefix("cut/") {
            XCTAssertThrowsError(try JPEGDecoder.decode(testCase.jpeg, options: ImageDecodingOptions(), file: "cut.jpg")) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("cut.jpg at byte "), "\(testCase.name): \(message)")
                XCTAssertTrue(message.contains("the file is truncated"), "\(testCase.name): \(message)")
                XCTAssertTrue(message.contains("allowTruncated"), "\(testCase.name): \(message)")
                if testCase.name.contains("_scan_1_of_") {
                    // Inside the entropy-coded data: the byte where the data ends and the last complete MCU.
                    XCTAssertTrue(message.contains("cut.jpg at byte \(testCase.jpeg.count):"), "\(testCase.name): \(message)")
                    XCTAssertTrue(message.contains("last complete MCU: MCU "), "\(testCase.name): \(message)")
                }
                if testCase.name.hasSuffix("_no_eoi") {
                    XCTAssertTrue(message.contains("without the end-of-image marker (EOI)"), "\(testCase.name): \(message)")
                }
            }
        }
    }

    func testAFileCutInsideItsTablesSaysTruncatedNotContradictory() throws {
        // A baseline file cut at byte 300 ends inside a DHT segment.
        let full = try ImageFixtures.suiteBytes("j420.jpg")
        let cut = Array(full.prefix(300))
        for allowTruncated in [false, true] {
            XCTAssertThrowsError(try JPEGDecoder.decode(cut, options: ImageDecodingOptions(allowTruncated: allowTruncated), file: "x.jpg")) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("the file is truncated"), message)
                XCTAssertFalse(message.contains("expected at most 256"), message)
            }
        }
    }

    func testLosslessJPEGIsRefusedWithAClearMessage() {
        let header: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC3, 0x00, 0x0B, 8, 0, 8, 0, 8, 1, 1, 0x11, 0]
        XCTAssertThrowsError(try JPEGDecoder.decode(header, file: "lossless.jpg")) { error in
            XCTAssertTrue("\(error)".contains("lossless.jpg at byte 2: lossless JPEG (SOF3) is not supported"), "\(error)")
        }
    }

    func testLargestScaleFollowsPillowDraft() {
        XCTAssertEqual(JPEGScale.largest(width: 800, height: 600, atLeast: (112, 112)), .quarter)
        XCTAssertEqual(JPEGScale.largest(width: 800, height: 600, atLeast: (64, 64)), .eighth)
        XCTAssertEqual(JPEGScale.largest(width: 800, height: 600, atLeast: (301, 301)), .full)
        XCTAssertEqual(JPEGScale.largest(width: 800, height: 600, atLeast: (256, 256)), .half)
        XCTAssertEqual(JPEGScale.quarter.scaledSize(width: 801, height: 599).width, 201)
    }
}
