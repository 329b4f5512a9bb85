// boston-housing: regression on the Boston housing prices, the Keras tutorial in Swift.
//
// Standardize the 13 features with statistics of the training rows only, fit
// Dense(64, relu) - Dense(32, relu) - Dense(1) with Adam on the mean squared error (reporting the mean absolute
// error, in $1000s), then estimate the same model's error by K-fold cross-validation on the training set.
//
// Ethics note: feature "B" encodes the proportion of Black residents by town; scikit-learn removed this dataset for
// that reason. It is used here only because the tutorials use it (see BostonHousing's documentation).
import ExampleSupport
import SwiftLearn

let spec = CommandLineSpec(
    command: "boston-housing",
    summary: "Predicts Boston median home prices (in $1000s) from 13 features: Keras's split (test 20%, seed 113), "
        + "features standardized with training statistics, Dense(64, relu)-Dense(32, relu)-Dense(1), Adam, mse loss "
        + "with mae metric. A hold-out run (fit on the 404 training rows, score on the 102 test rows) and K-fold "
        + "cross-validation on the training rows (each fold's model also scored on the test rows). Writes the "
        + "training curves as PNG and SVG.",
    options: [
        CommandLineOption("epochs", value: "N", help: "epochs of every fit", default: "300"),
        CommandLineOption("batch-size", value: "N", help: "samples per gradient step", default: "16"),
        CommandLineOption("folds", value: "K", help: "K-fold cross-validation folds on the training set (0 skips it)",
                          default: "3"),
        CommandLineOption("learning-rate", value: "LR", help: "Adam's step size", default: "0.001"),
        CommandLineOption("seed", value: "N", help: "seed of weight initialization and shuffling", default: "42"),
        CommandLineOption("verbose", value: "0|1|2", help: "fit output: 0 silent, 1 progress bar, 2 one line per epoch",
                          default: "0", choices: ["0", "1", "2"]),
        CommandLineOption("output-dir", value: "DIR", help: "where the training curves are written",
                          default: "./boston-housing-output"),
    ],
    examples: [
        "swift run -c release boston-housing",
        "swift run -c release boston-housing --epochs 100 --folds 4 --json",
    ])

/// The tutorial's model, compiled: two hidden ReLU layers and one linear output.
func makeModel(learningRate: Float) throws -> Sequential {
    let model = Sequential {
        Dense(64, activation: .relu, inputShape: [BostonHousing.featureNames.count])
        Dense(32, activation: .relu)
        Dense(1)
    }
    try model.compile(optimizer: Adam(learningRate: learningRate), loss: .meanSquaredError, metrics: [.mae])
    return model
}

/// Scales `train` and `others` with the mean and standard deviation of `train` (never of the data scored on).
func standardize(_ train: Tensor<Float>, _ others: Tensor<Float>...) throws -> [Tensor<Float>] {
    var scaler = StandardScaler()
    return [try scaler.fitTransform(train)] + (try others.map { try scaler.transform($0) })
}

