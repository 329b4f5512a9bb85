// boston-housing: regression on the Boston housing prices, the Keras K-fold tutorial in Swift.
//
// Keras's split with the tutorial's seed (test 20%, seed 777), the 13 features standardized with the training rows'
// mean and standard deviation, then
//   1. hold-out: train_test_split(test_size=0.33, random_state=777) of the 404 training rows into 270 to fit and 134
//      to validate during the 300-epoch fit, then the test MAE on the 102 test rows;
//   2. 3-fold KFold (no shuffling) of the 404 training rows: a fresh model per fold, each scored on the test rows.
// The model is the tutorial's Dense(64, relu) - Dense(32, relu) - Dense(1) with Adam, mse loss and the mae metric,
// fitted with Keras's default batch size of 32. See BostonTutorial (Tutorial.swift) for the Python it mirrors.
//
// Ethics note: feature "B" encodes the proportion of Black residents by town; scikit-learn removed this dataset for
// that reason. It is used here only because the tutorials use it (see BostonHousing's documentation).
import ExampleSupport
import SwiftLearn

let spec = CommandLineSpec(
    command: "boston-housing",
    summary: "Predicts Boston median home prices (in $1000s) from 13 features as the Keras K-fold tutorial does: "
        + "load_data(test_split=0.2, seed=777), features standardized with the training rows' statistics, "
        + "Dense(64, relu)-Dense(32, relu)-Dense(1), Adam, mse loss with the mae metric, 300 epochs. A hold-out run "
        + "(fit on 270 training rows, validated on the other 134, scored on the 102 test rows) and 3-fold KFold on the "
        + "404 training rows (each fold's model scored on the test rows), printed beside the tutorial's figures. "
        + "Writes the training curves as PNG and SVG.",
    options: [
        CommandLineOption("epochs", value: "N", help: "epochs of every fit", default: "300"),
        CommandLineOption("batch-size", value: "N", help: "samples per gradient step (Keras's default)", default: "32"),
        CommandLineOption("folds", value: "K", help: "KFold folds on the training rows (0 skips them)", default: "3"),
        CommandLineOption("learning-rate", value: "LR", help: "Adam's step size (Keras's default)", default: "0.001"),
        CommandLineOption("split-seed", value: "N", help: "seed of load_data's split and of train_test_split",
                          default: "777"),
        CommandLineOption("seed", value: "N", help: "seed of weight initialization and shuffling", default: "42"),
        .verbose(default: 0),
        .outputDirectory(for: "the training curves", default: "./boston-housing-output"),
    ],
    examples: [
        "swift run -c release boston-housing",
        "swift run -c release boston-housing --seed 7 --json",
    ])

