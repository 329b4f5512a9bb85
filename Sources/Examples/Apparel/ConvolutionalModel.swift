import SwiftLearn

/// `--model cnn`: three Conv2D(3 x 3, relu, same padding) + MaxPooling2D(2) blocks of 16, 32 and 64 filters over
/// the streamed `side` x `side` RGB images, then Dense(64, relu) and one sigmoid per label.
///
/// - Throws: ``NNError/invalidArgument(_:)`` when `side` is below 8 (three halvings need at least one pixel).
func convolutionalModel(side: Int, labels: Int) throws -> Sequential {
    guard side >= 8 else {
        throw NNError.invalidArgument("--model cnn halves the image three times and needs --target-size >= 8, received \(side)")
    }
    return Sequential {
        Conv2D(16, kernelSize: 3, activation: .relu, padding: .same, inputShape: [side, side, 3])
        MaxPooling2D(2)
        Conv2D(32, kernelSize: 3, activation: .relu, padding: .same)
        MaxPooling2D(2)
        Conv2D(64, kernelSize: 3, activation: .relu, padding: .same)
        MaxPooling2D(2)
        Flatten()
        Dense(64, activation: .relu)
        Dense(labels, activation: .sigmoid)
    }
}
