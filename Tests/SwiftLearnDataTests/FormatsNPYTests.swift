import XCTest
import Foundation
@testable import SwiftLearnData
import SwiftLearnTensor

/// `.npy` files written by numpy (Fixtures/codecs/make_fixtures.py), compared with what numpy reads back.
final class FormatsNPYTests: XCTestCase {
    let numpyDTypes: [String: NumericDType] = [
        "bool": .bool, "int8": .int8, "uint8": .uint8, "int16": .int16, "uint16": .uint16, "int32": .int32,
        "uint32": .uint32, "int64": .int64, "uint64": .uint64, "float32": .float32, "float64": .float64,
    ]

    func testEveryFixtureMatchesNumpy() throws {
        let names = ["f4_c.npy", "f8_fortran.npy", "i4_fortran_2d.npy", "i4_big.npy", "f8_big.npy", "f4_big_fortran.npy",
                     "i8.npy", "i8_big_values.npy", "u1.npy", "i1.npy", "u2.npy", "i2_big.npy", "b1.npy", "u4.npy",
                     "scalar_f8.npy", "empty_f4.npy", "rank4_u1.npy", "v2_f4.npy", "v3_i2.npy", "nan_f8.npy"]
        for name in names {
            let expected = try CodecsFixtures.expectation(name)
            let array = try NPY.read(contentsOf: CodecsFixtures.url(name))
            XCTAssertEqual(array.shape, expected.shape, name)
            // numpy prints non-native byte orders as '>i4' etc.
            let dtypeName = expected.dtype.hasPrefix(">") ? String(expected.dtype.dropFirst()) : expected.dtype
            let bigEndianNames = ["i2": "int16", "i4": "int32", "i8": "int64", "f4": "float32", "f8": "float64", "u2": "uint16"]
            XCTAssertEqual(array.dtype, numpyDTypes[bigEndianNames[dtypeName] ?? dtypeName], name)
            assertCodecsSameDoubles(array.doubles, expected.values, name)
        }
    }

    func testUInt64BeyondDoublePrecision() throws {
        let array = try NPY.read(contentsOf: CodecsFixtures.url("u8.npy"))
        XCTAssertEqual(array.storage, .uint64([0, UInt64.max]))
        let int64 = try NPY.read(contentsOf: CodecsFixtures.url("i8_big_values.npy"))
        XCTAssertEqual(int64.storage, .int64([1, 1 << 62]))
    }

    func testTensorConversions() throws {
        let f4: Tensor<Float> = try NPY.readTensor(contentsOf: CodecsFixtures.url("f4_c.npy"), as: Float.self)
        XCTAssertEqual(f4.shape, [3, 4])
        XCTAssertEqual(f4.scalars, (0..<12).map { Float($0) * 0.5 - 1 })
        // Fortran order comes back row-major: element [i, j] of arange(15).reshape(3, 5) - 7.
        let fortran = try NPY.readTensor(contentsOf: CodecsFixtures.url("i4_fortran_2d.npy"), as: Int32.self)
        XCTAssertEqual(fortran.shape, [3, 5])
        XCTAssertEqual(fortran[2, 1], 2 * 5 + 1 - 7)
        // Integer sources convert to Double exactly; uint8 to Float exactly.
        XCTAssertEqual(try NPY.readTensor(contentsOf: CodecsFixtures.url("i8.npy"), as: Double.self).scalars,
                       [0, -1, 1_099_511_627_776, -9_007_199_254_740_992, 7])
        XCTAssertEqual(try NPY.readTensor(contentsOf: CodecsFixtures.url("u1.npy"), as: UInt8.self)[3, 3], 255)
        XCTAssertEqual(try NPY.readTensor(contentsOf: CodecsFixtures.url("b1.npy"), as: UInt8.self).scalars, [1, 0, 1, 0, 0, 1])
        // Integral floats fit integer targets.
        XCTAssertEqual(try NPY.readTensor(contentsOf: CodecsFixtures.url("i2_big.npy"), as: Int32.self).scalars, [-32768, -1, 0, 32767])
    }

    func testLossyConversionsAreRefused() throws {
        assertCodecsFormatError(.invalidValue, containing: ["i8.npy", "element 1 (index [1])", "int64 value -1", "uint8"]) {
            try NPY.readTensor(contentsOf: CodecsFixtures.url("i8.npy"), as: UInt8.self)
        }
        assertCodecsFormatError(.invalidValue, containing: ["element 2", "1099511627776", "int32"]) {
            try NPY.readTensor(contentsOf: CodecsFixtures.url("i8.npy"), as: Int32.self)
        }
        assertCodecsFormatError(.invalidValue, containing: ["element 0", "float32 value 0.5"]) {
            try NPY.readTensor(contentsOf: CodecsFixtures.url("f4_float_values.npy"), as: Int32.self)
        }
        assertCodecsFormatError(.invalidValue, containing: ["element 0", "nan"]) {
            try NPY.readTensor(contentsOf: CodecsFixtures.url("nan_f8.npy"), as: UInt8.self)
        }
    }

