import XCTest
import SwiftLearnTensor
@testable import SwiftLearnNN

/// The tutorial's code path end to end, in the spelling, on small stand-in data
/// (a narrower hidden layer and a larger learning rate keep the debug build fast).
final class TutorialTests: XCTestCase {
    func testTutorialFlow() throws {
        let directory = temporaryDirectory()
        setRandomSeed(42)
        // Two classes separable by the mean brightness of the image.
        var pixels: [Float] = []
        var labels: [UInt8] = []
        let noise = uniformValues(64 * 784, seed: 43, low: 0, high: 0.5)
        for sample in 0..<64 {
            let label = UInt8(sample % 2)
            pixels += noise[sample * 784..<(sample + 1) * 784].map { $0 + (label == 1 ? 0.5 : 0) }
            labels.append(label)
        }
        let trainX = try Tensor<Float>(shape: [48, 28, 28], scalars: Array(pixels[0..<48 * 784]))
        let trainY = Tensor<UInt8>(Array(labels[0..<48]))
        let valX = try Tensor<Float>(shape: [16, 28, 28], scalars: Array(pixels[(48 * 784)...]))
        let valY = Tensor<UInt8>(Array(labels[48...]))

        let model = Sequential {
            Flatten(inputShape: [28, 28])
            Dense(16, activation: .relu)
            Dropout(0.3)
            Dense(10, activation: .softmax)
        }
        try model.compile(optimizer: .adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        let checkpoint = ModelCheckpoint(directory + "/best-model.safetensors", saveBestOnly: true)
        let early = EarlyStopping(patience: 2, restoreBestWeights: true)
        let history = try model.fit(trainX, trainY, epochs: 6, batchSize: 8, validationData: (valX, valY),
                                    callbacks: [checkpoint, early], verbose: 0)
        XCTAssertEqual(history["val_loss"]!.count, history.epochs.count)
        // Learning itself is asserted in TrainingTests; here the loss just has to go down.
        XCTAssertLessThan(history["val_loss"]!.min()!, history["val_loss"]!.first!)
        let evaluation = try model.evaluate(valX, valY, verbose: 0)
        XCTAssertEqual(evaluation["loss"]!, history["val_loss"]!.min()!, accuracy: 1e-12,
                       "restoreBestWeights leaves the best epoch's weights")
        let best = try loadModel(directory + "/best-model.safetensors")
        XCTAssertEqual(try best.evaluate(valX, valY, verbose: 0), evaluation)
        let probabilities = try model.predict(valX, verbose: 0)
        XCTAssertEqual(probabilities.shape, [16, 10])
        try model.saveWeights(directory + "/weights.safetensors")
        XCTAssertTrue(try model.summaryText().contains("Total params: 12,730"))
    }
}
