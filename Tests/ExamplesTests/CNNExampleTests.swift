import Foundation
import SwiftLearn
import SwiftLearnTestSupport
import XCTest
@testable import FashionMNISTExample

/// `fashion-mnist --model cnn`: the chapter's network and the filter and feature-map pictures. (Training it is
/// left to the release example: a debug build needs minutes for even a few dozen images; ConvTests trains
/// smaller convolutional models.)
final class CNNExampleTests: XCTestCase {
    func testChapterModelAndItsFilterAndFeatureMapPictures() throws {
        setRandomSeed(42)
        let model = makeConvolutionalModel()
        try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        XCTAssertEqual(model.parameterCount, 333_526)
        XCTAssertEqual(model.layers.map { $0.outputShape! }, [[28, 28, 32], [14, 14, 32], [14, 14, 64], [7, 7, 64], [3136], [100], [100], [10]])
        // A bright square on a dark image, with the channel axis the model expects.
        var pixels = [Float](repeating: 0, count: 784)
        for row in 8..<20 { for column in 8..<20 { pixels[row * 28 + column] = 1 } }
        let image = try withChannelAxis(try Tensor(shape: [1, 28, 28], scalars: pixels))
        XCTAssertEqual(image.shape, [1, 28, 28, 1])

        let directory = try TestFiles.temporaryDirectory()
        let paths = try writeConvolutionPictures(model, image: image, directory: directory.path)
        XCTAssertEqual(paths.map { URL(fileURLWithPath: $0).lastPathComponent },
                       ["cnn-filters.png", "cnn-filters.svg", "cnn-feature-maps.png", "cnn-feature-maps.svg"])
        for path in paths where path.hasSuffix(".png") {
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        }
    }
}
