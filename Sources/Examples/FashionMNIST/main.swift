// fashion-mnist: the Keras tutorial sequence on Fashion-MNIST, in Swift.
//
//   1. softmax regression: Flatten, then one Dense(10, softmax) layer, compiled without an optimizer
//      (RMSprop, Keras's default) and fitted for 5 epochs, as the chapter's first cell;
//   2. one hidden layer Dense(100, sigmoid), then 3. Dense(100, relu), the same way;
//   4. the optimizers: SGD, SGD with momentum 0.9 and Nesterov, Adagrad, RMSprop, Adam (--optimizer all);
//   5. Dense(100, relu) with Dropout(0.3), Adam, up to 20 epochs with ModelCheckpoint (best model on disk) and
//      EarlyStopping(patience: 2, restoreBestWeights: true), then reloaded from the checkpoint;
//   6. the next chapter's convolutional network (--model cnn, CNN.swift): Conv2D, MaxPooling2D, Dense, Dropout,
//      trained the same way as 5., then its first layer's filters and feature maps drawn.
//
// Data: FashionMNIST.loadData() (no network: Debian's dataset-fashion-mnist package, ~/.keras/datasets, ...),
// pixels / 255, the 60,000 training images split 48,000 / 12,000 into training and validation with
// trainTestSplit(testSize: 0.2, randomState: 42); the 10,000 test images are scored once at the end.
import ExampleSupport
import FoundationEssentials
import SwiftLearn

let modelNames = ["softmax", "sigmoid", "relu", "dropout"]

let spec = CommandLineSpec(
    command: "fashion-mnist",
    summary: "Trains the Keras tutorial's Fashion-MNIST models on the real data (48,000 training / 12,000 "
        + "validation / 10,000 test images): prints each model's summary, per-epoch progress, validation and test "
        + "accuracy, then the classification report and confusion matrix of the last model; writes the loss and "
        + "accuracy curves, the confusion matrix and a grid of 10 test images with their predictions (PNG and SVG). "
        + "--model all runs softmax, sigmoid, relu and dropout in turn; --optimizer all trains each model with each "
        + "optimizer. The dropout model (or every model with --early-stopping) is trained with ModelCheckpoint and "
        + "EarlyStopping(patience, restoreBestWeights). --model cnn trains the convolutional chapter's network the same "
        + "way and draws its first layer's filters and feature maps. With --json the last line holds the last run's results and, "
        + "for several runs, all of them under \"runs\".",
    options: [
        CommandLineOption("model", value: "NAME", help: "which model of the tutorial to train (logistic: the chapter's "
                              + "opening SGDClassifier with 5-fold cross-validation on the 60,000 training images)",
                          default: "dropout", choices: modelNames + ["cnn", "logistic", "all"]),
        CommandLineOption("max-iter", value: "N", help: "SGDClassifier's epochs for --model logistic", default: "5"),
        CommandLineOption("optimizer", value: "NAME",
                          help: "update rule with Keras's default learning rate (nesterov: SGD with momentum 0.9 and "
                              + "Nesterov; tutorial: what the chapter uses, compile's default RMSprop for softmax, "
                              + "sigmoid and relu and Adam for dropout and cnn)", default: "tutorial",
                          choices: ["tutorial"] + OptimizerChoice.names + ["all"]),
        CommandLineOption("epochs", value: "N", help: "maximum passes over the training data (default: the chapter's, "
                              + "5, or 20 for dropout and cnn with early stopping)"),
        CommandLineOption("batch-size", value: "N", help: "samples per gradient step", default: "32"),
        CommandLineOption("learning-rate", value: "LR", help: "override the optimizer's default step size"),
        CommandLineOption("patience", value: "N", help: "EarlyStopping patience in epochs", default: "2"),
        CommandLineOption("early-stopping", help: "use ModelCheckpoint and EarlyStopping for every model, not only dropout"),
        CommandLineOption("train-limit", value: "N", help: "train on only the first N of the 48,000 training images "
                              + "(a quick run)"),
        CommandLineOption("seed", value: "N", help: "seed of weight initialization, shuffling and dropout", default: "42"),
        CommandLineOption("verbose", value: "0|1|2", help: "fit output: 0 silent, 1 progress bar, 2 one line per epoch",
                          default: "1", choices: ["0", "1", "2"]),
        CommandLineOption("data-dir", value: "DIR", help: "a folder holding the four Fashion-MNIST IDX files, the only "
                              + "place looked when given (default: $SWIFTLEARN_DATASETS, ~/.cache/swiftlearn/datasets, "
                              + "~/.keras/datasets, /usr/share/datasets)"),
        CommandLineOption("output-dir", value: "DIR", help: "where pictures and the best model are written",
                          default: "./fashion-mnist-output"),
    ],
    examples: [
        "sudo apt-get install dataset-fashion-mnist   # the data, once (Debian/Ubuntu)",
        "swift run -c release fashion-mnist",
        "swift run -c release fashion-mnist --model all --epochs 5",
        "swift run -c release -Xswiftc -target-cpu -Xswiftc native fashion-mnist --model cnn --json",
        "swift run -c release fashion-mnist --model relu --optimizer all --epochs 5 --json",
        "swift run -c release fashion-mnist --model logistic --json",
    ])

