import XCTest
@_exported import SwiftLearnTestSupport
@testable import SwiftLearnTensor

/// Asserts shape equality and elementwise closeness (relative + absolute tolerance; ±inf and NaN must match exactly).
func assertClose<S: TensorScalar>(_ tensor: Tensor<S>, shape: [Int], _ expected: [Double], tolerance: Double = 1e-6,
                                  _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(tensor.shape, shape, "shape \(message)", file: file, line: line)
    XCTAssertEqual(tensor.count, expected.count, "count \(message)", file: file, line: line)
    for (index, (actual, wanted)) in zip(tensor.scalars.map(\.doubleValue), expected).enumerated() {
        if wanted.isNaN { XCTAssert(actual.isNaN, "[\(index)] expected NaN, got \(actual) \(message)", file: file, line: line); continue }
        if wanted.isInfinite { XCTAssertEqual(actual, wanted, "[\(index)] \(message)", file: file, line: line); continue }
        XCTAssertEqual(actual, wanted, accuracy: tolerance * Swift.max(1, Swift.abs(wanted)), "[\(index)] \(message)",
                       file: file, line: line)
    }
}

func tensor(_ shape: [Int], _ scalars: [Float]) -> Tensor<Float> {
    do { return try Tensor<Float>(shape: shape, scalars: scalars) } catch { fatalError("\(error)") }
}