runExample(spec) { arguments in
    let epochs = try arguments.int("epochs", in: 1...100_000)
    let batchSize = try arguments.int("batch-size", in: 1...100_000)
    let folds = try arguments.int("folds", in: 0...100)
    guard folds != 1 else {
        throw ArgumentError.invalidValue(option: "folds", value: "1", expected: "0 (skip) or at least 2 folds")
    }
    let learningRate = Float(try arguments.double("learning-rate", in: 1e-8...10))
    let splitSeed = try arguments.int("split-seed", in: 0...Int(UInt32.max))
    let seed = UInt32(try arguments.int("seed", in: 0...Int(UInt32.max)))
    let verbose = try arguments.int("verbose", in: 0...2)
    let outputDirectory = arguments.string("output-dir")!
    let total = Stopwatch()

    let data = try BostonTutorial.prepare(splitSeed: splitSeed)
    say("Boston housing: \(data.xTrain.shape[0]) training and \(data.xTest.shape[0]) test rows, "
        + "\(data.xTrain.shape[1]) features (load_data(testSplit: 0.2, seed: \(splitSeed))), standardized with the "
        + "training rows' mean and standard deviation")
    say("Note: feature B encodes the proportion of Black residents; the data set is kept only because the "
        + "tutorials use it.")
    try createDirectory(outputDirectory)

    // Hold-out: fit on 270 rows, validate on 134 during the fit, score once on the test rows.
    printHeading("Hold-out run: fit \(data.xFit.shape[0]) rows, validate \(data.xValidation.shape[0]) "
                 + "(trainTestSplit(testSize: 0.33, randomState: \(splitSeed))), \(epochs) epochs, batch size \(batchSize)")
    // One seed for the whole run, as tf.random.set_seed once: every model (hold-out, then each fold's) draws its
    // initial weights and shuffles from the same stream, in order.
    setRandomSeed(seed)
    let model = try BostonTutorial.makeModel(learningRate: learningRate)
    try model.summary()
    let fitClock = Stopwatch()
    let history = try model.fit(data.xFit, data.yFit, epochs: epochs, batchSize: batchSize,
                                validationData: (data.xValidation, data.yValidation), verbose: verbose)
    let holdoutSeconds = fitClock.seconds
    let holdout = try model.evaluate(data.xTest, data.yTest, verbose: 0)
    let holdoutMAE = holdout["mae"]!
    say("fit: \(fixed(holdoutSeconds, 2)) s; last epoch: loss \(fixed(history["loss"]!.last!, 4)), "
        + "mae \(fixed(history["mae"]!.last!, 4)), val_mae \(fixed(history["val_mae"]!.last!, 4))")
    say("test: mse \(fixed(holdout["loss"]!, 4)), mae \(fixed(holdoutMAE, 4)) ($1000s)   tutorial: mae "
        + fixed(BostonTutorial.holdoutTestMAE, 2))
    var pictures = try writeTrainingCurves(history, directory: outputDirectory, prefix: "holdout-",
                                           title: "Boston housing hold-out", metric: "mae")

    // KFold without shuffling on the 404 standardized training rows; every fold's model is scored on the test rows.
    var validationMAE: [Double] = []
    var testMAE: [Double] = []
    var validationCurves: [[Double]] = []
    if folds >= 2 {
        printHeading("\(folds)-fold KFold on the \(data.xTrain.shape[0]) training rows")
        for (index, fold) in try KFold(nSplits: folds).split(count: data.xTrain.shape[0]).enumerated() {
            let xFold = try selectSamples(data.xTrain, at: fold.train), yFold = try selectSamples(data.yTrain, at: fold.train)
            let xHeldOut = try selectSamples(data.xTrain, at: fold.validation)
            let yHeldOut = try selectSamples(data.yTrain, at: fold.validation)
            let foldModel = try BostonTutorial.makeModel(learningRate: learningRate)
            let clock = Stopwatch()
            let foldHistory = try foldModel.fit(xFold, yFold, epochs: epochs, batchSize: batchSize,
                                                validationData: (xHeldOut, yHeldOut), verbose: verbose)
            validationCurves.append(foldHistory["val_mae"]!)
            validationMAE.append(foldHistory["val_mae"]!.last!)
            testMAE.append(try foldModel.evaluate(data.xTest, data.yTest, verbose: 0)["mae"]!)
            let tutorial = index < BostonTutorial.foldTestMAE.count ? "   tutorial: \(fixed(BostonTutorial.foldTestMAE[index], 2))" : ""
            say("fold \(index + 1): fit \(fold.train.count) rows, validation mae \(fixed(validationMAE.last!, 4)); "
                + "test mae \(fixed(testMAE.last!, 4))\(tutorial)   (\(fixed(clock.seconds, 2)) s)")
        }
        say("mean test mae \(fixed(testMAE.reduce(0, +) / Double(folds), 4))   tutorial: "
            + fixed(BostonTutorial.foldMeanTestMAE, 2))

        // Chollet's plot: validation MAE per epoch, per fold and averaged; the first 10 epochs (errors 5-10x larger)
        // are left out when there are enough epochs, so the interesting part is legible.
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

    var result = BostonTutorial.json(holdoutTestMAE: holdoutMAE, foldTestMAE: testMAE, foldValidationMAE: validationMAE,
                                     splitSeed: splitSeed, seed: seed, epochs: epochs, batchSize: batchSize)
    result.set("total_seconds", .number(rounded(total.seconds, 3)))
    return result
}