/// The tutorial's models; every one starts with Flatten so the 28x28 images go in as they are.
func makeModel(_ name: String) -> Sequential {
    if name == "cnn" { return makeConvolutionalModel() }
    return Sequential {
        Flatten(inputShape: [28, 28])
        switch name {
        case "softmax":
            Dense(10, activation: .softmax)
        case "sigmoid":
            Dense(100, activation: .sigmoid)
            Dense(10, activation: .softmax)
        case "relu":
            Dense(100, activation: .relu)
            Dense(10, activation: .softmax)
        default:  // dropout
            Dense(100, activation: .relu)
            Dropout(0.3)
            Dense(10, activation: .softmax)
        }
    }
}

/// What one training run produced.
struct RunResult {
    var model: String
    var optimizer: String
    var epochSeconds: [Double]
    var validationAccuracy: Double
    var testAccuracy: Double
    var history: History
    var trained: Sequential

    var json: JSONResult {
        [
            "model": .string(model), "optimizer": .string(optimizer), "epochs": .integer(epochSeconds.count),
            "epoch_seconds": .numbers(epochSeconds.map { rounded($0, 4) }),
            "val_accuracy": .number(validationAccuracy), "test_accuracy": .number(testAccuracy),
        ]
    }
}

runExample(spec) { arguments in
    let modelChoice = arguments.string("model")!
    let optimizerChoice = arguments.string("optimizer")!
    let epochsOption = try arguments.optionalInt("epochs", in: 1...100_000)
    let batchSize = try arguments.int("batch-size", in: 1...1_000_000)
    let learningRate = try arguments.optionalDouble("learning-rate", in: 1e-8...10).map { Float($0) }
    let patience = try arguments.int("patience", in: 0...100_000)
    let trainLimit = try arguments.optionalInt("train-limit", in: 1...1_000_000)
    let seed = UInt32(try arguments.int("seed", in: 0...Int(UInt32.max)))
    let verbose = try arguments.int("verbose", in: 0...2)
    let outputDirectory = arguments.string("output-dir")!
    let dataDirectory = arguments.string("data-dir").map { URL(fileURLWithPath: $0, isDirectory: true) }

    // Data: the loader's error says where it looked and how to install the files.
    let loadClock = Stopwatch()
    let ((trainImages, trainLabels), (testImages, testLabels)) = try FashionMNIST.loadData(directory: dataDirectory)
    if modelChoice == "logistic" {
        return try LogisticTutorial.run(images: trainImages, labels: trainLabels,
                                        maxIter: try arguments.int("max-iter", in: 1...100_000), seed: seed, folds: 5,
                                        limit: trainLimit)
    }
    let ((xTrainAll, xValidFlat), (yTrainAll, yValid)) = try trainTestSplit(Tensor<Float>(trainImages) / 255, trainLabels,
                                                                         testSize: 0.2, randomState: 42)
    // The convolutional model takes images with a channel axis, [n, 28, 28, 1].
    func imageShape(_ images: Tensor<Float>) throws -> Tensor<Float> { modelChoice == "cnn" ? try withChannelAxis(images) : images }
    let xValid = try imageShape(xValidFlat)
    let xTest = try imageShape(Tensor<Float>(testImages) / 255)
    var (xTrain, yTrain) = (try imageShape(xTrainAll), yTrainAll)
    if let trainLimit, trainLimit < xTrainAll.shape[0] {
        xTrain = try selectSamples(xTrain, at: Array(0..<trainLimit))
        yTrain = try selectSamples(yTrainAll, at: Array(0..<trainLimit))
    }
    say("Fashion-MNIST: \(xTrain.shape[0]) training, \(xValid.shape[0]) validation, \(xTest.shape[0]) test images "
        + "of 28x28 pixels (loaded and scaled in \(fixed(loadClock.seconds, 2)) s)")
    say("classes: " + FashionMNIST.classNames.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", "))
    try createDirectory(outputDirectory)

    let models = modelChoice == "all" ? modelNames : [modelChoice]
    // `nil` stands for the chapter's choice: compile's default (RMSprop) or Adam for the dropout model.
    let optimizers: [OptimizerChoice?] = optimizerChoice == "all" ? OptimizerChoice.allCases
        : [OptimizerChoice(rawValue: optimizerChoice)]
    var runs: [RunResult] = []
    var pictures: [String] = []
    for modelName in models {
        for choice in optimizers {
            let trainedLikeTheDropoutModel = modelName == "dropout" || modelName == "cnn"
            let optimizer = choice ?? (trainedLikeTheDropoutModel ? .adam : .rmsprop)
            let epochs = epochsOption ?? (trainedLikeTheDropoutModel ? 20 : 5)
            let runName = optimizers.count > 1 ? "\(modelName)-\(optimizer.rawValue)" : modelName
            printHeading("Model \(runName): \(optimizer.label(learningRate: learningRate)), batch size \(batchSize)")
            clearSession()
            setRandomSeed(seed)
            let model = makeModel(modelName)
            if choice == nil && learningRate == nil {
                // The chapter's spellings: `model.compile(loss='sparse_categorical_crossentropy', metrics='accuracy')`
                // (RMSprop by default), and `optimizer='adam'` for the dropout model.
                if optimizer == .adam {
                    try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
                } else {
                    try model.compile(loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
                }
            } else {
                try model.compile(optimizer: optimizer.make(learningRate: learningRate),
                                  loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
            }
            try model.summary()

            let timer = EpochTimer()
            var callbacks: [any Callback] = [timer]
            let useCallbacks = trainedLikeTheDropoutModel || arguments.flag("early-stopping")
            let checkpointPath = joinPath(outputDirectory, "\(runName)-best-model.safetensors")
            let earlyStopping = EarlyStopping(patience: patience, restoreBestWeights: true)
            if useCallbacks {
                callbacks += [ModelCheckpoint(checkpointPath, saveBestOnly: true), earlyStopping]
                say("callbacks: ModelCheckpoint(\"\(checkpointPath)\", saveBestOnly: true), "
                    + "EarlyStopping(patience: \(patience), restoreBestWeights: true)")
            }
            let history = try model.fit(xTrain, yTrain, epochs: epochs, batchSize: batchSize,
                                        validationData: (xValid, yValid), callbacks: callbacks, verbose: verbose)
            if useCallbacks, earlyStopping.stoppedEpoch > 0 {
                say("early stopping after epoch \(earlyStopping.stoppedEpoch + 1); weights restored from epoch "
                    + "\(earlyStopping.bestEpoch + 1)")
            }
            let validation = try model.evaluate(xValid, yValid, batchSize: 256, verbose: 0)
            let test = try model.evaluate(xTest, testLabels, batchSize: 256, verbose: 0)
            let seconds = timer.epochSeconds
            say("validation accuracy \(fixed(validation["accuracy"]!, 4)) (loss \(fixed(validation["loss"]!, 4))), "
                + "test accuracy \(fixed(test["accuracy"]!, 4)) (loss \(fixed(test["loss"]!, 4)))")
            if modelName == "softmax", choice == nil, epochsOption == nil, trainLimit == nil {
                say("the chapter's first cell (Keras, RMSprop, 5 epochs) reports validation accuracy 0.848")
            }
            say("\(seconds.count) epochs in \(fixed(seconds.reduce(0, +), 2)) s; per epoch: "
                + seconds.map { fixed($0, 2) }.joined(separator: ", ") + " s")
            if useCallbacks {
                // The checkpoint holds the best epoch's model: reload it as a new model and score it again.
                let best = try loadModel(checkpointPath)
                let reloaded = try best.evaluate(xValid, yValid, batchSize: 256, verbose: 0)
                say("reloaded \(checkpointPath): validation accuracy \(fixed(reloaded["accuracy"]!, 4))")
            }
            if modelName == "cnn" {
                pictures += try writeConvolutionPictures(model, image: xTest[rows: 0..<1], directory: outputDirectory)
            }
            pictures += try writeTrainingCurves(history, directory: outputDirectory, prefix: "\(runName)-",
                                                title: "Fashion-MNIST \(runName)", metric: "accuracy")
            runs.append(RunResult(model: modelName, optimizer: optimizer.rawValue, epochSeconds: seconds,
                                  validationAccuracy: validation["accuracy"]!, testAccuracy: test["accuracy"]!,
                                  history: history, trained: model))
        }
    }

    if runs.count > 1 {
        printHeading("Comparison")
        say("run                    epochs  val_accuracy  test_accuracy  s/epoch")
        for run in runs {
            let name = run.optimizers(count: optimizers.count)
            say(name.padding(23) + String(run.epochSeconds.count).padding(8) + fixed(run.validationAccuracy, 4).padding(14)
                + fixed(run.testAccuracy, 4).padding(15)
                + fixed(run.epochSeconds.reduce(0, +) / Double(run.epochSeconds.count), 2))
        }
        var chart = LineChart(title: "Fashion-MNIST validation accuracy", xLabel: "epoch", yLabel: "val_accuracy")
        for run in runs {
            try chart.addSeries(name: run.optimizers(count: optimizers.count), y: run.history["val_accuracy"]!)
        }
        pictures += try writePNGAndSVG(joinPath(outputDirectory, "comparison-val-accuracy")) {
            (url) throws(PlotError) in try chart.write(to: url)
        }
    }

    // The last model in detail on the test set.
    let last = runs.last!
    let predicted = rowArgmax(try last.trained.predict(xTest, batchSize: 256, verbose: 0))
    let actual = classList(testLabels)
    printHeading("Classification report (\(last.model), test set)")
    say(try classificationReport(actual, predicted, labels: Array(0..<10), targetNames: FashionMNIST.classNames,
                                 digits: 4))
    printHeading("Confusion matrix (\(last.model), test set: rows true class, columns predicted)")
    let matrix = try confusionMatrix(actual, predicted, labels: Array(0..<10))
    say(confusionMatrixText(matrix, classNames: FashionMNIST.classNames))
    pictures += try writeConfusionMatrix(matrix, classNames: FashionMNIST.classNames,
                                         basePath: joinPath(outputDirectory, "confusion-matrix"),
                                         title: "Fashion-MNIST \(last.model): test confusion matrix")
    pictures += try writePredictionGrid((0..<10).map { sampleBytes(testImages, at: $0) }, width: 28, height: 28,
                                        predicted: Array(predicted.prefix(10)), actual: Array(actual.prefix(10)),
                                        classNames: FashionMNIST.classNames,
                                        basePath: joinPath(outputDirectory, "samples"),
                                        title: "First 10 test images: predicted (true)")
    printHeading("Pictures")
    pictures.forEach { say($0) }

    var result = last.json
    result.set("model", .string(runs.count > 1 ? modelChoice : last.model))
    if runs.count > 1 { result.set("runs", .array(runs.map(\.json))) }
    return result
}

extension RunResult {
    /// The run's display name: the model, plus the optimizer when several are compared.
    func optimizers(count: Int) -> String { count > 1 ? "\(model)/\(optimizer)" : model }
}

extension String {
    /// Left-aligned in `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
