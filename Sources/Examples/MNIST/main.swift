// mnist: handwritten digits with a small multilayer perceptron, Dense(64, relu) - Dense(32, relu) -
// Dense(10, softmax), batch size 128.
//
// Data: the full MNIST IDX files (60,000 + 10,000 images) when MNIST.loadData() finds them, otherwise a CSV of
// digits given with --csv (784 pixel values then the label per line, gzip-compressed or not, like
// ../shared/datasets/mnist_5k.csv.gz), split 80/20 into training and test rows.
import ExampleSupport
import FoundationEssentials
import SwiftLearn

let spec = CommandLineSpec(
    command: "mnist",
    summary: "Trains Dense(64, relu)-Dense(32, relu)-Dense(10, softmax) on MNIST digits (pixels / 255, sparse "
        + "categorical cross-entropy, 10% of the training rows held out for validation) and prints the test "
        + "accuracy. Uses the full MNIST IDX files when they are found (see MNIST.loadData: --data-dir, "
        + "$SWIFTLEARN_DATASETS, ~/.cache/swiftlearn/datasets, ~/.keras/datasets, /usr/share/datasets), "
        + "else the CSV given with --csv.",
    options: [
        CommandLineOption("csv", value: "PATH",
                          help: "MNIST-style CSV (784 pixels then the label per line, .gz or plain) used when the IDX "
                              + "files are absent, e.g. ../shared/datasets/mnist_5k.csv.gz"),
        CommandLineOption("source", value: "KIND", help: "auto: the IDX files when present, else --csv",
                          default: "auto", choices: ["auto", "idx", "csv"]),
        CommandLineOption("data-dir", value: "DIR", help: "a folder holding the four MNIST IDX files (the only place "
                              + "looked when given)"),
        CommandLineOption("test-size", value: "F", help: "fraction of the CSV rows kept for testing", default: "0.2"),
        CommandLineOption("epochs", value: "N", help: "passes over the training data", default: "10"),
        CommandLineOption("batch-size", value: "N", help: "samples per gradient step", default: "128"),
        CommandLineOption("optimizer", value: "NAME", help: "update rule (Keras default learning rates)",
                          default: "adam", choices: OptimizerChoice.names),
        CommandLineOption("learning-rate", value: "LR", help: "override the optimizer's default step size"),
        CommandLineOption("seed", value: "N", help: "seed of weights, shuffling and the CSV split", default: "42"),
        .verbose(default: 1),
        .outputDirectory(for: "the training curves", default: "./mnist-output"),
    ],
    examples: [
        "swift run -c release mnist",
        "swift run -c release mnist --csv ../shared/datasets/mnist_5k.csv.gz --epochs 20 --json",
    ])

/// Training and test digits with where they came from (`idx` or `csv`).
struct Digits {
    var images: (train: Tensor<UInt8>, test: Tensor<UInt8>)
    var labels: (train: Tensor<UInt8>, test: Tensor<UInt8>)
    var source: String
}

/// The IDX files when `source` allows and they are found, else the CSV split `1 - testSize` / `testSize`.
func loadDigits(source: String, directory: String?, csvPath: String?, testSize: Double, seed: UInt32) throws -> Digits {
    var idxError: FormatError?
    if source != "csv" {
        do throws(FormatError) {
            let ((xTrain, yTrain), (xTest, yTest)) = try MNIST.loadData(
                directory: directory.map { URL(fileURLWithPath: $0, isDirectory: true) })
            return Digits(images: (xTrain, xTest), labels: (yTrain, yTest), source: "idx")
        } catch {
            idxError = error
        }
    }
    guard source != "idx", let csvPath else {
        var message = idxError.map { "\($0)" } ?? "no MNIST data"
        if csvPath == nil { message += "\nOr train on a CSV of digits: mnist --csv ../shared/datasets/mnist_5k.csv.gz" }
        throw ExampleError(message)
    }
    if idxError != nil { say("MNIST IDX files not found; using the CSV \(csvPath)") }
    let (images, labels) = try MNIST.loadCSV(contentsOf: URL(fileURLWithPath: csvPath))
    let ((xTrain, xTest), (yTrain, yTest)) = try trainTestSplit(images, labels, testSize: .fraction(testSize),
                                                                 randomState: seed)
    return Digits(images: (xTrain, xTest), labels: (yTrain, yTest), source: "csv")
}

