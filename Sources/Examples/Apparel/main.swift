// apparel: multi-label classification, the "what garment, what colour" exercise, on a dataset generated first.
//
// 1. Generate: Fashion-MNIST garments upscaled to 112x112, tinted red, green, blue, yellow or white, written as
//    PNG and JPEG files plus labels.csv (filename, one 0/1 column per garment, one per colour).
// 2. Train: ImageDataGenerator(rescale: 1/255).flowFromCSV(..., classMode: .multiLabel) streams the files into
//    fit (decoding on background threads); the model ends in one sigmoid per label and learns with binary
//    cross-entropy, so it predicts a garment AND a colour for every image.
// 3. Report: per-label accuracy on the validation images, and the garment and colour accuracy (the highest
//    garment output and the highest colour output each compared with the truth).
import ExampleSupport
import FoundationEssentials
import SwiftLearn

let spec = CommandLineSpec(
    command: "apparel",
    summary: "Generates a multi-label image dataset (garments tinted with one of 5 colours, 112x112 PNG and JPEG files and a "
        + "CSV of one-hot garment and colour columns), then trains an MLP (or, with --model cnn, a small convolutional "
        + "network) with sigmoid outputs and binary "
        + "cross-entropy on it, streaming the files with ImageDataGenerator.flowFromCSV (classMode multiLabel), and "
        + "reports per-label, garment and colour accuracy on the validation images. Garments come from "
        + "Fashion-MNIST; when it is not installed, from the MNIST CSV given with --mnist-csv, else from drawn "
        + "shapes (the output says which).",
    options: [
        CommandLineOption("data-dir", value: "DIR", help: "where the images and labels.csv are generated",
                          default: "./apparel-data"),
        CommandLineOption("count", value: "N", help: "number of images to generate", default: "3000"),
        CommandLineOption("source", value: "KIND", help: "where garments come from; auto tries them in order",
                          default: "auto", choices: ["auto"] + GarmentSourceKind.allCases.map(\.rawValue)),
        CommandLineOption("mnist-csv", value: "PATH", help: "MNIST CSV used when Fashion-MNIST is missing "
                              + "(e.g. ../shared/datasets/mnist_5k.csv.gz)"),
        CommandLineOption("format", value: "KIND", help: "image files to write; both alternates PNG and JPEG "
                              + "(quality 90)", default: "both", choices: ImageFileFormat.allCases.map(\.rawValue)),
        CommandLineOption("reuse", help: "train on the dataset already in --data-dir instead of generating it"),
        CommandLineOption("target-size", value: "N", help: "side the generator resizes images to for training (the "
                              + "files are 112x112)", default: "56"),
        CommandLineOption("model", value: "KIND", help: "mlp: Flatten-Dense(256)-Dense(64); cnn: three Conv2D(3x3, relu, "
                              + "same)-MaxPooling2D(2) blocks of 16, 32 and 64 filters, then Dense(64)",
                          default: "mlp", choices: ["mlp", "cnn"]),
        CommandLineOption("epochs", value: "N", help: "passes over the training images", default: "8"),
        CommandLineOption("batch-size", value: "N", help: "images per gradient step", default: "32"),
        CommandLineOption("validation-split", value: "F", help: "fraction of the images held out (the first rows, as "
                              + "Keras does)", default: "0.2"),
        CommandLineOption("seed", value: "N", help: "seed of colours, shapes, weights and shuffling", default: "42"),
        CommandLineOption("verbose", value: "0|1|2", help: "fit output: 0 silent, 1 progress bar, 2 one line per epoch",
                          default: "1", choices: ["0", "1", "2"]),
        CommandLineOption("output-dir", value: "DIR", help: "where the pictures are written", default: "./apparel-output"),
    ],
    examples: [
        "swift run -c release apparel",
        "swift run -c release apparel --count 5000 --target-size 112 --epochs 10 --json",
        "swift run -c release apparel --source shapes --count 1000",
        "swift run -c release -Xswiftc -target-cpu -Xswiftc native apparel --model cnn --target-size 56",
    ])

let imageSize = 112

