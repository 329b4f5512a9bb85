import Foundation
import XCTest
import SwiftLearnSystem
import SwiftLearnTensor
import SwiftLearnTestSupport
@testable import SwiftLearnNN

/// One case of Tests/Fixtures/conv/conv_cases.json (naive loops in numpy, float64).
struct ConvFixtureCase {
    let values: [String: Any]

    static func load(layer: String) throws -> [ConvFixtureCase] {
        let data = try Data(contentsOf: try TestFiles.fixture("conv/conv_cases.json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try XCTUnwrap(root["cases"] as? [[String: Any]]).map(ConvFixtureCase.init)
        return cases.filter { $0.string("layer") == layer }
    }

    func ints(_ key: String) -> [Int] { (values[key] as! [NSNumber]).map(\.intValue) }
    func floats(_ key: String) -> [Float] { (values[key] as! [NSNumber]).map(\.floatValue) }
    func string(_ key: String) -> String { values[key] as! String }
    var padding: Padding { Padding(rawValue: string("padding"))! }
    var input: Tensor<Float> { try! Tensor(shape: ints("input_shape"), scalars: floats("input")) }
    var description: String { values.filter { !["input", "output", "kernel", "bias"].contains($0.key) }.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ") }
}

/// A direct loop over output positions, taps and channels: the definition of the convolution, independent
/// of im2col and SGEMM.
func naiveConvolution(_ x: [Float], shape: [Int], kernel: [Float], kernelShape: [Int], bias: [Float]?,
                      strides: [Int], dilation: [Int], padding: Padding) -> (values: [Float], shape: [Int]) {
    let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
    let (kh, kw, f) = (kernelShape[0], kernelShape[1], kernelShape[3])
    func axis(_ size: Int, _ window: Int, _ stride: Int, _ dilation: Int) -> (Int, Int) {
        let span = dilation * (window - 1) + 1
        if padding == .valid { return ((size - span) / stride + 1, 0) }
        let out = (size + stride - 1) / stride
        return (out, max((out - 1) * stride + span - size, 0) / 2)
    }
    let (oh, top) = axis(h, kh, strides[0], dilation[0])
    let (ow, left) = axis(w, kw, strides[1], dilation[1])
    var y = [Float](repeating: 0, count: n * oh * ow * f)
    for b in 0..<n {
        for i in 0..<oh {
            for j in 0..<ow {
                for o in 0..<f {
                    var total = Double(bias?[o] ?? 0)
                    for p in 0..<kh {
                        for q in 0..<kw {
                            let r = i * strides[0] - top + p * dilation[0], s = j * strides[1] - left + q * dilation[1]
                            guard r >= 0, r < h, s >= 0, s < w else { continue }
                            for ch in 0..<c {
                                total += Double(x[((b * h + r) * w + s) * c + ch]) * Double(kernel[((p * kw + q) * c + ch) * f + o])
                            }
                        }
                    }
                    y[((b * oh + i) * ow + j) * f + o] = Float(total)
                }
            }
        }
    }
    return (y, [n, oh, ow, f])
}

final class ConvTests: XCTestCase {
    private var savedThreadCount = 1
    override func setUp() {
        super.setUp()
        savedThreadCount = Parallelism.threadCount
    }
    override func tearDown() {
        Parallelism.threadCount = savedThreadCount
        super.tearDown()
    }

    /// Odd sizes, strides 1 and 2, both paddings, dilation, pointwise, batch 1 and 3, channels 1/3/5:
    /// the layer's output against numpy's naive loops.
    func testForwardMatchesNumpyNaiveLoops() throws {
        let cases = try ConvFixtureCase.load(layer: "conv")
        XCTAssertEqual(cases.count, 8)
        for path in [Conv2D.Path.direct, .columns] {
            for fixture in cases {
                let shape = fixture.ints("input_shape")
                let kernelSize = fixture.ints("kernel_size")
                let conv = Conv2D((fixture.values["filters"] as! NSNumber).intValue,
                                  kernelSize: Size2D(kernelSize), strides: Size2D(fixture.ints("strides")),
                                  activation: ActivationFunction(name: fixture.string("activation"))!,
                                  padding: fixture.padding, dilationRate: Size2D(fixture.ints("dilation_rate")))
                conv.forcedPath = path
                try conv.build(inputShape: Array(shape.dropFirst()))
                try conv.kernel!.assign(try Tensor(shape: conv.kernel!.shape, scalars: fixture.floats("kernel")))
                try conv.bias!.assign(try Tensor(shape: [conv.filters], scalars: fixture.floats("bias")))
                let output = try conv(fixture.input)
                XCTAssertEqual(output.shape, fixture.ints("output_shape"), fixture.description)
                assertClose(output.scalars, fixture.floats("output"), tolerance: 2e-5, "\(path) \(fixture.description)")
            }
        }
    }

    /// A larger random convolution against the Swift naive loop, on 1, 2 and 3 threads: equal to the
    /// reference within rounding and bit-identical across thread counts.
    func testForwardMatchesNaiveLoopAndIsThreadIndependent() throws {
        setRandomSeed(5)
        let shape = [5, 13, 11, 6]
        let x = uniformValues(shape.reduce(1, *), seed: 21)
        let conv = Conv2D(7, kernelSize: [3, 5], strides: [2, 1], padding: .same, biasInitializer: .randomUniform())
        try conv.build(inputShape: Array(shape.dropFirst()))
        let reference = naiveConvolution(x, shape: shape, kernel: conv.kernel!.scalars, kernelShape: conv.kernel!.shape,
                                         bias: conv.bias!.scalars, strides: [2, 1], dilation: [1, 1], padding: .same)
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            Parallelism.threadCount = threads
            let output = try conv(try Tensor(shape: shape, scalars: x))
            XCTAssertEqual(output.shape, reference.shape)
            results.append(output.scalars)
        }
        assertClose(results[0], reference.values, tolerance: 1e-5)
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
    }

    /// Both paths (direct loops and im2col + SGEMM, the latter with one-sample chunks and gradient groups) against finite differences.
    func testGradientsAgainstFiniteDifferences() throws {
        let configurations: [(() -> Conv2D, [Int], Int)] = [
            ({ Conv2D(2, kernelSize: 3, padding: .same, biasInitializer: .randomUniform()) }, [5, 4, 3], 2),
            ({ Conv2D(3, kernelSize: [2, 3], strides: 2) }, [5, 7, 2], 3),
            ({ Conv2D(2, kernelSize: 3, activation: .tanh, padding: .same, dilationRate: 2) }, [5, 6, 1], 1),
            ({ Conv2D(2, kernelSize: 1, useBias: false) }, [3, 3, 5], 2),
            ({ Conv2D(2, kernelSize: 4, strides: [1, 2], activation: .sigmoid, padding: .same) }, [5, 5, 2], 3),
            ({ Conv2D(17, kernelSize: 3, activation: .tanh, padding: .same, biasInitializer: .randomUniform()) }, [4, 3, 2], 2),
        ]
        setRandomSeed(31)
        for path in [Conv2D.Path.direct, .columns] {
            for (index, (make, shape, batch)) in configurations.enumerated() {
                let conv = make()
                conv.forcedPath = path
                conv.chunkFloats = 1
                conv.gradientGroupFloats = 1
                let input = uniformValues(batch * shape.reduce(1, *), seed: UInt32(40 + index))
                try checkLayerGradients(conv, inputShape: shape, batch: batch, input: input, step: 1e-2, tolerance: 2e-3)
            }
        }
    }

    /// Forward, input gradient and weight gradients of both paths on 37 filters (two blocks of 16 and a tail),
    /// uneven chunks and weight-gradient groups of samples: close to the naive loop and to each other, and
    /// bit-identical on 1, 2 and 3 threads, after a training or an inference forward pass.
    func testPathsAgreeAndAreThreadIndependent() throws {
        let shape = [5, 9, 8, 6]  // 54-value windows: the weight gradient's rows split over up to 3 threads
        let x = try Tensor(shape: shape, scalars: uniformValues(shape.reduce(1, *), seed: 8))
        let upstream = uniformValues(5 * 9 * 4 * 37, seed: 9)
        func run(_ path: Conv2D.Path, threads: Int, training: Bool) throws -> [[Float]] {
            Parallelism.threadCount = threads
            setRandomSeed(17)
            let conv = Conv2D(37, kernelSize: 3, strides: [1, 2], activation: .relu, padding: .same,
                              biasInitializer: .randomUniform(min: -0.2, max: 0.2))
            conv.forcedPath = path
            conv.chunkFloats = 2 * 36 * 54  // two samples per chunk: chunks of 2, 2 and 1
            conv.gradientGroupFloats = 3 * 36 * 54  // weight gradient summed over groups of 3 and 2 samples
            try conv.build(inputShape: Array(shape.dropFirst()))
            let y = try conv.call(x, training: training)
            let dx = try conv.backward(inputs: x, outputs: y, outputGradient: try Tensor(shape: y.shape, scalars: upstream))
            return [y.scalars, dx.scalars, conv.kernel!.gradient.scalars, conv.bias!.gradient.scalars]
        }
        let direct = try run(.direct, threads: 1, training: true)
        let columns = try run(.columns, threads: 1, training: true)
        setRandomSeed(17)
        let reference = Conv2D(37, kernelSize: 3, strides: [1, 2], activation: .relu, padding: .same,
                               biasInitializer: .randomUniform(min: -0.2, max: 0.2))
        try reference.build(inputShape: Array(shape.dropFirst()))
        let naive = naiveConvolution(x.scalars, shape: shape, kernel: reference.kernel!.scalars, kernelShape: reference.kernel!.shape,
                                     bias: reference.bias!.scalars, strides: [1, 2], dilation: [1, 1], padding: .same)
        assertClose(direct[0], naive.values.map { max($0, 0) }, tolerance: 1e-5, "direct forward")
        assertClose(columns[0], naive.values.map { max($0, 0) }, tolerance: 1e-5, "columns forward")
        for (index, what) in ["input gradient", "kernel gradient", "bias gradient"].enumerated() {
            assertClose(direct[index + 1], columns[index + 1], tolerance: 1e-4, what)
        }
        for path in [Conv2D.Path.direct, .columns] {
            let one = path == .direct ? direct : columns
            for threads in [1, 2, 3] {
                for training in [true, false] where threads > 1 || !training {
                    XCTAssertEqual(try run(path, threads: threads, training: training), one, "\(path) on \(threads) threads, training \(training)")
                }
            }
        }
    }

    /// Keras's shapes and counts for the chapter's model: 320 + 18,496 + 313,700 + 1,010 = 333,526 (long
    /// names wrap inside their column as TensorFlow 2's Keras prints them).
    func testChapterModelSummary() throws {
        clearSession()
        // The chapter's cell, one model.add per line.
        let model = Sequential()
        model.add(Conv2D(32, kernelSize: 3, activation: .relu, padding: .same, inputShape: [28, 28, 1]))
        model.add(MaxPooling2D(2))
        model.add(Conv2D(64, kernelSize: [3, 3], activation: .relu, padding: .same))
        model.add(MaxPooling2D(2))
        model.add(Flatten())
        model.add(Dense(100, activation: .relu))
        model.add(Dropout(0.4))
        model.add(Dense(10, activation: .softmax))
        let text = try model.summaryText()
        let expectedRows = [
            " conv2d (Conv2D)             (None, 28, 28, 32)        320       ",
            " max_pooling2d (MaxPooling2D  (None, 14, 14, 32)       0         ",
            " )                                                               ",
            " conv2d_1 (Conv2D)           (None, 14, 14, 64)        18496     ",
            " max_pooling2d_1 (MaxPooling  (None, 7, 7, 64)         0         ",
            " 2D)                                                             ",
            " flatten (Flatten)           (None, 3136)              0         ",
            " dense (Dense)               (None, 100)               313700    ",
            " dropout (Dropout)           (None, 100)               0         ",
            " dense_1 (Dense)             (None, 10)                1010      ",
            "Total params: 333,526",
            "Trainable params: 333,526",
            "Non-trainable params: 0",
        ]
        let lines = text.split(separator: "\n").map(String.init)
        for row in expectedRows {
            XCTAssert(lines.contains(row), "summary lacks the row \"\(row)\":\n\(text)")
        }
        XCTAssertEqual(model.layers[0].weights[0].shape, [3, 3, 1, 32])
    }

    /// Glorot-uniform with Keras's convolution fans: limit sqrt(6 / (9·3 + 9·8)).
    func testKernelInitializerUsesConvolutionFans() throws {
        setRandomSeed(3)
        let conv = Conv2D(8, kernelSize: 3)
        try conv.build(inputShape: [6, 6, 3])
        let limit = Float((6.0 / Double(9 * 3 + 9 * 8)).squareRoot())
        let values = conv.kernel!.scalars
        XCTAssert(values.allSatisfy { abs($0) <= limit })
        XCTAssertGreaterThan(values.map(abs).max()!, limit * 0.9)
        XCTAssertEqual(conv.bias!.scalars, [Float](repeating: 0, count: 8))
    }

    func testBadArgumentsAndShapesThrowWithTheReceivedValues() throws {
        assertThrowsMessage(["filters", "received 0"]) { try Conv2D(0, kernelSize: 3).build(inputShape: [5, 5, 1]) }
        assertThrowsMessage(["kernelSize", "[3, 3, 3]"]) { try Conv2D(2, kernelSize: [3, 3, 3]).build(inputShape: [5, 5, 1]) }
        assertThrowsMessage(["strides", "[0, 0]"]) { try Conv2D(2, kernelSize: 3, strides: 0).build(inputShape: [5, 5, 1]) }
        assertThrowsMessage(["strides > 1", "dilationRate"]) {
            try Conv2D(2, kernelSize: 3, strides: 2, dilationRate: 2).build(inputShape: [9, 9, 1])
        }
        assertThrowsMessage(["(None, height, width, channels)", "(None, 28, 28)"]) { try Conv2D(2, kernelSize: 3).build(inputShape: [28, 28]) }
        assertThrowsMessage(["does not fit", "(None, 2, 5, 1)"]) { try Conv2D(2, kernelSize: 3).build(inputShape: [2, 5, 1]) }
        assertThrowsMessage(["poolSize", "[-1, -1]"]) { try MaxPooling2D(-1).build(inputShape: [4, 4, 1]) }
    }

    /// A model with every new layer saves and loads (whole model and weights) with identical predictions.
    func testEveryNewLayerSavesAndLoads() throws {
        func makeModel(seed: UInt32) -> Sequential {
            setRandomSeed(seed)
            return Sequential {
                Reshape([9, 8, 1], inputShape: [72])
                Conv2D(4, kernelSize: [3, 2], strides: [1, 2], activation: .leakyRelu(negativeSlope: 0.1), padding: .same,
                       kernelInitializer: .heNormal)
                BatchNormalization(momentum: 0.9, epsilon: 1e-2)
                MaxPooling2D([2, 1], strides: 1, padding: .same)
                Conv2D(3, kernelSize: 2, dilationRate: [2, 1], useBias: false)
                AveragePooling2D(2, padding: .same)
                GlobalMaxPooling2D(keepDims: true)
                Flatten()
                Dense(3, activation: .softmax)
            }
        }
        let model = makeModel(seed: 8)
        let x = try Tensor(shape: [4, 72], scalars: uniformValues(4 * 72, seed: 3))
        let y = try Tensor(shape: [4], scalars: [0, 1, 2, 1])
        try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy")
        _ = try model.fit(x, y, epochs: 2, batchSize: 2, verbose: 0)
        let directory = temporaryDirectory()
        try model.save(directory + "/model.safetensors")
        let loaded = try loadModel(directory + "/model.safetensors")
        XCTAssertEqual(loaded.layers.map(\.className), model.layers.map(\.className))
        XCTAssertEqual(loaded.layers.map { (layer: Layer) in layer.config }, model.layers.map { (layer: Layer) in layer.config })
        XCTAssertEqual(try loaded(x).scalars, try model(x).scalars)
        try model.saveWeights(directory + "/weights.safetensors")
        let fresh = makeModel(seed: 9)
        try fresh.build(inputShape: [72])
        XCTAssertNotEqual(try fresh(x).scalars, try model(x).scalars)
        try fresh.loadWeights(directory + "/weights.safetensors")
        XCTAssertEqual(try fresh(x).scalars, try model(x).scalars)
    }

    /// The same seed trains the same convolutional model bit for bit, on 1 and 2 threads.
    func testTrainingIsDeterministicAcrossThreadCounts() throws {
        func train(threads: Int) throws -> [[Float]] {
            Parallelism.threadCount = threads
            setRandomSeed(12)
            let model = Sequential {
                Conv2D(4, kernelSize: 3, activation: .relu, padding: .same, inputShape: [8, 8, 2])
                BatchNormalization()
                MaxPooling2D(2)
                Conv2D(5, kernelSize: 3, strides: 2, activation: .relu)
                GlobalAveragePooling2D()
                Dropout(0.2)
                Dense(3, activation: .softmax)
            }
            let x = try Tensor(shape: [12, 8, 8, 2], scalars: uniformValues(12 * 128, seed: 4))
            let y = try Tensor(shape: [12], scalars: (0..<12).map { Float($0 % 3) })
            try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy")
            _ = try model.fit(x, y, epochs: 2, batchSize: 5, verbose: 0)
            return model.getWeights().map(\.scalars)
        }
        let one = try train(threads: 1)
        XCTAssertEqual(try train(threads: 2), one)
        XCTAssertEqual(try train(threads: 3), one)
    }

    /// The chapter's feature maps: the first layers' output for one image equals running those layers.
    func testIntermediateOutputIsTheFeatureMaps() throws {
        setRandomSeed(2)
        let model = Sequential {
            Conv2D(3, kernelSize: 3, activation: .relu, padding: .same, inputShape: [6, 6, 1])
            MaxPooling2D(2)
            Flatten()
            Dense(2)
        }
        let x = try Tensor(shape: [1, 6, 6, 1], scalars: uniformValues(36, seed: 6))
        let maps = try model.intermediateOutput(layer: 0, for: x)
        XCTAssertEqual(maps.shape, [1, 6, 6, 3])
        XCTAssertEqual(maps.scalars, try model.layers[0](x).scalars)
        XCTAssertEqual(try model.intermediateOutput(layer: 1, for: x).shape, [1, 3, 3, 3])
        XCTAssertEqual(try model.intermediateOutput(layer: 3, for: x).scalars, try model(x).scalars)
        assertThrowsMessage(["index 4"]) { _ = try model.intermediateOutput(layer: 4, for: x) }
    }

    func testReshapeInfersTheMissingExtentAndRejectsBadTargets() throws {
        let reshape = Reshape([-1, 4])
        try reshape.build(inputShape: [3, 2, 2])
        XCTAssertEqual(reshape.outputShape, [3, 4])
        try checkLayerGradients(Reshape([6, 2]), inputShape: [3, 4], batch: 2, input: uniformValues(24, seed: 2))
        assertThrowsMessage(["cannot hold", "(None, 5)"]) { try Reshape([2, -1]).build(inputShape: [5]) }
        assertThrowsMessage(["at most one -1", "[-1, -1]"]) { try Reshape([-1, -1]).build(inputShape: [4]) }
    }
}
