import XCTest
import SwiftLearnTensor
@testable import SwiftLearnNN
import SwiftLearnSystem

final class SavingTests: XCTestCase {
    private func smallModel(_ seed: UInt32, names: Bool = true) -> Sequential {
        setRandomSeed(seed)
        return Sequential {
            Dense(2, activation: .tanh, inputShape: [3], name: names ? "dense" : nil)
            Dense(1, name: names ? "dense_1" : nil)
        }
    }

    /// A file written by Python's `safetensors.numpy.save_file` (keys only) loads by name.
    func testLoadsWeightsWrittenByPython() throws {
        let model = smallModel(1)
        try model.loadWeights(fixturesDirectory + "/python_weights.safetensors")
        XCTAssertEqual(model.getWeights().map(\.scalars), [[0.5, -1.25, 2.0, 0.125, -3.5, 4.0], [0.25, -0.75], [1.5, -2.5], [0.0625]])
    }

    /// The writer lays out header and data exactly like Python's safetensors (sorted keys, metadata
    /// first, compact JSON, space padding to 8 bytes).
    func testWriterMatchesPythonBytes() throws {
        let python = try FileIO.readAll(path: fixturesDirectory + "/python_with_metadata.safetensors")
        let tensors: [(String, [Int], [Float])] = [
            ("dense/kernel", [3, 2], [0.5, -1.25, 2.0, 0.125, -3.5, 4.0]), ("dense/bias", [2], [0.25, -0.75]),
            ("dense_1/kernel", [2, 1], [1.5, -2.5]), ("dense_1/bias", [1], [0.0625]),
        ]
        let encoded = tensors[0].2.withUnsafeBufferPointer { a in
            tensors[1].2.withUnsafeBufferPointer { b in
                tensors[2].2.withUnsafeBufferPointer { c in
                    tensors[3].2.withUnsafeBufferPointer { d in
                        SafeTensors.encode([(tensors[0].0, tensors[0].1, a), (tensors[1].0, tensors[1].1, b),
                                            (tensors[2].0, tensors[2].1, c), (tensors[3].0, tensors[3].1, d)],
                                           metadata: ["format": "swiftlearn.weights"], checksums: false)
                    }
                }
            }
        }
        XCTAssertEqual(encoded, python)
    }

    func testSaveWeightsRoundTripMatchesByPosition() throws {
        let directory = temporaryDirectory()
        let source = smallModel(2, names: false)
        try source.build(inputShape: [3])
        try source.saveWeights(directory + "/w.safetensors")
        // Other automatic names (dense_5, ...) still load: weights match by position, as in Keras.
        let target = smallModel(3, names: false)
        XCTAssertNotEqual(target.layers[0].name, source.layers[0].name)
        try target.loadWeights(directory + "/w.safetensors")
        XCTAssertEqual(target.getWeights(), source.getWeights())
        let file = try SafeTensors(path: directory + "/w.safetensors")
        XCTAssertEqual(Set(file.entries.keys), Set(source.weightPaths))
    }

    func testLoadErrorsNameTheFileAndTheMismatch() throws {
        let directory = temporaryDirectory()
        let path = directory + "/w.safetensors"
        let model = smallModel(4)
        try model.saveWeights(path)
        // Another architecture.
        let wider = Sequential { Dense(5, inputShape: [3]); Dense(1) }
        assertThrowsMessage([path, "(3, 2)", "(3, 5)"]) { try wider.loadWeights(path) }
        let deeper = Sequential { Dense(2, inputShape: [3]); Dense(2); Dense(1) }
        assertThrowsMessage([path, "holds 4 weights", "has 6"]) { try deeper.loadWeights(path) }
        // Truncated.
        let bytes = try FileIO.readAll(path: path)
        try FileIO.writeAtomically(Array(bytes[0..<(bytes.count - 10)]), toPath: directory + "/cut.safetensors")
        assertThrowsMessage([directory + "/cut.safetensors", "truncated"]) { try model.loadWeights(directory + "/cut.safetensors") }
        try FileIO.writeAtomically(Array(bytes[0..<5]), toPath: directory + "/tiny.safetensors")
        assertThrowsMessage(["tiny.safetensors", "truncated", "5 bytes"]) { try model.loadWeights(directory + "/tiny.safetensors") }
        try FileIO.writeAtomically(Array(bytes[0..<40]), toPath: directory + "/header.safetensors")
        assertThrowsMessage(["header.safetensors", "header length at byte 0"]) { try model.loadWeights(directory + "/header.safetensors") }
        // Wrong dtype (written by Python).
        assertThrowsMessage(["python_float64.safetensors", "dtype F64, expected F32"]) {
            try model.loadWeights(fixturesDirectory + "/python_float64.safetensors")
        }
        assertThrowsMessage([directory + "/missing.safetensors", "cannot open"]) { try model.loadWeights(directory + "/missing.safetensors") }
        assertThrowsMessage(["not a SwiftLearn model file"]) { _ = try loadModel(path) }
    }

