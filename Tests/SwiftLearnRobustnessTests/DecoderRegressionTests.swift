import XCTest
import SwiftLearnCompression
import SwiftLearnData
import SwiftLearnNN
import SwiftLearnTensor
import SwiftLearnVision

/// Inputs found by the fuzzers in Tests/Fuzz (each once a crash, leak, hang or unbounded allocation),
/// kept in `Fixtures/fuzz/<target>/`. Each must now decode or throw an error naming the file and the problem.
/// `.ci/fuzz-smoke.sh` also replays them under AddressSanitizer with leak detection.
final class DecoderRegressionTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    /// Expected message fragment per regression input (besides the file name).
    static let expected: [String: String] = [
        "jpeg/leak-huffman-table-oversubscribed.jpg": "Huffman table is over-subscribed",
        // 1.1 KB progressive files claiming 9472x8221 (8 s of zero-fill decoding under ASan, a libFuzzer
        // timeout) and 65535x8191 (3 x 1 GiB of coefficients): the size is refused before allocating.
        "jpeg/slow-truncated-progressive-9472x8221.jpg": "image size 9472x8221 needs at least 152144 bytes of scan data",
        "jpeg/oom-progressive-65535x8191.jpg": "image size 65535x8191 needs at least 1048576 bytes of scan data",
        // Architecture JSON asking for 7.2 GB / 72 GB of weights from an 880-byte file (out-of-memory): every
        // weight is charged against the file's tensor data before it is allocated.
        "model/oom-dense-300M-units.safetensors": "needs more weight values than the file holds (weight 'dense_2/kernel' alone needs 1800000000",
        "model/oom-flatten-6G-inputs.safetensors": "weight 'kernel' of shape (6000000000, 3) needs positive extents and at most 2147483647 values",
        "model/overflow-input-shape.safetensors": "has build_input_shape [3037000500,3037000500], expected a non-empty list of positive integers",
        // Issue 13: nesting that overflowed the stack of the recursive parsers (made by
        // Fixtures/make_nesting_regressions.py); now refused at the 128-level limit.
        "npy/stack-overflow-20000-parens.npy": "byte offset 187: NPY header is not a valid Python literal: tuples, lists and dictionaries nested more than 128 levels deep (the limit is 128)",
        "safetensors/deep-json-10000-brackets.safetensors": "is invalid at byte 191: arrays and objects nested more than 128 levels deep (the limit is 128)",
    ]

    static func load(_ relative: String) throws -> [UInt8] {
        let url = fixtures.appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw NSError(domain: "DecoderRegressionTests", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "regression input \(url.path) is missing"])
        }
        return [UInt8](data)
    }

    func testEveryRegressionInputHasAnExpectation() throws {
        var found: [String] = []
        for kind in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path) {
            for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent(kind).path) {
                found.append("\(kind)/\(name)")
            }
        }
        XCTAssertEqual(Set(found), Set(Self.expected.keys), "every file in Fixtures/fuzz needs an entry in `expected`")
    }

    func testJPEGRegressionsThrowDescriptiveErrors() throws {
        for (relative, fragment) in Self.expected where relative.hasPrefix("jpeg/") {
            let bytes = try Self.load(relative)
            for mode in ColorMode.allCases {
                XCTAssertThrowsError(try decodeImage(bytes, colorMode: mode, file: relative)) { error in
                    let message = String(describing: error)
                    XCTAssertTrue(message.contains(relative), "\(relative): \(message)")
                    XCTAssertTrue(message.contains(fragment), "\(relative): \(message)")
                }
            }
        }
    }

    func testNestingRegressionsThrowAtTheLimit() throws {
        let npy = Self.fixtures.appendingPathComponent("npy/stack-overflow-20000-parens.npy")
        XCTAssertThrowsError(try NPY.read(contentsOf: npy)) { error in
            XCTAssertTrue("\(error)".hasPrefix(npy.path + ": " + Self.expected["npy/stack-overflow-20000-parens.npy"]!), "\(error)")
        }
        let safetensors = Self.fixtures.appendingPathComponent("safetensors/deep-json-10000-brackets.safetensors").path
        for load in [{ _ = try loadModel(safetensors) }, {
            let model = Sequential { Dense(1, inputShape: [1]) }
            try model.loadWeights(safetensors)
        }] as [() throws -> Void] {
            XCTAssertThrowsError(try load()) { error in
                XCTAssertTrue("\(error)".hasPrefix(safetensors + ": "), "\(error)")
                XCTAssertTrue("\(error)".contains(Self.expected["safetensors/deep-json-10000-brackets.safetensors"]!), "\(error)")
            }
        }
    }

    func testModelFileRegressionsThrowBeforeAllocating() throws {
        for (relative, fragment) in Self.expected where relative.hasPrefix("model/") {
            let path = Self.fixtures.appendingPathComponent(relative).path
            XCTAssertThrowsError(try loadModel(path), relative) { error in
                let message = String(describing: error)
                XCTAssertTrue(message.contains(path), "\(relative): \(message)")
                XCTAssertTrue(message.contains(fragment), "\(relative): \(message)")
            }
        }
    }
}
