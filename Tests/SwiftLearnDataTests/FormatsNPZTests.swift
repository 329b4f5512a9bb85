import XCTest
import Foundation
@testable import SwiftLearnData
import SwiftLearnTensor

/// `.npz` archives from numpy.savez (stored) and numpy.savez_compressed (deflated).
final class FormatsNPZTests: XCTestCase {
    func testStoredAndCompressedArchives() throws {
        for name in ["stored.npz", "compressed.npz"] {
            let npz = try NPZ.read(contentsOf: CodecsFixtures.url(name))
            XCTAssertEqual(npz.names, ["images", "labels", "weights"], name)
            for member in npz.names {
                let expected = try CodecsFixtures.expectation("npz:\(member)")
                let array = try XCTUnwrap(npz[member])
                XCTAssertEqual(array.shape, expected.shape, "\(name) \(member)")
                assertCodecsSameDoubles(array.doubles, expected.values, "\(name) \(member)")
            }
            XCTAssertEqual(npz["labels"]?.dtype, .int64)
            XCTAssertEqual(try npz.tensor("labels", as: UInt8.self).scalars, [2, 0, 1])
            XCTAssertEqual(try npz.tensor("images", as: UInt8.self).shape, [3, 4, 5])
            assertCodecsFormatError(.notFound, containing: [name, "no array 'x'", "images, labels, weights"]) {
                try npz.tensor("x", as: Float.self)
            }
        }
    }

    func testWriterRoundTripAndNumpyReadsIt() throws {
        let directory = try CodecsFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let x = try Tensor<Float>(shape: [2, 2], scalars: [0.25, -1, 1e20, 3])
        let y = Tensor<UInt8>([7, 255])
        for compressed in [false, true] {
            let url = directory.appendingPathComponent(compressed ? "c.npz" : "s.npz")
            try NPZ.write([("x", NumericArray(x)), ("y", NumericArray(y))], to: url, compressed: compressed)
            let npz = try NPZ.read(contentsOf: url)
            XCTAssertEqual(npz.names, ["x", "y"])
            XCTAssertEqual(try npz.tensor("x", as: Float.self), x)
            XCTAssertEqual(try npz.tensor("y", as: UInt8.self), y)
            let output = try runCodecsNumpy(
                "import numpy as np; z = np.load('\(url.path)'); print(sorted(z.files), z['x'].dtype, z['x'].tolist(), z['y'].dtype, z['y'].tolist())")
            XCTAssertEqual(output, "['x', 'y'] float32 [[0.25, -1.0], [1.0000000200408773e+20, 3.0]] uint8 [7, 255]")
        }
        assertCodecsFormatError(.invalidArgument, containing: ["duplicate name 'x'"]) {
            try NPZ.encode([("x", NumericArray(x)), ("x", NumericArray(y))])
        }
    }

    func testDamagedArchive() throws {
        var bytes = [UInt8](try Data(contentsOf: CodecsFixtures.url("compressed.npz")))
        let entry = try XCTUnwrap(try SwiftLearnCompression.ZipArchive(bytes).entries.first)
        bytes[entry.localHeaderOffset + 30 + entry.name.utf8.count + 20 + entry.compressedSize / 2] ^= 0x40
        XCTAssertThrowsError(try NPZ.read(bytes, fileName: "damaged.npz")) { error in
            XCTAssertTrue("\(error)".contains("damaged.npz"), "\(error)")
        }
        assertCodecsFormatError(.decompression, containing: ["no end-of-central-directory record"]) {
            try NPZ.read([UInt8](repeating: 1, count: 64), fileName: "junk.npz")
        }
    }
}

import SwiftLearnCompression
