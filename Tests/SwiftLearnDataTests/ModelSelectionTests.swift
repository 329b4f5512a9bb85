import Foundation
import SwiftLearnData
import SwiftLearnTensor
import XCTest

final class ModelSelectionTests: XCTestCase {
    /// JSON integers are counts, other numbers fractions (the reader keeps `5` and `5.0` apart).
    private func size(_ value: Any?) -> SplitSize? {
        if let count = value as? Int { return .count(count) }
        if let fraction = value as? Double { return .fraction(fraction) }
        return nil
    }

    private func seed(_ value: Any?) -> UInt32? { (value as? Int).map { UInt32($0) } }

    // MARK: - train/test split

    func testSharedFixtureTrainTestSplit() throws {
        let reference = try SklearnReference.shared()
        let cases = try XCTUnwrap(reference["train_test_split"] as? [[String: Any]])
        XCTAssertFalse(cases.isEmpty)
        for entry in cases {
            let n = try XCTUnwrap((entry["n"] as? Int))
            let split = try trainTestSplitIndices(count: n, testSize: size(entry["test_size"]),
                                                  randomState: seed(entry["random_state"]))
            let label = "n=\(n) seed=\(String(describing: entry["random_state"]))"
            XCTAssertEqual(Array(split.train.prefix(10)), referenceInts(entry["train_head"]), label)
            XCTAssertEqual(Array(split.test.prefix(10)), referenceInts(entry["test_head"]), label)
            XCTAssertEqual(split.train.count, (entry["train_len"] as? Int), label)
            XCTAssertEqual(split.test.count, (entry["test_len"] as? Int), label)
            XCTAssertEqual(split.train.reduce(0, +), (entry["train_sum"] as? Int), label)
            XCTAssertEqual(split.test.reduce(0, +), (entry["test_sum"] as? Int), label)
        }
    }

    func testSharedFixtureStratifiedSplit() throws {
        let entry = try XCTUnwrap(try SklearnReference.shared()["stratified_split"] as? [String: Any])
        let k = try XCTUnwrap((entry["k"] as? Int))
        let labels = (0..<10).flatMap { Array(repeating: $0, count: k) }   // np.repeat(np.arange(10), k)
        let split = try trainTestSplitIndices(stratify: labels, testSize: size(entry["test_size"]),
                                              randomState: seed(entry["random_state"]))
        XCTAssertEqual(split.train, referenceInts(entry["train"]))
        XCTAssertEqual(split.test, referenceInts(entry["test"]))
    }

