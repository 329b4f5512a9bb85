import XCTest
import Foundation
import SwiftLearnCompression
@testable import SwiftLearnData
import SwiftLearnTensor

/// Crafted inputs from issue 13 (made here, a few bytes each): recursion depth, reads bounded by what a
/// header promises, NUL bytes and out-of-range numbers in CSV cells.
final class FormatsHostileInputTests: XCTestCase {
    /// An NPY file whose header is `text` (version 1.0, padded like numpy) followed by `data`.
    private func npy(header text: String, data: [UInt8] = []) -> [UInt8] {
        var header = Array(text.utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        return NPY.magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
    }

    // MARK: - Nesting depth

    /// 20,000 nested `(` (a 40 KB file) once overflowed the stack in the recursive header parser; now the
    /// parser stops at 128 levels with an error naming the byte and the limit.
    func testDeeplyNestedNPYHeaderIsRefusedAtTheLimit() throws {
        let deep = "{'descr': '<f4', 'fortran_order': False, 'shape': " + String(repeating: "(", count: 20_000) + "1"
            + String(repeating: ")", count: 20_000) + ", }"
        let bytes = npy(header: deep, data: [0, 0, 0, 0])
        XCTAssertGreaterThan(bytes.count, 40_000)
        // The 128th '(' is nesting level 129 (the dictionary is level 1): the error points at it.
        let openingBracket = 10 + "{'descr': '<f4', 'fortran_order': False, 'shape': ".utf8.count + 127
        assertCodecsFormatError(.corrupt, containing: ["deep.npy", "byte offset \(openingBracket)",
                                                       "nested more than 128 levels deep (the limit is 128)"]) {
            try NPY.read(bytes, fileName: "deep.npy")
        }
        // Inside an archive: the same error, attributed to the member.
        let archive = try ZipWriter.archive([("x.npy", bytes)], method: .deflated)
        assertCodecsFormatError(.corrupt, containing: ["deep.npz", "member 'x.npy'", "the limit is 128"]) {
            try NPZ.read(archive, fileName: "deep.npz")
        }
        // The same for lists and dictionaries.
        for (open, close) in [("[", "]"), ("{'a': ", "}")] {
            let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': " + String(repeating: open, count: 5_000) + "1"
                + String(repeating: close, count: 5_000) + "}"
            assertCodecsFormatError(.corrupt, containing: ["the limit is 128"]) { try NPY.read(npy(header: text)) }
        }
    }

    /// Exactly at the limit the parser still parses (and the header is then refused for what it says).
    func testNestingUpToTheLimitParses() {
        func header(depth: Int) -> String {
            // Dictionary (level 1) + (depth - 1) nested tuples as the shape's only extent.
            "{'descr': '<f4', 'fortran_order': False, 'shape': " + String(repeating: "(", count: depth - 1) + "1"
                + String(repeating: ",)", count: depth - 1) + ", }"
        }
        assertCodecsFormatError(.corrupt, containing: ["shape has a non-integer or negative extent"]) {
            try NPY.read(npy(header: header(depth: 128)))
        }
        assertCodecsFormatError(.corrupt, containing: ["the limit is 128"]) { try NPY.read(npy(header: header(depth: 129))) }
    }

    /// A hostile header's text is quoted only in part: the message stays short.
    func testLongHeaderIsQuotedInPart() {
        let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'junk': '" + String(repeating: "x", count: 60_000) + "'}"
        do {
            _ = try NPY.read(npy(header: text))
            XCTFail("expected an error")
        } catch {
            XCTAssertLessThan(error.description.count, 600, error.description)
            XCTAssertTrue(error.description.contains("unexpected key 'junk'"), error.description)
        }
    }

    // MARK: - Reads bounded by the header's promise

    /// A gzip-compressed IDX file is inflated only as far as its header promises: 10 bytes promised, 5 MB
    /// of zeros compressed behind them, refused once past the promise (not at the 1 GiB default ceiling).
    func testGzipIDXIsBoundedByItsHeader() throws {
        let directory = try CodecsFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bomb = directory.appendingPathComponent("bomb-idx1-ubyte.gz")
        let payload: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2] + [UInt8](repeating: 0, count: 5_000_000)
        try Data(DeflateEncoder.gzip(payload)).write(to: bomb)
        XCTAssertLessThan(try Data(contentsOf: bomb).count, 10_000)
        assertCodecsFormatError(.corrupt, containing: [bomb.path, "longer than the 10 bytes its header promises"]) {
            try IDX.read(contentsOf: bomb)
        }

