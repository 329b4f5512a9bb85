import Foundation
import XCTest
@testable import SwiftLearnVision
import SwiftLearnImageCodecs
import SwiftLearnNN
import SwiftLearnTensor

/// Flows over small temporary folders built from the fixtures.
final class GeneratorTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slvision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    /// `b_cats` (6 files incl. a nested folder) and `a_dogs` (4 files), plus a non-image file; 10 images.
    func makeFolder() throws -> String {
        let fm = FileManager.default
        let cats = root.appendingPathComponent("data/b_cats"), dogs = root.appendingPathComponent("data/a_dogs")
        try fm.createDirectory(at: cats.appendingPathComponent("nested"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dogs, withIntermediateDirectories: true)
        let sources = ["ct2_d8.png", "j420.jpg", "ct6_d8.png", "j444_prog.jpg", "ct3_d4.png", "jgray.jpg"]
        for (i, name) in sources.prefix(5).enumerated() {
            try fm.copyItem(at: FixturePaths.suite.appendingPathComponent(name),
                            to: cats.appendingPathComponent("c\(i).\(name.split(separator: ".")[1])"))
        }
        try fm.copyItem(at: FixturePaths.suite.appendingPathComponent("ct0_d8.png"), to: cats.appendingPathComponent("nested/z.PNG"))
        for (i, name) in ["j422.jpg", "ct2_d16.png", "ct4_d8.png", "jgray.jpg"].enumerated() {
            try fm.copyItem(at: FixturePaths.suite.appendingPathComponent(name),
                            to: dogs.appendingPathComponent("d\(i).\(name.split(separator: ".")[1])"))
        }
        try Data("not an image".utf8).write(to: dogs.appendingPathComponent("notes.txt"))
        return root.appendingPathComponent("data").path
    }

    func collect(_ source: ImageBatchSource, epoch: Int = 0) throws -> [Batch] {
        var iterator = try source.makeEpoch(epoch)
        var batches: [Batch] = []
        while let batch = try iterator.next() { batches.append(batch) }
        return batches
    }

    func testDirectoryListingLabelsAndPixels() throws {
        let directory = try makeFolder()
        let generator = try ImageDataGenerator(rescale: 1.0 / 255)
        var printed: [String] = []
        var flow: ImageBatchSource!
        printed = try ImageConsole.capture {
            flow = try generator.flowFromDirectory(directory, targetSize: (9, 13), batchSize: 4, shuffle: false, jpegDraft: .off)
        }
        XCTAssertEqual(printed, ["Found 10 images belonging to 2 classes."], "Keras's message")
        XCTAssertEqual(flow.classNames, ["a_dogs", "b_cats"])
        XCTAssertEqual(flow.classIndices, ["a_dogs": 0, "b_cats": 1])
        XCTAssertEqual(flow.filePaths.map { String($0.dropFirst(directory.count + 1)) }, [
            "a_dogs/d0.jpg", "a_dogs/d1.png", "a_dogs/d2.png", "a_dogs/d3.jpg",
            "b_cats/c0.png", "b_cats/c1.jpg", "b_cats/c2.png", "b_cats/c3.jpg", "b_cats/c4.png", "b_cats/nested/z.PNG",
        ])
        XCTAssertEqual(flow.classes, [0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
        XCTAssertEqual(flow.batchesPerEpoch, 3)
        let batches = try collect(flow)
        XCTAssertEqual(batches.map { $0.inputs.shape }, [[4, 9, 13, 3], [4, 9, 13, 3], [2, 9, 13, 3]])
        XCTAssertEqual(batches[0].targets?.shape, [4, 2])
        XCTAssertEqual(batches[0].targets?.scalars, [1, 0, 1, 0, 1, 0, 1, 0])
        XCTAssertEqual(batches[1].targets?.scalars, [0, 1, 0, 1, 0, 1, 0, 1])
        XCTAssertEqual(batches.flatMap { $0.paths ?? [] }, flow.filePaths)
        // Pixels: load_img(target_size, nearest) then * 1/255, computed independently through loadImage.
        for (b, batch) in batches.enumerated() {
            for (i, path) in (batch.paths ?? []).enumerated() {
                let reference = try loadImage(path: path, colorMode: .rgb, targetSize: (9, 13))
                let slice = Array(batch.inputs.scalars[(i * 351)..<((i + 1) * 351)])
                XCTAssertEqual(slice, reference.scalars.map { Float($0) * (1.0 / 255) }, "batch \(b) sample \(i)")
            }
        }
    }

    func testBilinearAndGrayscaleFlowsMatchLoadImage() throws {
        let directory = try makeFolder()
        for (mode, interpolation) in [(ColorMode.grayscale, Interpolation.bilinear), (.rgba, .nearest), (.rgb, .bilinear)] {
            let flow = try ImageDataGenerator().flowFromDirectory(directory, targetSize: (6, 17), colorMode: mode,
                                                                  classMode: .none, batchSize: 10, shuffle: false,
                                                                  interpolation: interpolation, jpegDraft: .off)
            let batch = try XCTUnwrap(try collect(flow).first)
            XCTAssertEqual(batch.inputs.shape, [10, 6, 17, mode.channels])
            let per = 6 * 17 * mode.channels
            for (i, path) in flow.filePaths.enumerated() {
                let reference = try loadImage(path: path, colorMode: mode, targetSize: (6, 17), interpolation: interpolation)
                XCTAssertEqual(Array(batch.inputs.scalars[(i * per)..<((i + 1) * per)]), reference.scalars.map { Float($0) },
                               "\(mode) \(interpolation) \(path)")
            }
        }
    }

    /// With the default `jpegDraft: .automatic`, a JPEG at least twice the target decodes at a reduced DCT scale
    /// (what the codecs test against Pillow's draft()) and is then resized; other files are unaffected.
    func testAutomaticJPEGDraftIsTheReducedDecodeThenResize() throws {
        let directory = try makeFolder()
        for interpolation in Interpolation.allCases {
            let target = (height: 5, width: 6)
            let flow = try ImageDataGenerator().flowFromDirectory(directory, targetSize: target, classMode: .none,
                                                                  batchSize: 10, shuffle: false, interpolation: interpolation)
            XCTAssertEqual(flow.jpegDraft, .automatic)
            let batch = try XCTUnwrap(try collect(flow).first)
            var reduced = 0
            for (i, path) in flow.filePaths.enumerated() {
                let options = ImageDecodingOptions(jpegDraftSize: (target.width, target.height))
                let stored = try loadRawImage(from: path)
                let decoded = try loadRawImage(from: path, options: options)
                if decoded.width < stored.width { reduced += 1 }
                let expected = try resizeImage(decoded.tensor(.rgb), height: target.height, width: target.width,
                                               interpolation: interpolation)
                XCTAssertEqual(Array(batch.inputs.scalars[(i * 90)..<((i + 1) * 90)]), expected.scalars.map(Float.init),
                               "\(path) \(interpolation)")
            }
            XCTAssertGreaterThan(reduced, 0, "some fixture JPEGs are large enough to be reduced")
        }
    }

    func testShuffleFollowsKerasSeedPlusBatchesSeen() throws {
        let directory = try makeFolder()
        let flow = try ImageDataGenerator().flowFromDirectory(directory, targetSize: (4, 4), classMode: .sparse,
                                                              batchSize: 3, shuffle: true, seed: 42)
        // numpy: RandomState(42).permutation(10); epoch 1 reseeds with 42 + 4 batches seen.
        XCTAssertEqual(flow.order(epoch: 0), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6])
        XCTAssertEqual(flow.order(epoch: 1), [7, 0, 1, 9, 6, 3, 2, 4, 8, 5])
        let batches = try collect(flow, epoch: 1)
        XCTAssertEqual(batches.flatMap { $0.paths ?? [] }, [7, 0, 1, 9, 6, 3, 2, 4, 8, 5].map { flow.filePaths[$0] })
        XCTAssertEqual(batches.flatMap { $0.targets?.scalars ?? [] }, [7, 0, 1, 9, 6, 3, 2, 4, 8, 5].map { Float(flow.classes[$0]) })
        XCTAssertEqual(batches[0].targets?.shape, [3])
    }

    func testValidationSplitPerClassLikeKeras() throws {
        let directory = try makeFolder()
        let generator = try ImageDataGenerator(validationSplit: 0.3)
        let validation = try generator.flowFromDirectory(directory, targetSize: (4, 4), shuffle: false, subset: .validation)
        let training = try generator.flowFromDirectory(directory, targetSize: (4, 4), shuffle: false, subset: .training)
        // int(0.3 * 4) = 1 dog and int(0.3 * 6) = 1 cat for validation.
        XCTAssertEqual(validation.filePaths.map { URL(fileURLWithPath: $0).lastPathComponent }, ["d0.jpg", "c0.png"])
        XCTAssertEqual(training.sampleCount, 8)
        XCTAssertEqual(Set(training.filePaths).intersection(validation.filePaths), [])
        XCTAssertThrowsError(try ImageDataGenerator().flowFromDirectory(directory, subset: .training)) { error in
            XCTAssertTrue("\(error)".contains("validationSplit is 0"), "\(error)")
        }
    }

    func testSeededAugmentationRepeatsAcrossRunsAndThreadCounts() throws {
        let directory = try makeFolder()
        let generator = try ImageDataGenerator(rescale: 1.0 / 255, horizontalFlip: true, verticalFlip: true,
                                               rotationRange: 30, widthShiftRange: 0.2, heightShiftRange: 0.1,
                                               shearRange: 10, zoomRange: 0.2, fillMode: .reflect)
        func run(_ workers: Int) throws -> [Float] {
            let flow = try generator.flowFromDirectory(directory, targetSize: (10, 12), batchSize: 3, seed: 7,
                                                       workers: workers, prefetchBatches: workers + 1)
            return try collect(flow, epoch: 2).flatMap { $0.inputs.scalars }
        }
        let one = try run(1), three = try run(3), again = try run(1)
        XCTAssertEqual(one, three)
        XCTAssertEqual(one, again)
        let plain = try ImageDataGenerator(rescale: 1.0 / 255).flowFromDirectory(directory, targetSize: (10, 12), batchSize: 3, seed: 7)
        XCTAssertNotEqual(one, try collect(plain, epoch: 2).flatMap { $0.inputs.scalars }, "augmentation must change pixels")
        XCTAssertTrue(one.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    func testAffineTransformsAgainstNaiveLoops() throws {
        let generator = try ImageDataGenerator(fillMode: .constant, cval: -1)
        let n = 5
        let image: [Float] = (0..<(n * n)).map { Float($0) }
        // 90 degrees: output (r, c) reads input (n - 1 - c, r), i.e. numpy rot90(image, -1).
        var rotated = image
        generator.apply(AugmentationParameters(theta: 90), to: &rotated, height: n, width: n, channels: 1)
        for r in 0..<n { for c in 0..<n { XCTAssertEqual(rotated[r * n + c], image[(n - 1 - c) * n + r], accuracy: 1e-4) } }
        // Integer shift: output (r, c) reads input (r + 2, c - 1), constant -1 outside.
        var shifted = image
        generator.apply(AugmentationParameters(tx: 2, ty: -1), to: &shifted, height: n, width: n, channels: 1)
        for r in 0..<n {
            for c in 0..<n {
                let (ir, ic) = (r + 2, c - 1)
                let expected: Float = (ir < n && ic >= 0) ? image[ir * n + ic] : -1
                XCTAssertEqual(shifted[r * n + c], expected, accuracy: 1e-4, "(\(r), \(c))")
            }
        }
        // Horizontal flip.
        var flipped = image
        generator.apply(AugmentationParameters(flipHorizontal: true), to: &flipped, height: n, width: n, channels: 1)
        for r in 0..<n { for c in 0..<n { XCTAssertEqual(flipped[r * n + c], image[r * n + n - 1 - c]) } }
    }

    func testBadFilesFailOrAreSkippedAndListed() throws {
        let directory = try makeFolder()
        let bad = directory + "/a_dogs/d1.png"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: bad))
        bytes[40] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: bad))
        try Data([0xFF, 0xD8, 0xFF]).write(to: URL(fileURLWithPath: directory + "/b_cats/c1.jpg"))

        let failing = try ImageDataGenerator().flowFromDirectory(directory, targetSize: (4, 4), batchSize: 4, shuffle: false)
        var iterator = try failing.makeEpoch(0)
        XCTAssertThrowsError(try iterator.next()) { error in
            guard let error = error as? ImageError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.file, bad)
        }

        let skipping = try ImageDataGenerator().flowFromDirectory(directory, targetSize: (4, 4), batchSize: 4,
                                                                  shuffle: false, badFilePolicy: .skip)
        var skipIterator = try skipping.makeEpoch(0) as! ImageBatchIterator
        var sizes: [Int] = []
        let printed = try ImageConsole.capture {
            while let batch = try skipIterator.next() { sizes.append(batch.inputs.shape[0]) }
        }
        XCTAssertEqual(sizes, [3, 3, 2])
        XCTAssertEqual(skipIterator.skippedSamples.map(\.path), [bad, directory + "/b_cats/c1.jpg"])
        XCTAssertTrue(skipIterator.skippedSamples[1].reason.contains("c1.jpg"), "\(skipIterator.skippedSamples)")
        XCTAssertEqual(printed, [], "the epoch report is fit's (History.skippedSamples), not the flow's")
        XCTAssertEqual(skipIterator.skippedFiles.map(\.path), [bad, directory + "/b_cats/c1.jpg"])
        XCTAssertEqual(skipping.skippedFiles(epoch: 0).count, 2)
        XCTAssertTrue(skipIterator.skippedFiles[1].description.contains("c1.jpg"))
    }

    func testHeldBatchesAreNeverOverwrittenByLaterBatches() throws {
        // Batch storage is recycled once the consumer drops a batch; batches still held must keep their pixels.
        let directory = try makeFolder()
        let generator = try ImageDataGenerator(rescale: 1.0 / 255)
        let flow = try generator.flowFromDirectory(directory, targetSize: (7, 5), batchSize: 2, seed: 11,
                                                   workers: 2, prefetchBatches: 2)
        let held = try collect(flow, epoch: 0)
        for epoch in 1...3 { _ = try collect(flow, epoch: epoch).count }
        let fresh = try generator.flowFromDirectory(directory, targetSize: (7, 5), batchSize: 2, seed: 11)
        XCTAssertEqual(held.map { $0.inputs }, try collect(fresh, epoch: 0).map { $0.inputs })
    }

    func testEarlyStopThenNextEpoch() throws {
        let directory = try makeFolder()
        let flow = try ImageDataGenerator().flowFromDirectory(directory, targetSize: (6, 6), batchSize: 2, seed: 3,
                                                              workers: 2, prefetchBatches: 2)
        for epoch in 0..<3 {
            var iterator = try flow.makeEpoch(epoch)
            XCTAssertNotNil(try iterator.next())  // take one batch, drop the rest (stepsPerEpoch-style)
        }
        XCTAssertEqual(try collect(flow, epoch: 3).count, 5)
    }

    func testDataFrameAndCSVClassModes() throws {
        let directory = try makeFolder()
        let csv = #"""
        image,colour,"is ""red""",dress,price
        a_dogs/d0.jpg,red,1,0,10.5
        b_cats/c0.png,blue,0,1,3
        missing.png,blue,0,0,1
        b_cats/c2.png,red,1,1,-2
        a_dogs/notes.txt,red,1,1,0
        """#
        let csvPath = root.appendingPathComponent("labels.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: csvPath))
        let generator = try ImageDataGenerator()
        let multi = try generator.flowFromCSV(csvPath, directory: directory, xCol: "image", yCol: ["is \"red\"", "dress"],
                                              targetSize: (5, 5), classMode: .multiLabel, batchSize: 8, shuffle: false)
        XCTAssertEqual(multi.sampleCount, 3, "missing and non-image files are dropped")
        XCTAssertEqual(try collect(multi)[0].targets?.scalars, [1, 0, 0, 1, 1, 1])
        let table = try ImageTable(csvFile: csvPath)
        let categorical = try generator.flowFromDataFrame(table, directory: directory, xCol: "image", yCol: ["colour"],
                                                          targetSize: (5, 5), batchSize: 8, shuffle: false)
        XCTAssertEqual(categorical.classNames, ["blue", "red"])
        XCTAssertEqual(try collect(categorical)[0].targets?.scalars, [0, 1, 1, 0, 0, 1])
        let binary = try generator.flowFromDataFrame(table, directory: directory, xCol: "image", yCol: ["colour"],
                                                     targetSize: (5, 5), classMode: .binary, batchSize: 8, shuffle: false)
        XCTAssertEqual(try collect(binary)[0].targets?.shape, [3, 1])
        let raw = try generator.flowFromDataFrame(table, directory: directory, xCol: "image", yCol: ["price"],
                                                  targetSize: (5, 5), classMode: .raw, batchSize: 8, shuffle: false)
        XCTAssertEqual(try collect(raw)[0].targets?.scalars, [10.5, 3, -2])
        let input = try generator.flowFromDataFrame(table, directory: directory, xCol: "image", targetSize: (5, 5),
                                                    classMode: .input, batchSize: 8, shuffle: false)
        let inputBatch = try collect(input)[0]
        XCTAssertEqual(inputBatch.targets, inputBatch.inputs)
        let none = try generator.flowFromDataFrame(table, directory: directory, xCol: "image", targetSize: (5, 5),
                                                   classMode: .none, batchSize: 8, shuffle: false)
        XCTAssertNil(try collect(none)[0].targets)
        XCTAssertThrowsError(try generator.flowFromDataFrame(table, directory: directory, xCol: "image", yCol: ["colour"],
                                                             classMode: .raw)) { error in
            XCTAssertTrue("\(error)".contains("\"red\" is not a number"), "\(error)")
        }
        XCTAssertThrowsError(try generator.flowFromDataFrame(table, xCol: "file")) { error in
            XCTAssertTrue("\(error)".contains("column \"file\" is not in the table"), "\(error)")
        }
    }

    /// A FIFO named like an image in a class folder is listed (Keras lists it too) but never opened for
    /// reading: it is skipped, or fails the batch, without blocking the worker.
    func testNamedPipeInAClassFolderNeverHangs() throws {
        let directory = try makeFolder()
        let fifo = directory + "/a_dogs/pipe.png"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0, "mkfifo")
        let skipping = try ImageDataGenerator().flowFromDirectory(directory, targetSize: (4, 4), batchSize: 16,
                                                                  shuffle: false, badFilePolicy: .skip)
        XCTAssertTrue(skipping.filePaths.contains(fifo))
        var iterator = try skipping.makeEpoch(0) as! ImageBatchIterator
        var count = 0
        while let batch = try iterator.next() { count += batch.count }
        XCTAssertEqual(count, 10)
        XCTAssertEqual(iterator.skippedSamples.map(\.path), [fifo])
        XCTAssertTrue(iterator.skippedSamples[0].reason.contains("FIFO"), iterator.skippedSamples[0].reason)
        let failing = try ImageDataGenerator().flowFromDirectory(directory, targetSize: (4, 4), batchSize: 16, shuffle: false)
        var failingIterator = try failing.makeEpoch(0)
        XCTAssertThrowsError(try failingIterator.next()) { error in
            XCTAssertTrue("\(error)".contains("pipe.png: is a FIFO (named pipe), expected a regular file"), "\(error)")
        }
    }

    /// Keras's `flow_from_dataframe(df, directory='')` joins like `os.path.join`, reports what it found and
    /// says which rows it dropped and why.
    func testDataFrameWithEmptyDirectoryJoinsLikeOSPathJoinAndReports() throws {
        let directory = try makeFolder()
        XCTAssertEqual(joinPath("", "a.png"), "a.png")
        XCTAssertEqual(joinPath("d", "a.png"), "d/a.png")
        XCTAssertEqual(joinPath("d/", "a.png"), "d/a.png")
        XCTAssertEqual(joinPath("d", "/x/a.png"), "/x/a.png")
        let table = try ImageTable(columns: ["filename", "class"], rows: [
            ["a_dogs/d0.jpg", "dog"], ["b_cats/c0.png", "cat"], ["a_dogs/missing.png", "dog"], ["a_dogs/notes.txt", "dog"],
            ["b_cats/c2.png", "cat"],
        ])
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        var flow: ImageBatchSource!
        let printed = try ImageConsole.capture {
            flow = try ImageDataGenerator().flowFromDataFrame(table, directory: "", targetSize: (4, 4), batchSize: 8,
                                                             shuffle: false)
        }
        XCTAssertEqual(flow.filePaths, ["a_dogs/d0.jpg", "b_cats/c0.png", "b_cats/c2.png"])
        XCTAssertEqual(try collect(flow).first?.count, 3, "relative paths read from the working directory")
        XCTAssertEqual(printed.first, "Found 3 validated image filenames belonging to 2 classes.")
        XCTAssertEqual(printed.dropFirst().first,
                       "Dropped 2 row(s) whose \"filename\" file cannot be used: 1 file not found (a_dogs/missing.png), 1 not a .png, .jpg or .jpeg name (a_dogs/notes.txt).")
        let raw = try ImageConsole.capture {
            _ = try ImageDataGenerator().flowFromDataFrame(table, directory: directory, targetSize: (4, 4), classMode: .input)
        }
        XCTAssertEqual(raw.first, "Found 3 validated image filenames.")
    }

    func testInvalidGeneratorArgumentsQuoteTheValue() {
        XCTAssertThrowsError(try ImageDataGenerator(validationSplit: 1.5)) { XCTAssertTrue("\($0)".contains("1.5"), "\($0)") }
        XCTAssertThrowsError(try ImageDataGenerator(rotationRange: -3)) { XCTAssertTrue("\($0)".contains("-3"), "\($0)") }
        XCTAssertThrowsError(try ImageDataGenerator(zoomRange: 1.5)) { XCTAssertTrue("\($0)".contains("-0.5"), "\($0)") }
    }
}
