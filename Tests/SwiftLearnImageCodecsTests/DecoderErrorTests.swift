import Foundation
import XCTest
import SwiftLearnImageCodecs

/// Corrupt and truncated inputs throw errors naming the file, the offset and the expectation; never a crash.
final class DecoderErrorTests: XCTestCase {
    func local(_ name: String) throws -> [UInt8] { try ImageFixtures.suiteBytes(name) }

    func testFixturesExerciseTheFeaturesTheyAreNamedFor() throws {
        func hasMarker(_ bytes: [UInt8], _ marker: UInt8) -> Bool {
            zip(bytes, bytes.dropFirst()).contains { $0 == 0xFF && $1 == marker }
        }
        XCTAssertTrue(hasMarker(try local("j420_restart.jpg"), 0xDD), "DRI segment")
        XCTAssertTrue(hasMarker(try local("j420_restart.jpg"), 0xD0), "RST0 marker")
        XCTAssertTrue(hasMarker(try local("jrgb_adobe.jpg"), 0xEE), "Adobe APP14")
        XCTAssertTrue(hasMarker(try local("j420_exif_icc.jpg"), 0xE1), "EXIF APP1")
        XCTAssertTrue(hasMarker(try local("j420_exif_icc.jpg"), 0xE2), "ICC APP2")
        XCTAssertTrue(hasMarker(try local("j420_prog.jpg"), 0xC2), "progressive SOF2")
        XCTAssertEqual(try local("ct2_d8_adam7.png")[28], 1, "Adam7 interlace flag in IHDR")
    }

    func testCorruptPNGCRCNamesFileOffsetAndExpectation() throws {
        var bytes = try local("ct6_d8.png")
        bytes[20] ^= 0x01  // inside IHDR data
        XCTAssertThrowsError(try decodeRawImage(bytes, file: "bad.png")) { error in
            guard let error = error as? ImageError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.file, "bad.png")
            XCTAssertEqual(error.offset, 29)
            XCTAssertTrue(error.message.contains("IHDR chunk CRC"), error.message)
            XCTAssertTrue(error.description.hasPrefix("bad.png at byte 29: "), error.description)
        }
    }

    func testEveryTruncationOfEveryFixtureThrowsOrDecodes() throws {
        // Truncated files must throw (or, for JPEG, decode what is there as libjpeg does) and never crash.
        for name in ["ct2_d8_adam7.png", "ct3_d4.png", "j420_prog.jpg", "j422.jpg", "j420_restart.jpg"] {
            let bytes = try local(name)
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
                let prefix = Array(bytes[0..<cut])
                do {
                    let image = try decodeRawImage(prefix, file: name)
                    XCTAssertTrue(name.hasSuffix(".jpg"), "\(name) truncated at \(cut) decoded without error")
                    XCTAssertGreaterThan(image.width, 0)
                } catch {
                    // decodeImage throws ImageError (typed throws); it must name the file.
                    XCTAssertEqual(error.file, name, "\(name) at \(cut): \(error)")
                }
            }
        }
    }

    func testGarbledJPEGDataNeverCrashes() throws {
        let original = try local("j420_prog.jpg")
        var state: UInt64 = 12345
        for _ in 0..<60 {
            var bytes = original
            for _ in 0..<4 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let index = 2 + Int((state >> 33) % UInt64(bytes.count - 2))
                bytes[index] = UInt8(truncatingIfNeeded: state >> 20)
            }
            _ = try? decodeRawImage(bytes, file: "garbled.jpg")
        }
        let png = try local("ct2_d8.png")
        for i in stride(from: 33, to: png.count - 12, by: 7) {
            var bytes = png
            bytes[i] ^= 0x5A
            XCTAssertThrowsError(try decodeRawImage(bytes, file: "garbled.png"), "flip at \(i) must be caught by a CRC")
        }
    }

    func testUnknownFormatAndMissingFile() {
        XCTAssertThrowsError(try decodeRawImage([0x47, 0x49, 0x46, 0x38], file: "x.gif")) { error in
            XCTAssertTrue("\(error)".contains("x.gif at byte 0: unknown image format"), "\(error)")
        }
        XCTAssertThrowsError(try loadRawImage(from: "/nonexistent/dir/img.png")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/dir/img.png"), "\(error)")
        }
        let header: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC3, 0x00, 0x0B, 8, 0, 8, 0, 8, 1, 1, 0x11, 0]
        XCTAssertThrowsError(try decodeRawImage(header, file: "lossless.jpg")) { error in
            XCTAssertTrue("\(error)".contains("lossless.jpg at byte 2: lossless JPEG (SOF3) is not supported"), "\(error)")
        }
    }
}
