import XCTest
import SwiftLearnTestSupport
import SwiftLearnRandom
import SwiftLearnTensor
@testable import SwiftLearnNN

/// Uniform values in [low, high) from numpy's legacy generator.
func uniformValues(_ count: Int, seed: UInt32, low: Double = -1, high: Double = 1) -> [Float] {
    var generator = RandomState(seed: seed)
    return (0..<count).map { _ in Float(generator.uniform(low, high)) }
}

/// A fresh scratch directory under the system temporary directory.
func temporaryDirectory(_ name: String = #function) -> String {
    let base = "/tmp/swiftlearn-nn-tests-\(getpid())"
    let sanitized = name.filter { $0.isLetter || $0.isNumber }
    let path = "\(base)/\(sanitized)"
    _ = try? FileManager.default.removeItem(atPath: path)
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The directory of committed fixtures next to this file.
let fixturesDirectory: String = {
    let file = #filePath
    return String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures"
}()

/// Asserts that `body` throws an `NNError` whose description contains every fragment.
func assertThrowsMessage(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch {
        let message = "\(error)"
        for fragment in fragments where !message.contains(fragment) {
            XCTFail("error \"\(message)\" does not contain \"\(fragment)\"", file: file, line: line)
        }
    }
}

func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "counts differ \(message)", file: file, line: line)
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        if !(abs(a - e) <= tolerance * max(1, abs(e))) {
            XCTFail("element \(index): \(a) vs expected \(e) (tolerance \(tolerance)) \(message)", file: file, line: line)
            return
        }
    }
}

/// Central finite differences of `objective` (evaluated in Double) with respect to `values[index]`.
func centralDifference(_ values: UnsafeMutablePointer<Float>, _ index: Int, step: Float, _ objective: () -> Double) -> Double {
    SwiftLearnTestSupport.centralDifference(values, index, step: step, objective)
}

/// Checks a layer's input and weight gradients against central differences of `L = Σ y ⊙ R`, through the
/// public tensor API (`call` then `backward`), which every layer (built-in kernels or custom) implements.
func checkLayerGradients(_ layer: Layer, inputShape: [Int], batch: Int, input: [Float], step: Float = 1e-2,
                         tolerance: Double = 2e-3, file: StaticString = #filePath, line: UInt = #line) throws {
    try layer.build(inputShape: inputShape)
    let outputShape = [batch] + layer.outputShape!
    let outputCount = outputShape.reduce(1, *)
    let upstream = uniformValues(outputCount, seed: 99)
    // Stable storage, so the objective can read what the finite difference perturbs.
    let x = UnsafeMutableBufferPointer<Float>.allocate(capacity: input.count)
    _ = x.initialize(from: input)
    defer { x.deallocate() }
    func inputs() -> Tensor<Float> { Tensor(shape: [batch] + inputShape) { _ = $0.initialize(from: UnsafeBufferPointer(x)) } }
    func objective() -> Double {
        let output = try! layer.call(inputs(), training: false)
        var total = 0.0
        for (value, weight) in zip(output.scalars, upstream) { total += Double(value) * Double(weight) }
        return total
    }
    let outputs = try layer.call(inputs(), training: false)
    let inputGradient = try layer.backward(inputs: inputs(), outputs: outputs,
                                           outputGradient: try Tensor(shape: outputShape, scalars: upstream)).scalars
    // Storage order, as the finite difference below perturbs the values in storage order.
    let weightGradients = layer.weights.map { Array($0.gradients) }
    func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
        let scale = max(1, abs(numeric))
        if abs(Double(analytic) - numeric) > tolerance * scale {
            XCTFail("\(layer.className) \(what): analytic \(analytic), finite difference \(numeric)", file: file, line: line)
        }
    }
    for index in 0..<x.count {
        let numeric = centralDifference(x.baseAddress!, index, step: step, objective)
        compare(inputGradient[index], numeric, "d/dx[\(index)]")
    }
    for (weight, analytic) in zip(layer.weights, weightGradients) {
        for index in 0..<weight.count {
            let numeric = centralDifference(weight.values.baseAddress!, index, step: step, objective)
            compare(analytic[index], numeric, "d/d\(weight.name)[\(index)]")
        }
    }
}

/// One call of the loss kernel on copies of the inputs: the mean loss over `rows`, the gradient it wrote, and the
/// predictions buffer afterwards (fused modes rewrite it in place).
func evaluateLoss(_ loss: StandardLoss, _ predictions: [Float], _ targets: [Float], rows: Int, width: Int,
                  fusion: StandardLoss.Fusion = .none) -> (mean: Double, predictionsAfter: [Float], gradient: [Float]) {
    var p = predictions
    var gradient = [Float](repeating: 0, count: p.count)
    let sum = p.withUnsafeMutableBufferPointer { pb in
        targets.withUnsafeBufferPointer { tb in
            gradient.withUnsafeMutableBufferPointer { g in
                loss.sumAndGradient(predictions: pb, targets: tb, rows: rows, width: width, fusion: fusion, gradient: g)
            }
        }
    }
    return (sum / Double(rows), p, gradient)
}
