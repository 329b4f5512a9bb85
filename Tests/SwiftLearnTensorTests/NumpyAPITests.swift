import Foundation
import XCTest
@testable import SwiftLearnTensor
import SwiftLearnSystem

/// The numpy user's view of `Tensor` against numpy's own results: `Tests/Fixtures/tensor_api/reference.json`,
/// written by `make_reference.py` beside it (conversions, transposes, slices, masks, `where`, gathers, joins,
/// `dot`, `maximum`/`minimum`; NaN, infinities, empty and non-contiguous inputs included).
final class NumpyAPITests: XCTestCase {
    struct NumpyArray {
        let dtype: String
        let shape: [Int]
        let values: [Double]

        init(_ object: Any) throws {
            let dictionary = try XCTUnwrap(object as? [String: Any])
            dtype = try XCTUnwrap(dictionary["dtype"] as? String)
            shape = try XCTUnwrap(dictionary["shape"] as? [Int])
            values = try XCTUnwrap(dictionary["values"] as? [Any]).map { value in
                switch value {
                case let text as String:
                    // Floats are Python reprs ("0.1", "nan", "-inf"): Double(String) parses them exactly.
                    guard let parsed = Double(text) else { throw CocoaError(.coderReadCorrupt) }
                    return parsed
                case let number as NSNumber: return number.doubleValue
                default: throw CocoaError(.coderReadCorrupt)
                }
            }
        }

        func tensor<S: TensorScalar>(_ type: S.Type) -> Tensor<S> {
            XCTAssertEqual(S.dtypeName, dtype, "fixture input type")
            return try! Tensor<S>(shape: shape, scalars: values.map { S(converting: $0) })
        }
    }

    struct Case {
        let op: String
        let inputs: [NumpyArray]
        let expected: NumpyArray
        let params: [String: Any]
    }

    nonisolated(unsafe) static let cases: [Case] = {
        guard let url = try? TestFiles.fixture("tensor_api/reference.json"),
              let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = root["cases"] as? [[String: Any]] else { return [] }
        return list.map { item in
            Case(op: item["op"] as! String, inputs: (item["inputs"] as! [Any]).map { try! NumpyArray($0) },
                 expected: try! NumpyArray(item["expected"]!), params: item["params"] as? [String: Any] ?? [:])
        }
    }()

    /// Same dtype, shape and values; NaN matches NaN, zeros match in sign, and `tolerance` is relative.
    func assertMatches<S: TensorScalar>(_ result: Tensor<S>, _ expected: NumpyArray, tolerance: Double = 0,
                                        _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(S.dtypeName, expected.dtype, "\(label): dtype", file: file, line: line)
        XCTAssertEqual(result.shape, expected.shape, "\(label): shape", file: file, line: line)
        guard result.count == expected.values.count else {
            XCTFail("\(label): \(result.count) elements, numpy has \(expected.values.count)", file: file, line: line)
            return
        }
        for (index, (actual, wanted)) in zip(result.scalars.map(\.doubleValue), expected.values).enumerated() {
            let matches: Bool
            if wanted.isNaN { matches = actual.isNaN }
            else if wanted == 0 { matches = actual == 0 && actual.sign == wanted.sign }
            else if tolerance == 0 || wanted.isInfinite { matches = actual == wanted }
            else { matches = Swift.abs(actual - wanted) <= tolerance * Swift.abs(wanted) }
            if !matches {
                XCTFail("\(label): element \(index) is \(actual), numpy gives \(wanted)", file: file, line: line)
                return
            }
        }
    }

    func cases(_ op: String) -> [Case] {
        let selected = Self.cases.filter { $0.op == op }
        XCTAssertFalse(selected.isEmpty, "no \(op) cases in the fixture")
        return selected
    }

    /// Runs `body` with the scalar type of numpy's dtype name.
    func withScalarType(_ dtype: String, _ body: (any TensorScalar.Type) -> Void) {
        switch dtype {
        case "float32": body(Float.self)
        case "float64": body(Double.self)
        case "int32": body(Int32.self)
        case "uint8": body(UInt8.self)
        default: XCTFail("unexpected dtype \(dtype)")
        }
    }

    func testAstypeMatchesNumpy() {
        for (number, item) in (cases("astype") + cases("astype_of_slice")).enumerated() {
            let target = item.params["target"] as! String
            withScalarType(item.inputs[0].dtype) { source in
                withScalarType(target) { targetType in
                    func convert<S: TensorScalar, T: TensorScalar>(_ s: S.Type, _ t: T.Type) {
                        var input = item.inputs[0].tensor(S.self)
                        if item.op == "astype_of_slice" { input = input[.stride(by: 2), .stride(by: -1)] }
                        assertMatches(input.astype(T.self), item.expected, "\(item.op) \(number) \(S.dtypeName) → \(T.dtypeName)")
                        assertMatches(Tensor<T>(input), item.expected, "init \(number)")
                    }
                    convert(source, targetType)
                }
            }
        }
        for item in cases("scale255") {
            let pixels = item.inputs[0].tensor(UInt8.self)
            assertMatches(pixels.astype(Float.self) / 255, item.expected, tolerance: 1.2e-7, "bytes / 255")
        }
    }