    func testWriterMatchesNumpyBytes() throws {
        // numpy.save output for C-ordered little-endian arrays, byte for byte (header text, padding, data).
        for name in ["f4_c.npy", "i8.npy", "u1.npy", "i1.npy", "u2.npy", "b1.npy", "u4.npy", "u8.npy", "scalar_f8.npy",
                     "empty_f4.npy", "rank4_u1.npy", "nan_f8.npy"] {
            let original = [UInt8](try Data(contentsOf: CodecsFixtures.url(name)))
            let array = try NPY.read(original)
            XCTAssertEqual(NPY.encode(array), original, "\(name): our encoding differs from numpy.save")
        }
        // A tensor encodes like the numpy array of the same dtype.
        let tensor = try Tensor<Float>(shape: [3, 4], scalars: (0..<12).map { Float($0) * 0.5 - 1 })
        XCTAssertEqual(NPY.encode(tensor), [UInt8](try Data(contentsOf: CodecsFixtures.url("f4_c.npy"))))
    }

    func testAtomicWriteAndNumpyReadsItBack() throws {
        let directory = try CodecsFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("written.npy")
        let tensor = try Tensor<Double>(shape: [2, 3], scalars: [1.5, -2, 3.25, .pi, -0.0, 1e-300])
        try NPY.write(tensor, to: url)
        try NPY.write(tensor, to: url)  // overwrite in place
        XCTAssertEqual(try NPY.readTensor(contentsOf: url, as: Double.self), tensor)
        // No temporary files are left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["written.npy"])
        let output = try runCodecsNumpy("import numpy as np; a = np.load('\(url.path)'); print(a.dtype, a.shape, repr(a.ravel().tolist()))")
        XCTAssertEqual(output, "float64 (2, 3) [1.5, -2.0, 3.25, 3.141592653589793, -0.0, 1e-300]")

        let int32URL = directory.appendingPathComponent("labels.npy")
        try NPY.write(Tensor<Int32>([3, -1, 2_000_000_000]), to: int32URL)
        XCTAssertEqual(try runCodecsNumpy("import numpy as np; a = np.load('\(int32URL.path)'); print(a.dtype, a.tolist())"),
                       "int32 [3, -1, 2000000000]")
    }

    func testWriteIntoMissingDirectoryFailsCleanly() throws {
        let url = URL(fileURLWithPath: "/nonexistent-swiftlearn-dir/x.npy")
        assertCodecsFormatError(.io, containing: ["/nonexistent-swiftlearn-dir/x.npy", "cannot create a temporary file in /nonexistent-swiftlearn-dir"]) {
            try NPY.write(Tensor<Float>([1]), to: url)
        }
    }

    func testMalformedFiles() throws {
        let original = [UInt8](try Data(contentsOf: CodecsFixtures.url("f4_c.npy")))
        assertCodecsFormatError(.corrupt, containing: ["byte offset 0", "not an NPY file"]) {
            try NPY.read(Array("PK\u{03}\u{04}not npy".utf8), fileName: "x.npy")
        }
        assertCodecsFormatError(.truncated, containing: ["x.npy", "truncated NPY data", "needs 48 bytes", "has 47"]) {
            try NPY.read(Array(original.dropLast()), fileName: "x.npy")
        }
        assertCodecsFormatError(.corrupt, containing: ["1 unexpected bytes"]) { try NPY.read(original + [0], fileName: "x.npy") }
        assertCodecsFormatError(.truncated, containing: ["header announces"]) { try NPY.read(Array(original.prefix(40))) }
        var version = original
        version[6] = 4
        assertCodecsFormatError(.unsupported, containing: ["byte offset 6", "version 4.0"]) { try NPY.read(version) }

        func withHeader(_ text: String) -> [UInt8] {
            var header = Array(text.utf8)
            while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
            header.append(0x0A)
            return NPY.magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + [UInt8](repeating: 0, count: 8)
        }
        assertCodecsFormatError(.unsupported, containing: ["dtype '<c16'", "supported"]) {
            try NPY.read(withHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }"))
        }
        assertCodecsFormatError(.unsupported, containing: ["structured"]) {
            try NPY.read(withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }"))
        }
        assertCodecsFormatError(.corrupt, containing: ["byte offset 128", "not a valid Python literal", "unexpected end at character 118"]) {
            try NPY.read(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), "))
        }
        assertCodecsFormatError(.corrupt, containing: ["no boolean 'fortran_order'"]) {
            try NPY.read(withHeader("{'descr': '<f8', 'shape': (1,), }"))
        }
        // Python 2 long-integer shapes still parse.
        XCTAssertEqual(try NPY.read(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1L,), }")).shape, [1])
    }
}