        // A header promising more than the caller allows is refused before inflating the data.
        let large = directory.appendingPathComponent("large-idx1-ubyte.gz")
        try Data(DeflateEncoder.gzip([0, 0, 8, 1, 0, 0, 0x10, 0] + [UInt8](repeating: 7, count: 4096))).write(to: large)
        assertCodecsFormatError(.decompression, containing: [large.path, "promises 4104 bytes", "shape [4096] of uint8",
                                                             "more than maxDecompressedSize (4000 bytes)"]) {
            try IDX.read(contentsOf: large, maxDecompressedSize: 4000)
        }
        XCTAssertEqual(try IDX.read(contentsOf: large, maxDecompressedSize: 4104).shape, [4096])

        // Honest files still read, and a stream shorter than promised is reported as truncated.
        let short = directory.appendingPathComponent("short-idx1-ubyte.gz")
        try Data(DeflateEncoder.gzip([0, 0, 8, 1, 0, 0, 0, 9, 1, 2, 3])).write(to: short)
        assertCodecsFormatError(.truncated, containing: ["needs 9 bytes from byte offset 8", "found 3"]) { try IDX.read(contentsOf: short) }
    }

    /// A zip member that inflates past the size its central directory declares is refused at that size.
    func testNPZMemberIsBoundedByItsDeclaredSize() throws {
        let member = NPY.encode(NumericArray(Tensor<Float>.zeros([1000])))
        var archive = try ZipWriter.archive([("x.npy", member)], method: .deflated)
        // The central directory's uncompressed size (offset 24 of its record) claims 100 bytes.
        let directory = try XCTUnwrap((0..<(archive.count - 4)).last {
            archive[$0] == 0x50 && archive[$0 + 1] == 0x4B && archive[$0 + 2] == 1 && archive[$0 + 3] == 2
        })
        archive.replaceSubrange((directory + 24)..<(directory + 28), with: [100, 0, 0, 0])
        do {
            _ = try ZipArchive(archive, fileName: "bomb.npz").extract(named: "x.npy")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .sizeMismatch)
            XCTAssertTrue(error.description.contains("inflates to more than the 100 bytes the central directory declares"), error.description)
        }
    }

    // MARK: - CSV cells

    /// `1\0` once read as 1 (C's number parser stops at the NUL); a NUL byte in any field is an error.
    func testNULByteInACSVFieldIsAnError() {
        let numeric = "a,b\n1,2\n1\u{0},3\n"
        assertCodecsFormatError(.invalidValue, containing: ["t.csv", "line 3, column 1", "NUL byte (0x00) at byte offset 9"]) {
            try CSV.readNumeric(bytes: Array(numeric.utf8), as: Float.self, fileName: "t.csv")
        }
        assertCodecsFormatError(.invalidValue, containing: ["line 2, column 2", "NUL byte"]) {
            try CSV.readTable(text: "path,label\nimg.png,\"c\u{0}at\"\n")
        }
        // A file whose tail a crash zero-filled.
        assertCodecsFormatError(.invalidValue, containing: ["line 3, column 1", "zero-filled by a crash"]) {
            try CSV.readNumeric(bytes: Array("x\n1\n".utf8) + [UInt8](repeating: 0, count: 4096), as: Double.self, fileName: nil)
        }
    }

    /// `1e39` does not fit a Float: an error by default, `inf` recorded in `overflowed` on request
    /// (numpy's `loadtxt` stores inf silently; `genfromtxt` stores inf with "RuntimeWarning: overflow
    /// encountered in cast").
    func testNumbersBeyondTheTypesRangeAreAnErrorOrRecorded() throws {
        let text = "a,b\n1e39,2\n-3.5e38,inf\n"
        assertCodecsFormatError(.invalidValue, containing: ["line 2, column 1 ('a')", "number '1e39' is out of the range of Float",
                                                            "3.4028235e+38", "overflow: .infinity"]) {
            try CSV.readNumeric(text: text, as: Float.self)
        }
        let lenient = try CSV.readNumeric(text: text, as: Float.self, options: CSVOptions(overflow: .infinity))
        XCTAssertEqual(lenient.values.scalars, [.infinity, 2, -.infinity, .infinity])
        XCTAssertEqual(lenient.overflowed, [CSVPosition(line: 2, column: 1), CSVPosition(line: 3, column: 1)])
        // The same text fits a Double; an explicit "inf" is never an overflow.
        let double = try CSV.readNumeric(text: text, as: Double.self)
        XCTAssertEqual(double.values.scalars, [1e39, 2, -3.5e38, .infinity])
        XCTAssertEqual(double.overflowed, [])
        assertCodecsFormatError(.invalidValue, containing: ["'1e400' is out of the range of Double"]) {
            try CSV.readNumeric(text: "x\n1e400\n", as: Double.self)
        }
        // Underflow rounds to zero (as in numpy): not an error.
        XCTAssertEqual(try CSV.readNumeric(text: "x\n1e-50\n", as: Float.self).values.scalars, [0])
    }
}