runExample(spec) { arguments in
    let count = try arguments.int("count", in: 10...1_000_000)
    let targetSize = try arguments.int("target-size", in: 8...imageSize)
    let epochs = try arguments.int("epochs", in: 1...100_000)
    let batchSize = try arguments.int("batch-size", in: 1...100_000)
    let validationSplit = try arguments.double("validation-split", in: 0.01...0.9)
    let seed = UInt32(try arguments.int("seed", in: 0...Int(UInt32.max)))
    let verbose = try arguments.int("verbose", in: 0...2)
    let dataDirectory = arguments.string("data-dir")!
    let outputDirectory = arguments.string("output-dir")!
    let requestedSource = GarmentSourceKind(rawValue: arguments.string("source")!)
    let format = ImageFileFormat(rawValue: arguments.string("format")!)!

    // 1. The dataset.
    let generateClock = Stopwatch()
    let dataset: GeneratedDataset
    let sourceDescription: String
    if arguments.flag("reuse") {
        dataset = try existingDataset(in: dataDirectory)
        sourceDescription = "existing dataset in \(dataDirectory)"
        say("Reusing \(dataset.count) images of \(dataset.csvPath)")
    } else {
        let garments = try loadGarments(requested: requestedSource, count: count,
                                        mnistCSV: arguments.string("mnist-csv"), seed: seed)
        sourceDescription = garments.description
        say("Garments: \(garments.description), classes: \(garments.classNames.joined(separator: ", "))")
        say("Generating \(count) images of \(imageSize)x\(imageSize) in \(dataDirectory) "
            + "(colours: \(Tint.all.map(\.name).joined(separator: ", ")); files: \(format.rawValue))")
        dataset = try generateDataset(from: garments, count: count, size: imageSize, directory: dataDirectory,
                                      seed: seed, format: format)
        say("wrote \(count) image files and \(dataset.csvPath) in \(fixed(generateClock.seconds, 2)) s")
    }
    let generateSeconds = generateClock.seconds
    let labelColumns = dataset.garmentColumns + dataset.colorColumns

    // 2. Streaming training: the first validationSplit of the rows validates, the rest trains.
    let generator = try ImageDataGenerator(rescale: 1.0 / 255, validationSplit: validationSplit)
    func flow(_ subset: Subset) throws -> ImageBatchSource {
        try generator.flowFromCSV(dataset.csvPath, directory: dataDirectory, xCol: "filename", yCol: labelColumns,
                                  targetSize: (targetSize, targetSize), colorMode: .rgb, classMode: .multiLabel,
                                  batchSize: batchSize, shuffle: subset == .training, seed: seed, subset: subset,
                                  interpolation: .bilinear)
    }
    let training = try flow(.training)
    let validation = try flow(.validation)
    say("flowFromCSV: \(training.sampleCount) training and \(validation.sampleCount) validation images, resized to "
        + "\(targetSize)x\(targetSize), \(labelColumns.count) labels (\(labelColumns.joined(separator: ", ")))")

    setRandomSeed(seed)
    let model = arguments.string("model") == "cnn"
        ? try convolutionalModel(side: targetSize, labels: labelColumns.count)
        : Sequential {
            Flatten(inputShape: [targetSize, targetSize, 3])
            Dense(256, activation: .relu)
            Dense(64, activation: .relu)
            Dense(labelColumns.count, activation: .sigmoid)
        }
    try model.compile(optimizer: Adam(learningRate: 0.001), loss: .binaryCrossentropy, metrics: [.binaryAccuracy])
    try model.summary()
    let timer = EpochTimer()
    let history = try model.fit(training, epochs: epochs, validationData: validation, callbacks: [timer],
                                verbose: verbose)

    // 3. Per-label accuracy on the validation images, batch by batch as the generator streams them.
    var scores = LabelScores(garments: dataset.garmentColumns.count, colors: dataset.colorColumns.count)
    var firstPredictions: [(garment: Int, color: Int)] = []
    var iterator = try validation.makeEpoch(0)
    while let batch = try iterator.next() {
        let probabilities = try model(batch.inputs)
        let predictions = scores.add(probabilities: probabilities, targets: batch.targets!)
        firstPredictions += predictions.prefix(max(0, 10 - firstPredictions.count))
    }
    printHeading("Validation accuracy per label (threshold 0.5), \(scores.samples) images")
    for (column, name) in labelColumns.enumerated() {
        say(name.padding(toWidth: 16) + fixed(scores.labelAccuracy(column), 4)
            + "   (\(scores.positives[column]) images with this label)")
    }
    say("garment accuracy (highest garment output is right): \(fixed(scores.garmentAccuracy, 4))")
    say("colour accuracy  (highest colour output is right):  \(fixed(scores.colorAccuracy, 4))")
    say("both right: \(fixed(scores.exactAccuracy, 4))")

    // Pictures: curves and the first validation images with their predicted labels.
    try createDirectory(outputDirectory)
    var pictures = try writeTrainingCurves(history, directory: outputDirectory, title: "Apparel multi-label",
                                           metric: "binary_accuracy")
    let shown = min(dataset.previews.count, firstPredictions.count)
    if shown > 0 {
        let previews = Array(dataset.previews.prefix(shown))
        let guesses = Array(firstPredictions.prefix(shown))
        let images = try previews.map { try PlotImage(width: imageSize, height: imageSize, channels: 3, pixels: $0.pixels) }
        let captions = guesses.map { "\(dataset.colorColumns[$0.color]) \(dataset.garmentColumns[$0.garment])" }
        var grid = try ImageGrid(images: images, columns: 5, captions: captions,
                                 title: "Validation images: predicted colour and garment (red: wrong)")
        grid.captionColors = zip(previews, guesses).map { truth, guess in
            truth.garment == guess.garment && truth.color == guess.color ? PlotColor(hex: 0x222222) : PlotColor(hex: 0xD62728)
        }
        pictures += try writePNGAndSVG(joinPath(outputDirectory, "predictions")) {
            (url) throws(PlotError) in try grid.write(to: url)
        }
    }
    printHeading("Pictures")
    pictures.forEach { say($0) }

    var perLabel: [(key: String, value: JSONResult)] = []
    for (column, name) in labelColumns.enumerated() { perLabel.append((name, .number(scores.labelAccuracy(column)))) }
    return [
        "source": .string(sourceDescription),
        "model": .string(arguments.string("model")!),
        "images": .integer(dataset.count),
        "image_format": .string(arguments.flag("reuse") ? "existing" : format.rawValue),
        "target_size": .integer(targetSize),
        "train_images": .integer(training.sampleCount),
        "validation_images": .integer(validation.sampleCount),
        "epochs": .integer(timer.epochSeconds.count),
        "epoch_seconds": .numbers(timer.epochSeconds.map { rounded($0, 4) }),
        "generate_seconds": .number(rounded(generateSeconds, 3)),
        "garment_accuracy": .number(scores.garmentAccuracy),
        "color_accuracy": .number(scores.colorAccuracy),
        "exact_accuracy": .number(scores.exactAccuracy),
        "label_accuracy": .object(perLabel),
    ]
}

extension String {
    func padding(toWidth width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