    func testAstypeOnLargeTensorsUsesEveryThreadCountIdentically() {
        let count = 3 << 20 + 17
        let bytes = Tensor<UInt8>((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) })
        let saved = Parallelism.threadCount
        defer { Parallelism.threadCount = saved }
        Parallelism.threadCount = 1
        let one = bytes.astype(Float.self), oneDouble = one.astype(Double.self), back = oneDouble.astype(Float.self)
        Parallelism.threadCount = 2
        XCTAssertEqual(bytes.astype(Float.self), one)
        XCTAssertEqual(one.astype(Double.self), oneDouble)
        XCTAssertEqual(oneDouble.astype(Float.self), back)
        XCTAssertEqual(back, one, "UInt8 → Float → Double → Float is exact")
        for i in Swift.stride(from: 0, to: count, by: 4099) { XCTAssertEqual(one.scalars[i], Float(bytes.scalars[i])) }
    }

    func testPermuteMatchesNumpy() {
        for item in cases("permute") {
            let axes = item.params["axes"] as! [Int]
            withScalarType(item.inputs[0].dtype) { type in
                func run<S: TensorScalar>(_ s: S.Type) {
                    let input = item.inputs[0].tensor(S.self)
                    assertMatches(input.permuted(axes), item.expected, "permute \(input.shape) by \(axes)")
                    if axes == Array((0..<input.rank).reversed()) {
                        assertMatches(input.transposed(), item.expected, "transpose \(input.shape)")
                    }
                }
                run(type)
            }
        }
    }

    func testBasicSlicingMatchesNumpy() {
        for item in cases("slice") {
            let spec = (item.params["spec"] as! [[String: Any]]).map { axis -> TensorSlice in
                if let position = axis["i"] as? Int { return TensorSlice(position: position) }
                return TensorSlice(start: axis["start"] as? Int, stop: axis["stop"] as? Int, step: axis["step"] as? Int ?? 1)
            }
            let input = item.inputs[0].tensor(Float.self)
            assertMatches(input.slice(spec), item.expected, "slice \(input.shape) by \(spec)")
        }
    }

    func testBooleanMasksMatchNumpy() {
        for item in cases("mask") {
            let values = item.inputs[0].tensor(Float.self)
            withScalarType(item.inputs[1].dtype) { type in
                func run<M: TensorScalar>(_ m: M.Type) {
                    assertMatches(values[mask: item.inputs[1].tensor(M.self)], item.expected, "mask \(item.inputs[1].shape)")
                }
                run(type)
            }
        }
    }

    func testWhereMatchesNumpy() {
        for item in cases("where") {
            withScalarType(item.inputs[1].dtype) { type in
                withScalarType(item.inputs[0].dtype) { maskType in
                    func run<S: TensorScalar, M: TensorScalar>(_ s: S.Type, _ m: M.Type) {
                        let result = Tensor.where(item.inputs[0].tensor(M.self), item.inputs[1].tensor(S.self),
                                                  item.inputs[2].tensor(S.self))
                        assertMatches(result, item.expected, "where \(item.inputs.map(\.shape))")
                    }
                    run(type, maskType)
                }
            }
        }
    }

    func testGatheringRowsMatchesNumpy() {
        for item in cases("gather") {
            withScalarType(item.inputs[0].dtype) { type in
                func run<S: TensorScalar>(_ s: S.Type) {
                    let table = item.inputs[0].tensor(S.self), indices = item.inputs[1].tensor(Int32.self)
                    assertMatches(table.gatheringRows(indices), item.expected, "gather \(indices.shape)")
                    if indices.rank == 1 {
                        assertMatches(table.gatheringRows(indices.scalars), item.expected, "gather [Int32]")
                        assertMatches(table.gatheringRows(indices.scalars.map(Int.init)), item.expected, "gather [Int]")
                    }
                }
                run(type)
            }
        }
        for item in cases("gather_argmax") {
            let table = item.inputs[0].tensor(Float.self), logits = item.inputs[1].tensor(Float.self)
            assertMatches(table.gatheringRows(logits.argmax(axis: 1)), item.expected, "argmax results as indices")
        }
    }

    func testJoiningMatchesNumpy() {
        for item in cases("concatenate") {
            let tensors = item.inputs.map { $0.tensor(Float.self) }
            let axis = item.params["axis"] as! Int
            assertMatches(Tensor.concatenate(tensors, axis: axis), item.expected, "concatenate axis \(axis)")
            assertMatches(concatenate(tensors, axis: axis), item.expected, "free concatenate")
        }
        for item in cases("stack") {
            let tensors = item.inputs.map { $0.tensor(Float.self) }
            assertMatches(stack(tensors, axis: item.params["axis"] as! Int), item.expected, "stack")
        }
    }

    func testDotAndExtremaMatchNumpy() {
        for item in cases("dot") {
            let a = item.inputs[0].tensor(Double.self), b = item.inputs[1].tensor(Double.self)
            assertMatches(a.dot(b), item.expected, tolerance: 1e-15, "dot \(a.shape) \(b.shape)")
            assertMatches(dot(a, b), item.expected, tolerance: 1e-15, "free dot")
            assertMatches(Tensor<Float>(a).dot(Tensor<Float>(b)), item.expected.asFloat32, tolerance: 1e-6, "Float dot")
        }
        for op in ["maximum", "minimum"] {
            for item in cases(op) {
                let a = item.inputs[0].tensor(Float.self), b = item.inputs[1].tensor(Float.self)
                let result = op == "maximum" ? maximum(a, b) : minimum(a, b)
                assertMatches(result, item.expected, "\(op) \(a.shape) \(b.shape)")
                if b.rank == 0 {
                    assertMatches(op == "maximum" ? maximum(a, b.scalars[0]) : minimum(a, b.scalars[0]), item.expected, "\(op) scalar")
                }
            }
        }
    }
}

extension NumpyAPITests.NumpyArray {
    /// The same values, labelled float32 (for comparing a Float computation with a float64 reference).
    var asFloat32: NumpyAPITests.NumpyArray { NumpyAPITests.NumpyArray(dtype: "float32", shape: shape, values: values) }

    init(dtype: String, shape: [Int], values: [Double]) {
        self.dtype = dtype
        self.shape = shape
        self.values = values
    }
}