runExample(spec) { arguments in
    let epochs = try arguments.int("epochs", in: 1...100_000)
    let batchSize = try arguments.int("batch-size", in: 1...100_000)
    let folds = try arguments.int("folds", in: 0...100)
    guard folds != 1 else {
        throw ArgumentError.invalidValue(option: "folds", value: "1", expected: "0 (skip) or at least 2 folds")
    }
    let learningRate = Float(try arguments.double("learning-rate", in: 1e-8...10))
    let seed = UInt32(try arguments.int("seed", in: 0...Int(UInt32.max)))
    let verbose = try arguments.int("verbose", in: 0...2)
    let outputDirectory = arguments.string("output-dir")!
    let total = Stopwatch()

    let ((xTrain, yTrain), (xTest, yTest)) = try BostonHousing.loadData(as: Float.self, testSplit: 0.2, seed: 113)
    say("Boston housing: \(xTrain.shape[0]) training and \(xTest.shape[0]) test rows, \(xTrain.shape[1]) features "
        + "(Keras split: testSplit 0.2, seed 113)")
    say("Note: feature B encodes the proportion of Black residents; the data set is kept only because the "
        + "tutorials use it.")
    try createDirectory(outputDirectory)

    // Hold-out: fit on every training row, score once on the test rows.
    printHeading("Hold-out run: \(epochs) epochs, batch size \(batchSize)")
    let holdoutData = try standardize(xTrain, xTest)
    setRandomSeed(seed)
    let model = try makeModel(learningRate: learningRate)
    try model.summary()
    let fitClock = Stopwatch()
    let history = try model.fit(holdoutData[0], yTrain, epochs: epochs, batchSize: batchSize, verbose: verbose)
    let holdoutSeconds = fitClock.seconds
    let holdout = try model.evaluate(holdoutData[1], yTest, verbose: 0)
    let holdoutMAE = holdout["mae"]!
    say("fit: \(fixed(holdoutSeconds, 2)) s (\(fixed(holdoutSeconds / Double(epochs) * 1000, 2)) ms/epoch); "
        + "final training loss \(fixed(history["loss"]!.last!, 4)), mae \(fixed(history["mae"]!.last!, 4))")
    say("test: mse \(fixed(holdout["loss"]!, 4)), mae \(fixed(holdoutMAE, 4))  (mean absolute error in $1000s)")
    let predictions = try model.predict(holdoutData[1], verbose: 0)
    say("first test predictions vs truth ($1000s):")
    for row in 0..<min(5, yTest.shape[0]) {
        say("  \(fixed(Double(predictions.scalars[row]), 2)) vs \(fixed(Double(yTest.scalars[row]), 2))")
    }
    var pictures = try writeTrainingCurves(history, directory: outputDirectory, prefix: "holdout-",
                                           title: "Boston housing hold-out", metric: "mae")

    // K-fold: each fold trains a fresh model on K-1 parts (scaled with their own statistics), is scored on the
    // part it did not see and on the test rows.
    var validationMAE: [Double] = []
    var testMAE: [Double] = []
    var foldSeconds: [Double] = []
    var validationCurves: [[Double]] = []
    if folds >= 2 {
        printHeading("\(folds)-fold cross-validation on the \(xTrain.shape[0]) training rows")
        for (index, fold) in try KFold(nSplits: folds).split(count: xTrain.shape[0]).enumerated() {
            let foldTrainX = try selectSamples(xTrain, at: fold.train)
            let foldTrainY = try selectSamples(yTrain, at: fold.train)
            let foldValidationY = try selectSamples(yTrain, at: fold.validation)
            let scaled = try standardize(foldTrainX, try selectSamples(xTrain, at: fold.validation), xTest)
            setRandomSeed(seed)
            let foldModel = try makeModel(learningRate: learningRate)
            let clock = Stopwatch()
            let foldHistory = try foldModel.fit(scaled[0], foldTrainY, epochs: epochs, batchSize: batchSize,
                                                validationData: (scaled[1], foldValidationY), verbose: verbose)
            foldSeconds.append(clock.seconds)
            validationCurves.append(foldHistory["val_mae"]!)
            validationMAE.append(try foldModel.evaluate(scaled[1], foldValidationY, verbose: 0)["mae"]!)
            testMAE.append(try foldModel.evaluate(scaled[2], yTest, verbose: 0)["mae"]!)
            say("fold \(index + 1): train \(fold.train.count), validation \(fold.validation.count) rows; "
                + "validation mae \(fixed(validationMAE.last!, 4)), test mae \(fixed(testMAE.last!, 4)) "
                + "(\(fixed(foldSeconds.last!, 2)) s)")
        }
        let meanValidation = validationMAE.reduce(0, +) / Double(folds)
        say("mean validation mae \(fixed(meanValidation, 4)); mean test mae \(fixed(testMAE.reduce(0, +) / Double(folds), 4))")

        // Chollet's plot: validation MAE per epoch, per fold and averaged over the folds; the first 10 epochs
        // (errors 5-10x larger) are left out when there are enough epochs, so the interesting part is legible.
        let skipped = epochs > 20 ? 10 : 0
        let epochNumbers = (skipped..<epochs).map { Double($0 + 1) }
        var chart = LineChart(title: "Boston housing \(folds)-fold validation MAE"
                                  + (skipped > 0 ? " (epochs \(skipped + 1)-\(epochs))" : ""),
                              xLabel: "epoch", yLabel: "validation mae ($1000s)")
        for (index, curve) in validationCurves.enumerated() {
            try chart.addSeries(name: "fold \(index + 1)", x: epochNumbers, y: Array(curve[skipped...]),
                                lineStyle: .dashed, marker: .none)
        }
        let mean = (skipped..<epochs).map { epoch in validationCurves.reduce(0) { $0 + $1[epoch] } / Double(folds) }
        try chart.addSeries(name: "mean", x: epochNumbers, y: mean, color: .black, marker: .none)
        pictures += try writePNGAndSVG(joinPath(outputDirectory, "kfold-validation-mae")) {
            (url) throws(PlotError) in try chart.write(to: url)
        }
    }
    printHeading("Pictures")
    pictures.forEach { say($0) }

    var result: JSONResult = [
        "holdout_test_mae": .number(holdoutMAE),
        "kfold_test_mae": .numbers(testMAE),
        "kfold_mean": folds >= 2 ? .number(testMAE.reduce(0, +) / Double(folds)) : .null,
        "kfold_validation_mae": .numbers(validationMAE),
        "kfold_validation_mean": folds >= 2 ? .number(validationMAE.reduce(0, +) / Double(folds)) : .null,
        "epochs": .integer(epochs),
        "batch_size": .integer(batchSize),
        "holdout_fit_seconds": .number(rounded(holdoutSeconds, 3)),
        "kfold_fit_seconds": .numbers(foldSeconds.map { rounded($0, 3) }),
    ]
    result.set("total_seconds", .number(rounded(total.seconds, 3)))
    return result
}
