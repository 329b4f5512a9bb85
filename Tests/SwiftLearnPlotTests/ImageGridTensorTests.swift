import XCTest
import SwiftLearnTensor
@testable import SwiftLearnPlot

/// `ImageGrid` straight from a tensor, checked against matplotlib's imshow rules computed by hand:
/// `t = (v - vmin) / (vmax - vmin)` clipped, colour = the map's 256-entry table at `min(255, floor(t * 256))`.
final class ImageGridTensorTests: XCTestCase {
    /// matplotlib's gray_r for value `v` in an image whose range is `low...high`.
    func grayReversed(_ v: Double, _ low: Double, _ high: Double) -> UInt8 {
        let t = high > low ? min(1, max(0, (v - low) / (high - low))) : 0
        return 255 - UInt8(min(255, Int(t * 256)))
    }

    func testGrayscaleUInt8WithGrayReversedAndPerImageScaling() throws {
        // Two 2x3 images; the second spans a narrower range, which per-image scaling stretches.
        let values: [UInt8] = [0, 51, 102, 153, 204, 255, 100, 110, 120, 130, 140, 150]
        let images = try Tensor<UInt8>(shape: [2, 2, 3], scalars: values)
        let grid = try ImageGrid(images, columns: 2, captions: ["a", "b"], colorMap: .grayReversed)
        XCTAssertEqual(grid.images.count, 2)
        for (index, range) in [(0.0, 255.0), (100.0, 150.0)].enumerated() {
            let tile = grid.images[index]
            XCTAssertEqual([tile.width, tile.height, tile.channels], [3, 2, 3])
            for p in 0..<6 {
                let expected = grayReversed(Double(values[index * 6 + p]), range.0, range.1)
                XCTAssertEqual(Array(tile.pixels[(p * 3)..<(p * 3 + 3)]), [expected, expected, expected], "tile \(index) pixel \(p)")
            }
        }
        XCTAssertEqual(grid.images[0].pixels[0], 255, "the minimum is white in gray_r")
        XCTAssertEqual(grid.images[0].pixels[15], 0, "the maximum is black")
    }

    func testFloatFeatureMapsSharedAndFixedScaling() throws {
        let maps = try Tensor<Float>(shape: [2, 1, 2, 1], scalars: [-1, 1, 0, 3])
        let shared = try ImageGrid(maps, colorMap: .gray, scaling: .shared)   // one range: -1...3
        let perImage = try ImageGrid(maps, colorMap: .gray)                   // -1...1 and 0...3
        let fixed = try ImageGrid(maps, colorMap: .gray, scaling: .range(0, 1))
        func gray(_ v: Double, _ low: Double, _ high: Double) -> UInt8 { 255 - grayReversed(v, low, high) }
        XCTAssertEqual(shared.images.map { [$0.pixels[0], $0.pixels[3]] }, [[gray(-1, -1, 3), gray(1, -1, 3)], [gray(0, -1, 3), gray(3, -1, 3)]])
        XCTAssertEqual(perImage.images.map { [$0.pixels[0], $0.pixels[3]] }, [[0, 255], [0, 255]])
        XCTAssertEqual(fixed.images.map { [$0.pixels[0], $0.pixels[3]] }, [[0, 255], [0, 255]])
        XCTAssertEqual(try ImageGrid(try Tensor<Float>(shape: [1, 1, 2], scalars: [5, 5]), colorMap: .gray).images[0].pixels, [0, 0, 0, 0, 0, 0],
                       "a constant image maps to the bottom of the map, as matplotlib's Normalize")
    }

    func testColourImagesFollowImshow() throws {
        let bytes = try Tensor<UInt8>(shape: [1, 1, 2, 3], scalars: [10, 20, 30, 200, 210, 220])
        XCTAssertEqual(try ImageGrid(bytes).images[0].pixels, [10, 20, 30, 200, 210, 220], "UInt8 RGB is shown as is")
        let floats = try Tensor<Float>(shape: [1, 1, 2, 4], scalars: [-0.5, 0.5, 1.5, 1, 0.25, 0.75, 1, 0])
        // Floats are clipped to 0...1 and scaled by 255, truncating ((x * 255).astype(uint8)).
        XCTAssertEqual(try ImageGrid(floats).images[0].pixels, [0, 127, 255, 255, 63, 191, 255, 0])
        XCTAssertEqual(try ImageGrid(floats, scaling: .perImage).images[0].pixels, [0, 127, 255, 191, 95, 159, 191, 63])
    }

    func testNamedMapsAndBadShapes() throws {
        XCTAssertEqual(try PlotColorMap.named("gray_r"), .grayReversed)
        XCTAssertEqual(try PlotColorMap.named("binary"), .grayReversed)
        XCTAssertEqual(try PlotColorMap.named("gray").lookupTable().map(\.red), (0...255).map(UInt8.init))
        XCTAssertThrowsError(try PlotColorMap.named("jet")) { XCTAssertTrue("\($0)".contains("gray_r"), "\($0)") }
        XCTAssertThrowsError(try ImageGrid(try Tensor<UInt8>(shape: [2, 3], scalars: [0, 0, 0, 0, 0, 0]))) {
            XCTAssertTrue("\($0)".contains("received shape [2, 3]"), "\($0)")
        }
        XCTAssertThrowsError(try ImageGrid(try Tensor<UInt8>(shape: [1, 1, 1, 2], scalars: [0, 0]))) {
            XCTAssertTrue("\($0)".contains("[1, 1, 1, 2]"), "\($0)")
        }
    }

    func testRendersThroughPNG() throws {
        let digits = try Tensor<UInt8>(shape: [3, 4, 4], scalars: (0..<48).map { UInt8($0 * 5) })
        let grid = try ImageGrid(digits, columns: 3, captions: ["0", "1", "2"], title: "digits", colorMap: .grayReversed)
        let png = try PNGTestDecoder.decode(grid.png())
        XCTAssertEqual([png.width, png.height], [grid.width, grid.height])
        XCTAssertTrue(png.rgba.contains(0) && png.rgba.contains(255))
    }
}
