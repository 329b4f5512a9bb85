import Foundation
import SwiftLearnData
import SwiftLearnLinearModels
import SwiftLearnTensor
import SwiftLearnTestSupport
import XCTest

/// `Tests/Fixtures/linear_models/reference.json`, made by `make_reference.py` beside it with scikit-learn.
enum Reference {
    nonisolated(unsafe) private static var cached: [String: Any]?
    private static let lock = NSLock()

    static func json() throws -> [String: Any] {
        try lock.withLock {
            if let cached { return cached }
            let data = try Data(contentsOf: try TestFiles.fixture("linear_models/reference.json"))
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            cached = object
            return object
        }
    }

    /// A stored data set: `x` `[n, features]` and integer labels `y`.
    static func dataset(_ name: String) throws -> (x: Tensor<Double>, y: Tensor<Int32>) {
        let datasets = try XCTUnwrap(try json()["datasets"] as? [String: Any])
        let entry = try XCTUnwrap(datasets[name] as? [String: Any])
        let rows = try XCTUnwrap(entry["x"] as? [[Double]])
        let labels = try XCTUnwrap(entry["y"] as? [Int])
        let x = try Tensor<Double>(shape: [rows.count, rows[0].count], scalars: rows.flatMap { $0 })
        return (x, Tensor(labels.map { Int32($0) }))
    }

    /// The cases of one section (`sgd`, `perceptron`, `logistic`).
    static func cases(_ section: String) throws -> [[String: Any]] {
        try XCTUnwrap(try json()[section] as? [[String: Any]])
    }

    /// The sample weights the script uses: `numpy.linspace(0.5, 2.0, n)`.
    static func sampleWeights(count: Int) -> [Double] {
        (0..<count).map { 0.5 + 1.5 * Double($0) / Double(count - 1) }
    }

    /// The first 2,000 Fashion-MNIST training images, scaled to `[0, 1]` and flattened, and their labels.
    static func fashionSubset() throws -> (x: Tensor<Double>, y: Tensor<UInt8>) {
        let pixels = try IDX.readTensor(
            contentsOf: try TestFiles.fixture("linear_models/fashion-mnist-train-2000-images-idx3-ubyte.gz"),
            as: UInt8.self)
        let classes = try IDX.readTensor(
            contentsOf: try TestFiles.fixture("linear_models/fashion-mnist-train-2000-labels-idx1-ubyte.gz"),
            as: UInt8.self)
        let x = (Tensor<Double>(pixels) / 255).reshaped([pixels.shape[0], -1])
        return (x, classes)
    }
}

/// Asserts that `actual` (a tensor) matches `expected` (nested arrays) within `tolerance`, relative to the larger
/// of 1 and the expected magnitude.
func assertClose(_ actual: Tensor<Double>?, _ expected: Any?, tolerance: Double, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let actual else { return XCTFail("\(what): no value", file: file, line: line) }
    let flat = flatten(expected)
    guard flat.count == actual.count else {
        return XCTFail("\(what): \(actual.count) values, expected \(flat.count)", file: file, line: line)
    }
    var worst = 0.0
    for (value, reference) in zip(actual.scalars, flat) {
        worst = max(worst, abs(value - reference) / max(1, abs(reference)))
    }
    XCTAssertLessThanOrEqual(worst, tolerance, "\(what): largest relative difference \(worst)", file: file, line: line)
}

func flatten(_ value: Any?) -> [Double] {
    if let number = value as? Double { return [number] }
    if let number = value as? Int { return [Double(number)] }
    if let array = value as? [Any] { return array.flatMap { flatten($0) } }
    return []
}
