// The convolutional chapter: the same data through Conv2D and MaxPooling2D, then the first layer's filters
// and feature maps drawn as images.
import ExampleSupport
import SwiftLearn

/// The chapter's convolutional network, as Keras writes it (333,526 parameters):
/// Conv2D(32, 3, relu, same) → MaxPooling2D(2) → Conv2D(64, 3, relu, same) → MaxPooling2D(2) → Flatten →
/// Dense(100, relu) → Dropout(0.4) → Dense(10, softmax), on 28 x 28 x 1 images.
func makeConvolutionalModel() -> Sequential {
    Sequential {
        Conv2D(32, kernelSize: 3, activation: .relu, padding: .same, inputShape: [28, 28, 1])
        MaxPooling2D(2)
        Conv2D(64, kernelSize: [3, 3], activation: .relu, padding: .same)
        MaxPooling2D(2)
        Flatten()
        Dense(100, activation: .relu)
        Dropout(0.4)
        Dense(10, activation: .softmax)
    }
}

/// Images as the convolution expects them: `[n, 28, 28]` → `[n, 28, 28, 1]` (the chapter's `reshape(-1, 28, 28, 1)`).
func withChannelAxis(_ images: Tensor<Float>) throws -> Tensor<Float> {
    try images.checkedReshaped(images.shape + [1])
}

/// The chapter's pictures: the first Conv2D's 32 kernels (3 x 3 each) and its 32 feature maps for one
/// test image (`keras.Model(model.inputs, model.layers[0].output)`), each tile scaled on its own, as imshow does.
func writeConvolutionPictures(_ model: Sequential, image: Tensor<Float>, directory: String) throws -> [String] {
    let kernel = try model.getLayer(index: 0).weights[0].value                    // [3, 3, 1, 32]
    let filters = kernel.permuted([3, 0, 1, 2])                              // [32, 3, 3, 1]
    var paths: [String] = []
    let filterGrid = try ImageGrid(filters, columns: 16, captions: (0..<filters.shape[0]).map { "filter \($0)" },
                                   title: "First Conv2D layer: 32 kernels (3 x 3)", colorMap: .viridis)
    paths += try writePNGAndSVG(joinPath(directory, "cnn-filters")) { (url) throws(PlotError) in try filterGrid.write(to: url) }
    let maps = try model.intermediateOutput(layer: 0, for: image)                 // [1, 28, 28, 32]
    let tiles = maps.permuted([3, 1, 2, 0])                                  // [32, 28, 28, 1]
    let mapGrid = try ImageGrid(tiles, columns: 8, captions: (0..<tiles.shape[0]).map { "map \($0)" },
                                title: "First Conv2D layer: feature maps of test image 0", colorMap: .viridis)
    paths += try writePNGAndSVG(joinPath(directory, "cnn-feature-maps")) { (url) throws(PlotError) in try mapGrid.write(to: url) }
    return paths
}
