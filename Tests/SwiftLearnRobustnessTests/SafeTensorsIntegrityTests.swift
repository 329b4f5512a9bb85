import XCTest
import SwiftLearnSystem
import SwiftLearnTensor
import SwiftLearnTestSupport
@testable import SwiftLearnNN

/// Model and weight files (safetensors): CRC-32 per tensor, the format's layout rules (no overlapping
/// tensors, no holes), errors that name the same tensor on every run, and messages that name the right
/// field. Crafted files are made here, a few hundred bytes each.
final class SafeTensorsIntegrityTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/safetensors")

    var directory: String!

    override func setUpWithError() throws {
        directory = try TestFiles.temporaryDirectory(name).path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A safetensors file from header text and data bytes (header padded with spaces to 8 bytes).
    static func file(header: String, data: [UInt8]) -> [UInt8] {
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var length = UInt64(headerBytes.count).littleEndian
        return withUnsafeBytes(of: &length, Array.init) + headerBytes + data
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = directory + "/" + name
        try FileIO.writeAtomically(bytes, toPath: path)
        return path
    }

    func assertLoadError(_ path: String, _ fragments: [String], absent: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors(path: path), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(path + ": "), message, file: file, line: line)
            for fragment in fragments { XCTAssertTrue(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line) }
            for fragment in absent { XCTAssertFalse(message.contains(fragment), "'\(message)' mentions '\(fragment)'", file: file, line: line) }
        }
    }

    static let weights: [(name: String, shape: [Int], values: [Float])] = [
        ("dense/kernel", [3, 2], [0.5, -1.25, 2.0, 0.125, -3.5, 4.0]), ("dense/bias", [2], [0.25, -0.75]),
        ("dense_1/kernel", [2, 1], [1.5, -2.5]), ("dense_1/bias", [1], [0.0625]),
    ]

    static func encode(_ tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String],
                       checksums: Bool = true) -> [UInt8] {
        func go(_ index: Int, _ buffers: [UnsafeBufferPointer<Float>]) -> [UInt8] {
            guard index < tensors.count else {
                return SafeTensors.encode(zip(tensors, buffers).map { ($0.0.name, $0.0.shape, $0.1) }, metadata: metadata, checksums: checksums)
            }
            return tensors[index].values.withUnsafeBufferPointer { go(index + 1, buffers + [$0]) }
        }
        return go(0, [])
    }

    static func smallModel() throws -> Sequential {
        let model = Sequential {
            Dense(2, activation: .tanh, inputShape: [3], name: "dense")
            Dense(1, name: "dense_1")
        }
        try model.build(inputShape: [3])
        return model
    }

    // MARK: - CRC-32

    /// Python's `safetensors` with zlib's CRC-32 in the metadata (make_fixtures.py) writes what SwiftLearn
    /// writes, up to the order of the metadata entries (the Rust writer keeps them in a hash map), and
    /// SwiftLearn loads it.
    func testWriterMatchesPythonWithZlibChecksums() throws {
        let pythonPath = Self.fixtures.appendingPathComponent("python_crc32.safetensors").path
        let python = try FileIO.readAll(path: pythonPath)
        let ours = Self.encode(Self.weights, metadata: ["format": "swiftlearn.weights"])
        XCTAssertEqual(ours.count, python.count)
        XCTAssertEqual(ours.suffix(44), python.suffix(44), "the data sections")
        let oursPath = try write(ours, "ours.safetensors")
        let (pythonFile, ourFile) = (try SafeTensors(path: pythonPath), try SafeTensors(path: oursPath))
        XCTAssertEqual(ourFile.metadata, pythonFile.metadata)
        XCTAssertEqual(ourFile.metadata["crc32/dense/kernel"], "72e9cb80")
        XCTAssertEqual(ourFile.namesInFileOrder, pythonFile.namesInFileOrder)
        for name in pythonFile.namesInFileOrder {
            let (a, b) = (ourFile.entries[name]!, pythonFile.entries[name]!)
            XCTAssertEqual([a.begin, a.end] + a.shape, [b.begin, b.end] + b.shape, name)
        }
        let model = try Self.smallModel()
        try model.loadWeights(pythonPath)
        XCTAssertEqual(model.getWeights().map(\.scalars), Self.weights.map(\.values))
    }

    /// What `save` writes, checked in Python with numpy and zlib only: every tensor's CRC-32 in the
    /// metadata is zlib's CRC-32 of its bytes, and the data section is exactly covered.
    func testSavedModelChecksumsMatchZlib() throws {
        let python = try CrossCheck.python(modules: ["numpy"])
        let model = try Self.smallModel()
        try model.compile(optimizer: .adam(learningRate: 0.01), loss: .meanSquaredError)
        let x = try Tensor<Float>(shape: [4, 3], scalars: (0..<12).map { Float($0) / 7 })
        let y = try Tensor<Float>(shape: [4, 1], scalars: [0.5, -1, 2, 0])
        try model.fit(x, y, epochs: 2, batchSize: 2, shuffle: false, verbose: 0)
        let path = directory + "/model.safetensors"
        try model.save(path)
        let output = try CrossCheck.run(python, script: """
            import json, struct, sys, zlib
            data = open(sys.argv[1], "rb").read()
            (n,) = struct.unpack("<Q", data[:8])
            header = json.loads(data[8:8 + n])
            metadata = header.pop("__metadata__")
            end, checked = 0, 0
            for name, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"]):
                begin, stop = info["data_offsets"]
                assert begin == end, (name, begin, end)
                assert metadata["crc32/" + name] == format(zlib.crc32(data[8 + n + begin:8 + n + stop]), "08x"), name
                end, checked = stop, checked + 1
            assert 8 + n + end == len(data)
            assert len([k for k in metadata if k.startswith("crc32/")]) == checked
            print(checked)
            """, arguments: [path])
        // 4 weights plus Adam's two slots for each.
        XCTAssertEqual(output, "12")
    }

    /// One flipped bit in a tensor's data is caught on load, naming the tensor, in weight files and in
    /// whole-model files (optimizer state included).
    func testFlippedBitNamesTheDamagedTensor() throws {
        let model = try Self.smallModel()
        let path = directory + "/w.safetensors"
        try model.saveWeights(path)
        let file = try SafeTensors(path: path)
        let entry = try XCTUnwrap(file.entries["dense_1/kernel"])
        var bytes = try FileIO.readAll(path: path)
        let headerEnd = bytes.count - file.data.count
        bytes[headerEnd + entry.begin + 5] ^= 0x10
        let damaged = try write(bytes, "damaged.safetensors")
        assertLoadError(damaged, ["tensor 'dense_1/kernel' (file bytes \(headerEnd + entry.begin)..<\(headerEnd + entry.end)) is damaged",
                                  "its data has CRC-32", "the file's metadata 'crc32/dense_1/kernel' says \(file.metadata["crc32/dense_1/kernel"]!)"])
        XCTAssertThrowsError(try Self.smallModel().loadWeights(damaged))

        try model.compile(optimizer: .adam(learningRate: 0.01), loss: .meanSquaredError)
        let x = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        try model.fit(x, try Tensor<Float>(shape: [2, 1], scalars: [1, 0]), epochs: 1, verbose: 0)
        let modelPath = directory + "/m.safetensors"
        try model.save(modelPath)
        let saved = try SafeTensors(path: modelPath)
        let slot = try XCTUnwrap(saved.namesInFileOrder.last)
        XCTAssertTrue(slot.hasPrefix("optimizer/"), slot)
        var modelBytes = try FileIO.readAll(path: modelPath)
        modelBytes[modelBytes.count - 1] ^= 0x01
        let damagedModel = try write(modelBytes, "damaged-model.safetensors")
        XCTAssertThrowsError(try loadModel(damagedModel)) { error in
            XCTAssertTrue("\(error)".contains("tensor '\(slot)'"), "\(error)")
            XCTAssertTrue("\(error)".contains("is damaged"), "\(error)")
        }
    }

    /// Files without CRCs (older SwiftLearn files, Python's) still load; CRC metadata that cannot be
    /// right is an error.
    func testChecksumsAreOptionalButMustBeWellFormed() throws {
        let plain = try write(Self.encode(Self.weights, metadata: ["format": "swiftlearn.weights"], checksums: false), "plain.safetensors")
        let model = try Self.smallModel()
        try model.loadWeights(plain)
        XCTAssertEqual(model.getWeights().map(\.scalars), Self.weights.map(\.values))

        let notHex = try write(Self.encode(Self.weights, metadata: ["crc32/dense/bias": "12345xyz"], checksums: false), "nothex.safetensors")
        assertLoadError(notHex, ["metadata 'crc32/dense/bias' is \"12345xyz\", expected 8 hexadecimal digits"])
        let orphan = try write(Self.encode(Self.weights, metadata: ["crc32/dense_2/bias": "00000000"]), "orphan.safetensors")
        assertLoadError(orphan, ["metadata 'crc32/dense_2/bias' holds the CRC-32 of a tensor 'dense_2/bias' the file does not contain"])
    }

    // MARK: - Layout

    func testOverlappingTensorsAreRefused() throws {
        let shared = try write(Self.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                                         data: [0, 0, 128, 63]), "shared.safetensors")
        assertLoadError(shared, ["tensors 'a' (data bytes 0..<4) and 'b' (data bytes 0..<4) overlap"])
        let partial = try write(Self.file(header: #"{"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                                          data: [UInt8](repeating: 0, count: 12)), "partial.safetensors")
        assertLoadError(partial, ["tensors 'a' (data bytes 0..<8) and 'b' (data bytes 4..<12) overlap"])
    }

    func testHolesAndTrailingBytesAreRefused() throws {
        let hole = try write(Self.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                                       data: [UInt8](repeating: 0, count: 12)), "hole.safetensors")
        assertLoadError(hole, ["data bytes 4..<8", "before tensor 'b' belong to no tensor"])
        let trailing = try write(Self.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                                           data: [UInt8](repeating: 0, count: 7)), "trailing.safetensors")
        assertLoadError(trailing, ["3 bytes after the last tensor's data", "no trailing data"])
        let size = try write(Self.file(header: #"{"a":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}}"#,
                                       data: [UInt8](repeating: 0, count: 4)), "size.safetensors")
        assertLoadError(size, ["tensor 'a'", "dtype BF16 and shape (3,) needs 6 bytes, its data_offsets [0, 4] span 4"])
        let huge = try write([0, 0xC2, 0xEB, 0x0B, 0, 0, 0, 0, 0x7B, 0x7D], "huge.safetensors")
        assertLoadError(huge, ["says 200000000 bytes of JSON, more than the format's limit of 100000000"])
    }

    /// A truncated file names the first tensor (in data order) that runs past the end, whatever the
    /// order of the header's keys (the old reader named whichever its dictionary visited first).
    func testTruncationErrorNamesTheSameTensorWhateverTheKeyOrder() throws {
        var random = SplitMix64(seed: 13)
        let names = (0..<20).map { "layer_\($0)/kernel" }
        var messages = Set<String>()
        for round in 0..<5 {
            var order = names
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(index, Int(random.next() % UInt64(index + 1)))
            }
            let fields = order.map { name in
                let index = names.firstIndex(of: name)!
                return "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[\(16 * index),\(16 * index + 16)]}"
            }
            // 20 tensors of 16 bytes; the file keeps 150 of the 320 data bytes, so tensors 9...19 are all cut.
            let path = try write(Self.file(header: "{" + fields.joined(separator: ",") + "}", data: [UInt8](repeating: 0, count: 150)),
                                 "cut-\(round).safetensors")
            XCTAssertThrowsError(try SafeTensors(path: path)) { error in
                messages.insert("\(error)".replacingOccurrences(of: "cut-\(round)", with: "cut"))
            }
        }
        XCTAssertEqual(messages.count, 1, "\(messages)")
        XCTAssertTrue(messages.first?.contains("tensor 'layer_9/kernel' needs data bytes 144..<160") == true, "\(messages)")
    }

    // MARK: - Field messages

    /// Each malformed field is named as itself (a float `data_offsets` was once reported against `shape`).
    func testMalformedFieldsAreNamed() throws {
        let float = try write(Self.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0.5,4]}}"#, data: [0, 0, 0, 0]), "float.safetensors")
        assertLoadError(float, ["tensor 'a' (header byte 9): 'data_offsets' must be two non-negative integers", "found [0.5,4]"], absent: ["'shape'"])
        let shape = try write(Self.file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "shape.safetensors")
        assertLoadError(shape, ["'shape' must be a list of non-negative integers, found [-1]"], absent: ["data_offsets"])
        let dtype = try write(Self.file(header: #"{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "dtype.safetensors")
        assertLoadError(dtype, ["'dtype' must be a string such as \"F32\", found 4"])
        let metadata = try write(Self.file(header: #"{"__metadata__":{"format":1}}"#, data: []), "metadata.safetensors")
        assertLoadError(metadata, ["'__metadata__' (header byte 9) entry 'format' must be a string, found 1"])
        let duplicate = try write(Self.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                                            data: [0, 0, 0, 0]), "duplicate.safetensors")
        assertLoadError(duplicate, ["header (JSON at bytes 8..<", "invalid at byte 62: duplicate key \"a\""])
        // Unknown fields and metadata keys are ignored, as in Python.
        let extra = try write(Self.file(header: #"{"__metadata__":{"note":"hi"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":[1]}}"#,
                                        data: [0, 0, 128, 63]), "extra.safetensors")
        XCTAssertEqual(try SafeTensors(path: extra).floats("a"), [1])
    }

    /// `build_input_shape` that is present but out of range is reported as such, not as missing.
    func testOutOfRangeBuildInputShapeIsNotReportedAsMissing() throws {
        func modelFile(_ architecture: String) throws -> String {
            try write(Self.encode([], metadata: ["format": "swiftlearn.model", "architecture": architecture]), "arch.safetensors")
        }
        let outOfRange = try modelFile(#"{"class_name":"Sequential","name":"m","build_input_shape":[1e20],"layers":[]}"#)
        XCTAssertThrowsError(try loadModel(outOfRange)) { error in
            XCTAssertTrue("\(error)".contains("has build_input_shape [1e+20], expected a non-empty list of positive integers"), "\(error)")
            XCTAssertFalse("\(error)".contains("lacks"), "\(error)")
        }
        let missing = try modelFile(#"{"class_name":"Sequential","name":"m","layers":[]}"#)
        XCTAssertThrowsError(try loadModel(missing)) { error in
            XCTAssertTrue("\(error)".contains("metadata 'architecture' lacks build_input_shape"), "\(error)")
        }
    }
}