runExample(spec) { arguments in
    let epochs = try arguments.int("epochs", in: 1...100_000)
    let batchSize = try arguments.int("batch-size", in: 1...1_000_000)
    let testSize = try arguments.double("test-size", in: 0.01...0.99)
    let optimizerChoice = OptimizerChoice(rawValue: arguments.string("optimizer")!)!
    let learningRate = try arguments.optionalDouble("learning-rate", in: 1e-8...10).map { Float($0) }
    let seed = UInt32(try arguments.int("seed", in: 0...Int(UInt32.max)))
    let verbose = try arguments.int("verbose", in: 0...2)
    let outputDirectory = arguments.string("output-dir")!
    let source = arguments.string("source")!
    let csvPath = arguments.string("csv")

    // Load: the IDX files first (unless --source csv), then the CSV.
    let data = try loadDigits(source: source, directory: arguments.string("data-dir"), csvPath: csvPath,
                              testSize: testSize, seed: seed)
    let (images, labels, sourceName) = (data.images, data.labels, data.source)
    say("MNIST (\(sourceName == "idx" ? "IDX files" : "CSV \(csvPath!)")): \(images.train.shape[0]) training and "
        + "\(images.test.shape[0]) test images of 28x28 pixels")
    let xTrain = Tensor<Float>(images.train) / 255
    let xTest = Tensor<Float>(images.test) / 255

    setRandomSeed(seed)
    let model = Sequential {
        Flatten(inputShape: [28, 28])
        Dense(64, activation: .relu)
        Dense(32, activation: .relu)
        Dense(10, activation: .softmax)
    }
    try model.compile(optimizer: optimizerChoice.make(learningRate: learningRate),
                      loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
    try model.summary()
    say("optimizer: \(optimizerChoice.label(learningRate: learningRate)), batch size \(batchSize), \(epochs) epochs")
    let timer = EpochTimer()
    let history = try model.fit(xTrain, labels.train, epochs: epochs, batchSize: batchSize, validationSplit: 0.1,
                                callbacks: [timer], verbose: verbose)
    let test = try model.evaluate(xTest, labels.test, verbose: 0)
    let predicted = rowArgmax(try model.predict(xTest, verbose: 0))
    printHeading("Test set")
    say("test loss \(fixed(test["loss"]!, 4)), test accuracy \(fixed(test["accuracy"]!, 4))")
    say(try classificationReport(classList(labels.test), predicted, digits: 4))
    let fitSeconds = timer.epochSeconds.reduce(0, +)
    say("training time \(fixed(fitSeconds, 2)) s (\(fixed(fitSeconds / Double(max(1, timer.epochSeconds.count)), 3)) s per epoch)")

    try createDirectory(outputDirectory)
    let pictures = try writeTrainingCurves(history, directory: outputDirectory, title: "MNIST MLP", metric: "accuracy")
    printHeading("Pictures")
    pictures.forEach { say($0) }

    return [
        "source": .string(sourceName),
        "train_samples": .integer(images.train.shape[0]),
        "test_samples": .integer(images.test.shape[0]),
        "epochs": .integer(timer.epochSeconds.count),
        "batch_size": .integer(batchSize),
        "epoch_seconds": .numbers(timer.epochSeconds.map { rounded($0, 4) }),
        "val_accuracy": .number(history["val_accuracy"]!.last!),
        "test_loss": .number(test["loss"]!),
        "test_accuracy": .number(test["accuracy"]!),
    ]
}
