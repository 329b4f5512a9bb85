import XCTest
#if canImport(Glibc)
import Glibc
#endif
import SwiftLearnCompression
import SwiftLearnData
import SwiftLearnNN
import SwiftLearnSystem
import SwiftLearnTensor
import SwiftLearnTestSupport

/// One rule for every loader: only regular files are read (a FIFO named `x.npy` once hung the loader
/// forever, `/dev/zero` grew memory without bound), and every read is bounded by what the header
/// promises, checked before allocating.
final class HostileFileTests: XCTestCase {
    /// Every public entry point that reads a file, by name.
    static let loaders: [(name: String, load: @Sendable (String) throws -> Void)] = [
        ("NPY.read", { _ = try NPY.read(contentsOf: URL(fileURLWithPath: $0)) }),
        ("NPY.readTensor", { _ = try NPY.readTensor(contentsOf: URL(fileURLWithPath: $0), as: Float.self) }),
        ("NPZ.read", { _ = try NPZ.read(contentsOf: URL(fileURLWithPath: $0)) }),
        ("IDX.read", { _ = try IDX.read(contentsOf: URL(fileURLWithPath: $0)) }),
        ("IDX.readTensor", { _ = try IDX.readTensor(contentsOf: URL(fileURLWithPath: $0), as: UInt8.self) }),
        ("CSV.readNumeric", { _ = try CSV.readNumeric(contentsOf: URL(fileURLWithPath: $0), as: Float.self) }),
        ("CSV.readTable", { _ = try CSV.readTable(contentsOf: URL(fileURLWithPath: $0)) }),
        ("MNIST.loadCSV", { _ = try MNIST.loadCSV(contentsOf: URL(fileURLWithPath: $0)) }),
        ("BostonHousing.loadData", { _ = try BostonHousing.loadData(contentsOf: URL(fileURLWithPath: $0), as: Float.self) }),
        ("Gzip.decompress", { _ = try Gzip.decompress(contentsOf: URL(fileURLWithPath: $0)) }),
        ("ZipArchive", { _ = try ZipArchive(contentsOf: URL(fileURLWithPath: $0)) }),
        ("loadModel", { _ = try loadModel($0) }),
        ("loadWeights", { path in
            let model = Sequential { Dense(2, inputShape: [3]) }
            try model.build(inputShape: [3])
            try model.loadWeights(path)
        }),
    ]

    func testEveryLoaderRefusesFIFOsAndDevicesWithoutReading() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("x.npy").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for (path, kind) in [(fifo, "is a FIFO (named pipe), expected a regular file"),
                             ("/dev/zero", "is a character device, expected a regular file"),
                             (directory.path, "is a directory, expected a regular file")] {
            for (name, load) in Self.loaders {
                XCTAssertThrowsError(try load(path), "\(name) \(path)") { error in
                    XCTAssertTrue("\(error)".contains("\(path): \(kind)"), "\(name): \(error)")
                }
            }
        }
    }

    /// Headers promising more data than the file holds are refused before anything that size is allocated
    /// (each claims gigabytes from a file of a few dozen bytes).
    func testHeadersPromisingMoreThanTheFileHoldsAreRefused() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String, _ bytes: [UInt8]) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try FileIO.writeAtomically(bytes, toPath: path)
            return path
        }
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 30), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        let npy = try file("big.npy", [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header + [UInt8](repeating: 0, count: 64))
        XCTAssertThrowsError(try NPY.read(contentsOf: URL(fileURLWithPath: npy))) { error in
            XCTAssertTrue("\(error)".contains("needs 12000000000 bytes from byte offset 128, the file has 64"), "\(error)")
        }
        let idx = try file("big-idx3-ubyte", [0, 0, 0x0D, 3, 0, 0x98, 0x96, 0x80, 0, 0, 0x03, 0xE8, 0, 0, 0x03, 0xE8, 1, 2, 3, 4])
        XCTAssertThrowsError(try IDX.read(contentsOf: URL(fileURLWithPath: idx))) { error in
            XCTAssertTrue("\(error)".contains("shape [10000000, 1000, 1000] of float32 needs 40000000000000 bytes"), "\(error)")
        }
        let safetensors = try file("big.safetensors", [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0x7B, 0x7D])
        XCTAssertThrowsError(try loadModel(safetensors)) { error in
            XCTAssertTrue("\(error)".contains("says 2147483647 bytes of JSON, more than the format's limit"), "\(error)")
        }
        let weights = try file("big-tensor.safetensors", Array(#"        {"a":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}"#.utf8))
        var fixed = try FileIO.readAll(path: weights)
        fixed.replaceSubrange(0..<8, with: [UInt8(fixed.count - 8), 0, 0, 0, 0, 0, 0, 0])
        try FileIO.writeAtomically(fixed, toPath: weights)
        XCTAssertThrowsError(try loadModel(weights)) { error in
            XCTAssertTrue("\(error)".contains("tensor 'a' needs data bytes 0..<4000000000"), "\(error)")
            XCTAssertTrue("\(error)".contains("the file has only 0 data bytes"), "\(error)")
        }
    }
}