    /// Saving over an existing file replaces it whole, leaving no temporary file behind.
    func testSaveIsAtomicReplacement() throws {
        let directory = temporaryDirectory()
        let path = directory + "/w.safetensors"
        let first = smallModel(5)
        try first.saveWeights(path)
        let second = smallModel(6)
        try second.saveWeights(path)
        let reloaded = smallModel(7)
        try reloaded.loadWeights(path)
        XCTAssertEqual(reloaded.getWeights(), second.getWeights())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["w.safetensors"])
        // A directory that does not exist: an error naming the path, nothing written.
        assertThrowsMessage([directory + "/no/such/dir/w.safetensors", "cannot create a temporary file"]) {
            try first.saveWeights(directory + "/no/such/dir/w.safetensors")
        }
    }

    /// A whole-model file restores layers, names, weights, compile settings and optimizer state, so
    /// one more epoch after loading equals one more epoch of the original.
    func testSaveAndLoadModelResumesTrainingExactly() throws {
        let directory = temporaryDirectory()
        setRandomSeed(8)
        let (x, y) = blobs(count: 60, seed: 9)
        let model = Sequential {
            Flatten(inputShape: [2])
            Dense(6, activation: .elu(alpha: 0.5))
            Dropout(0.2)
            Dense(3, activation: .softmax)
        }
        try model.compile(optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        try model.fit(x, y, epochs: 2, batchSize: 10, shuffle: false, verbose: 0)
        try model.save(directory + "/model.safetensors")
        let restored = try loadModel(directory + "/model.safetensors")
        XCTAssertEqual(restored.layers.map(\.name), model.layers.map(\.name))
        XCTAssertEqual(restored.layers.map(\.className), ["Flatten", "Dense", "Dropout", "Dense"])
        XCTAssertEqual((restored.layers[1] as! Dense).activation, .elu(alpha: 0.5))
        XCTAssertEqual(restored.getWeights(), model.getWeights())
        XCTAssertEqual(restored.optimizer?.iterations, 12)
        XCTAssertEqual(restored.optimizer?.className, "Adam")
        XCTAssertEqual(restored.optimizer?.learningRate, 0.01)
        XCTAssertEqual(restored.metrics, [.accuracy])
        XCTAssertEqual(try restored.summaryText(), try model.summaryText())
        XCTAssertEqual(try restored.evaluate(x, y, verbose: 0), try model.evaluate(x, y, verbose: 0))
        XCTAssertEqual((restored.layers[2] as! Dropout).rate, 0.2)
    }

    /// Without dropout (whose mask stream is not part of the file) the next epoch after loading is
    /// bit-identical to the next epoch of the original, Adam moments and step count included.
    func testLoadedModelContinuesTrainingBitForBit() throws {
        let directory = temporaryDirectory()
        setRandomSeed(9)
        let (x, y) = blobs(count: 60, seed: 10)
        let model = Sequential {
            Dense(6, activation: .tanh, inputShape: [2])
            Dense(3, activation: .softmax)
        }
        try model.compile(optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        try model.fit(x, y, epochs: 2, batchSize: 10, shuffle: false, verbose: 0)
        try model.save(directory + "/model.safetensors")
        let restored = try loadModel(directory + "/model.safetensors")
        let continued = try model.fit(x, y, epochs: 1, batchSize: 10, shuffle: false, verbose: 0)
        let resumed = try restored.fit(x, y, epochs: 1, batchSize: 10, shuffle: false, verbose: 0)
        XCTAssertEqual(restored.getWeights(), model.getWeights())
        XCTAssertEqual(resumed["loss"], continued["loss"])
        // A fresh optimizer (no saved moments) would diverge: the state really is restored.
        let fresh = try loadModel(directory + "/model.safetensors")
        try fresh.compile(optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy)
        try fresh.fit(x, y, epochs: 1, batchSize: 10, shuffle: false, verbose: 0)
        XCTAssertNotEqual(fresh.getWeights(), model.getWeights())
    }

    func testLoadModelRejectsCorruptArchitecture() throws {
        let directory = temporaryDirectory()
        let model = smallModel(10)
        try model.save(directory + "/m.safetensors")
        var bytes = try FileIO.readAll(path: directory + "/m.safetensors")
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssert(text.contains("Dense"))
        // Rename the layer class inside the header (same length keeps offsets valid).
        let needle = Array("\\\"class_name\\\":\\\"Dense\\\"".utf8)
        let replacement = Array("\\\"class_name\\\":\\\"Dunce\\\"".utf8)
        if let start = (0...(bytes.count - needle.count)).first(where: { Array(bytes[$0..<$0 + needle.count]) == needle }) {
            bytes.replaceSubrange(start..<start + needle.count, with: replacement)
        } else {
            XCTFail("architecture JSON not found in the header")
        }
        try FileIO.writeAtomically(bytes, toPath: directory + "/bad.safetensors")
        assertThrowsMessage([directory + "/bad.safetensors", "unknown class 'Dunce'"]) { _ = try loadModel(directory + "/bad.safetensors") }
    }
}