    func testTrainTestSplitSizesAndSeedsMatchScikitLearn() throws {
        let cases = try XCTUnwrap(try SklearnReference.local()["train_test_split"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 9)
        for entry in cases {
            let n = try XCTUnwrap((entry["n"] as? Int))
            let split = try trainTestSplitIndices(count: n, testSize: size(entry["test_size"]),
                                                  trainSize: size(entry["train_size"]), randomState: seed(entry["seed"]))
            let label = "\(entry["n"]!) \(entry["test_size"]!) \(entry["train_size"]!) \(entry["seed"]!)"
            XCTAssertEqual(split.train, referenceInts(entry["train"]), label)
            XCTAssertEqual(split.test, referenceInts(entry["test"]), label)
        }
    }

    func testTrainTestSplitWithoutShuffleKeepsOrder() throws {
        let entry = try XCTUnwrap(try SklearnReference.local()["train_test_split_noshuffle"] as? [String: Any])
        let split = try trainTestSplitIndices(count: 23, testSize: 0.3, shuffle: false)
        XCTAssertEqual(split.train, referenceInts(entry["train"]))
        XCTAssertEqual(split.test, referenceInts(entry["test"]))
    }

    func testInvalidSizesThrowWhereScikitLearnRaises() throws {
        let cases = try XCTUnwrap(try SklearnReference.local()["train_test_split_errors"] as? [[String: Any]])
        for entry in cases {
            let n = try XCTUnwrap((entry["n"] as? Int))
            let raises = try XCTUnwrap(entry["raises"] as? Bool)
            let label = "n=\(n) test=\(entry["test_size"]!) train=\(entry["train_size"]!)"
            do {
                _ = try trainTestSplitIndices(count: n, testSize: size(entry["test_size"]),
                                              trainSize: size(entry["train_size"]), randomState: 0)
                XCTAssertFalse(raises, "\(label) should throw")
            } catch {
                XCTAssertTrue(raises, "\(label) threw \(error)")
                XCTAssertTrue("\(error)".contains("size") || "\(error)".contains("train set"), "\(error)")
            }
        }
        XCTAssertThrowsError(try trainTestSplitIndices(count: 10, testSize: 1.5)) { error in
            XCTAssertTrue("\(error)".contains("test_size=1.5"), "\(error)")
        }
    }

    func testStratifiedSplitsWithUnevenClassesAndTies() throws {
        let cases = try XCTUnwrap(try SklearnReference.local()["stratified"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 11)
        for entry in cases {
            let labels = referenceInts(entry["labels"])
            let split = try trainTestSplitIndices(stratify: labels, testSize: size(entry["test_size"]),
                                                  trainSize: size(entry["train_size"]), randomState: seed(entry["seed"]))
            let label = "\(entry["test_size"]!) \(entry["train_size"]!) seed \(entry["seed"]!)"
            XCTAssertEqual(split.train, referenceInts(entry["train"]), label)
            XCTAssertEqual(split.test, referenceInts(entry["test"]), label)
        }
    }

    func testStratifiedSplitWithStringAndMultilabelTargets() throws {
        let reference = try SklearnReference.local()
        let strings = try XCTUnwrap(reference["stratified_strings"] as? [String: Any])
        let names = try XCTUnwrap(strings["labels"] as? [String])
        let split = try trainTestSplitIndices(stratify: names, testSize: 0.5, randomState: 9)
        XCTAssertEqual(split.train, referenceInts(strings["train"]))
        XCTAssertEqual(split.test, referenceInts(strings["test"]))

        let multi = try XCTUnwrap(reference["stratified_multilabel"] as? [String: Any])
        let rows = referenceMatrix(multi["rows"])
        let y = try Tensor<Int32>(shape: [rows.count, 2], scalars: rows.flatMap { $0.map { Int32($0) } })
        let x = try Tensor<Double>(shape: [12], scalars: (0..<12).map(Double.init))
        let (xTrain, xTest) = try trainTestSplit(x, testSize: 0.5, randomState: 4, stratify: y)
        XCTAssertEqual(xTrain.scalars.map { Int($0) }, referenceInts(multi["train"]))
        XCTAssertEqual(xTest.scalars.map { Int($0) }, referenceInts(multi["test"]))
    }

    func testStratifiedShuffleSplitAndShuffleSplitSequences() throws {
        let reference = try SklearnReference.local()
        let stratified = try XCTUnwrap(reference["stratified_shuffle_split"] as? [String: Any])
        let splits = try StratifiedShuffleSplit(nSplits: 3, testSize: 0.2, randomState: 17)
            .split(labels: referenceInts(stratified["labels"]))
        let expected = try XCTUnwrap(stratified["splits"] as? [[Any]])
        XCTAssertEqual(splits.count, expected.count)
        for (split, pair) in zip(splits, expected) {
            XCTAssertEqual(split.train, referenceInts(pair[0]))
            XCTAssertEqual(split.test, referenceInts(pair[1]))
        }

        let plain = try XCTUnwrap(reference["shuffle_split"] as? [String: Any])
        let plainSplits = try ShuffleSplit(nSplits: 3, testSize: 0.2, trainSize: 0.5, randomState: 21).split(count: 30)
        let plainExpected = try XCTUnwrap(plain["splits"] as? [[Any]])
        XCTAssertEqual(plainSplits.count, 3)
        for (split, pair) in zip(plainSplits, plainExpected) {
            XCTAssertEqual(split.train, referenceInts(pair[0]))
            XCTAssertEqual(split.test, referenceInts(pair[1]))
        }
    }

    func testStratifyRejectsSingletonClassesAndTooSmallParts() {
        XCTAssertThrowsError(try trainTestSplitIndices(stratify: [0, 0, 1, 1, 2], testSize: 0.4)) { error in
            XCTAssertTrue("\(error)".contains("only 1 member"), "\(error)")
        }
        XCTAssertThrowsError(try trainTestSplitIndices(stratify: [0, 0, 1, 1, 2, 2], testSize: 2)) { error in
            XCTAssertTrue("\(error)".contains("test_size = 2"), "\(error)")
        }
        XCTAssertThrowsError(try trainTestSplitIndices(stratify: [0, 0, 1, .nan, 1, 0], testSize: 2)) { error in
            XCTAssertTrue("\(error)".contains("index 3"), "\(error)")
        }
        XCTAssertThrowsError(try StratifiedKFold(nSplits: 2).split(labels: [1.0, .nan, 1, 2, 2]))
    }

    // MARK: - tensors

    func testSplittingSeveralAlignedTensorsOfDifferentTypes() throws {
        let n = 37
        let x = try Tensor<Float>(shape: [n, 3], scalars: (0..<(n * 3)).map(Float.init))
        let y = Tensor<Int32>((0..<n).map { Int32($0 * 10) })
        let images = try Tensor<UInt8>(shape: [n, 2, 2], scalars: (0..<(n * 4)).map { UInt8($0 % 256) })
        let ((xTrain, xTest), (yTrain, yTest), (imageTrain, imageTest)) =
            try trainTestSplit(x, y, images, testSize: 0.25, randomState: 42)
        let indices = try trainTestSplitIndices(count: n, testSize: 0.25, randomState: 42)
        XCTAssertEqual(xTrain.shape, [indices.train.count, 3])
        XCTAssertEqual(xTest.shape, [indices.test.count, 3])
        XCTAssertEqual(imageTrain.shape, [indices.train.count, 2, 2])
        for (row, sample) in indices.train.enumerated() {
            XCTAssertEqual(xTrain[row, 1], Float(sample * 3 + 1))
            XCTAssertEqual(yTrain[row], Int32(sample * 10))
            XCTAssertEqual(imageTrain[row, 1, 0], UInt8((sample * 4 + 2) % 256))
        }
        for (row, sample) in indices.test.enumerated() {
            XCTAssertEqual(xTest[row, 2], Float(sample * 3 + 2))
            XCTAssertEqual(yTest[row], Int32(sample * 10))
            XCTAssertEqual(imageTest[row, 0, 1], UInt8((sample * 4 + 1) % 256))
        }
    }

    func testMisalignedTensorsThrowWithBothCounts() throws {
        let x = Tensor<Float>.zeros([10, 2])
        let y = Tensor<Int32>.zeros([9])
        XCTAssertThrowsError(try trainTestSplit(x, y, testSize: 0.2, randomState: 0)) { error in
            XCTAssertTrue("\(error)".contains("[10, 9]"), "\(error)")
        }
        XCTAssertThrowsError(try trainTestSplit(x, testSize: 0.2, randomState: 0, stratify: [0, 1, 0]))
        XCTAssertThrowsError(try selectSamples(x, at: [0, 10])) { error in
            XCTAssertTrue("\(error)".contains("index 10 at position 1"), "\(error)")
        }
    }

    // MARK: - k-fold

    private func assertFolds(_ folds: [Fold], _ expected: Any?, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        guard let expected = expected as? [[Any]] else {
            XCTFail("fixture folds missing for \(label)", file: file, line: line)
            return
        }
        XCTAssertEqual(folds.count, expected.count, label, file: file, line: line)
        for (index, (fold, pair)) in zip(folds, expected).enumerated() {
            XCTAssertEqual(fold.train, referenceInts(pair[0]), "\(label) fold \(index) train", file: file, line: line)
            XCTAssertEqual(fold.validation, referenceInts(pair[1]), "\(label) fold \(index) validation", file: file, line: line)
        }
    }

    func testSharedFixtureKFold() throws {
        let cases = try XCTUnwrap(try SklearnReference.shared()["kfold"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 3)
        for entry in cases {
            let n = try XCTUnwrap((entry["n"] as? Int))
            let splits = try XCTUnwrap((entry["n_splits"] as? Int))
            let shuffle = try XCTUnwrap(entry["shuffle"] as? Bool)
            let folds = try KFold(nSplits: splits, shuffle: shuffle, randomState: seed(entry["random_state"]))
                .split(count: n)
            assertFolds(folds, entry["folds"], "n=\(n) k=\(splits) shuffle=\(shuffle)")
        }
    }

    func testKFoldAndStratifiedKFoldMatchScikitLearn() throws {
        let reference = try SklearnReference.local()
        for entry in try XCTUnwrap(reference["kfold"] as? [[String: Any]]) {
            let n = try XCTUnwrap((entry["n"] as? Int))
            let splits = try XCTUnwrap((entry["n_splits"] as? Int))
            let shuffle = try XCTUnwrap(entry["shuffle"] as? Bool)
            let folds = try KFold(nSplits: splits, shuffle: shuffle, randomState: seed(entry["seed"])).split(count: n)
            assertFolds(folds, entry["folds"], "KFold n=\(n) k=\(splits)")
        }
        let stratified = try XCTUnwrap(reference["stratified_kfold"] as? [[String: Any]])
        XCTAssertEqual(stratified.count, 5)
        for entry in stratified {
            let labels = referenceInts(entry["labels"])
            let splits = try XCTUnwrap((entry["n_splits"] as? Int))
            let shuffle = try XCTUnwrap(entry["shuffle"] as? Bool)
            let splitter = try StratifiedKFold(nSplits: splits, shuffle: shuffle, randomState: seed(entry["seed"]))
            assertFolds(try splitter.split(labels: labels), entry["folds"], "StratifiedKFold k=\(splits) \(shuffle)")
            // The same folds from a label tensor (class codes by first appearance, not by value).
            let tensor = Tensor<Float>(labels.map(Float.init))
            assertFolds(try splitter.split(labels: tensor), entry["folds"], "StratifiedKFold tensor k=\(splits)")
        }
    }

    func testKFoldParameterErrors() {
        XCTAssertThrowsError(try KFold(nSplits: 1)) { XCTAssertTrue("\($0)".contains("n_splits=1"), "\($0)") }
        XCTAssertThrowsError(try KFold(nSplits: 3, shuffle: false, randomState: 4)) {
            XCTAssertTrue("\($0)".contains("no effect"), "\($0)")
        }
        XCTAssertThrowsError(try KFold(nSplits: 5).split(count: 4)) {
            XCTAssertTrue("\($0)".contains("n_splits=5") && "\($0)".contains("n_samples=4"), "\($0)")
        }
        XCTAssertThrowsError(try StratifiedKFold(nSplits: 3).split(labels: [0, 0, 1, 1])) {
            XCTAssertTrue("\($0)".contains("n_splits=3"), "\($0)")
        }
        XCTAssertThrowsError(try StratifiedKFold(nSplits: 2).split(labels: Tensor<Double>([0, 0.5, 1, 1])))
    }

    // MARK: - cross-validation

    func testCrossValidateFitsAFreshModelPerFoldAndCollectsScores() throws {
        // y = 3x + 1 exactly; a least-squares line fitted on each training fold must score R² = 1 everywhere.
        let x = (0..<20).map { Double($0) }
        let y = x.map { 3 * $0 + 1 }
        struct Line { var slope = 0.0, intercept = 0.0, fitted = 0 }
        var created = 0
        let folds = try KFold(nSplits: 4, shuffle: true, randomState: 0).split(count: 20)
        let result = try crossValidate(
            folds: folds,
            makeModel: { () -> Line in created += 1; return Line() },
            fit: { model, rows in
                let mx = rows.map { x[$0] }.reduce(0, +) / Double(rows.count)
                let my = rows.map { y[$0] }.reduce(0, +) / Double(rows.count)
                let sxy = rows.map { (x[$0] - mx) * (y[$0] - my) }.reduce(0, +)
                let sxx = rows.map { (x[$0] - mx) * (x[$0] - mx) }.reduce(0, +)
                model.slope = sxy / sxx
                model.intercept = my - model.slope * mx
                model.fitted += 1
            },
            score: { model, rows in
                XCTAssertEqual(model.fitted, 1)
                return try r2Score(rows.map { y[$0] }, rows.map { model.slope * x[$0] + model.intercept })
            },
            trainScore: true)
        XCTAssertEqual(created, 4)
        XCTAssertEqual(result.scores.count, 4)
        XCTAssertEqual(result.trainScores?.count, 4)
        XCTAssertEqual(result.fitTimes.count, 4)
        for score in result.scores { XCTAssertEqual(score, 1, accuracy: 1e-12) }
        XCTAssertEqual(result.meanScore, 1, accuracy: 1e-12)
        XCTAssertEqual(result.folds, folds)

        // The closure form sees every fold once, in order.
        var seen = [Int]()
        let sizes = crossValidate(folds: folds) { fold in
            seen.append(fold.validation.count)
            return Double(fold.validation.count)
        }
        XCTAssertEqual(sizes.scores, [5, 5, 5, 5])
        XCTAssertEqual(seen, [5, 5, 5, 5])
        XCTAssertEqual(sizes.scoreStandardDeviation, 0)
    }
}
