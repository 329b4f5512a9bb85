// swift-tools-version:6.0
// SwiftLearn: a pure-Swift numerics and deep-learning framework.
// Zero package dependencies, no C code, no unsafeFlags in library targets:
// speed comes from `-Xswiftc -target-cpu -Xswiftc native` on the command line.
import PackageDescription

let package = Package(
    name: "SwiftLearn",
    products: [
        .library(name: "SwiftLearn", targets: ["SwiftLearn"]),
        .executable(name: "gemm-bench", targets: ["GEMMBench"]),
        .executable(name: "tensor-bench", targets: ["TensorBench"]),
        .executable(name: "tensor-api-bench", targets: ["TensorAPIBench"]),
        .executable(name: "inflate-bench", targets: ["InflateBench"]),
        .executable(name: "train-bench", targets: ["TrainBench"]),
        .executable(name: "image-bench", targets: ["ImageBench"]),
        .executable(name: "linear-bench", targets: ["LinearBench"]),
        .executable(name: "fashion-mnist", targets: ["FashionMNISTExample"]),
        .executable(name: "boston-housing", targets: ["BostonHousingExample"]),
        .executable(name: "mnist", targets: ["MNISTExample"]),
        .executable(name: "apparel", targets: ["ApparelExample"]),
    ],
    targets: [
        // MARK: - Numerics core
        // Files, threads and text: what the operating system provides, wrapped once.
        .target(name: "SwiftLearnSystem"),
        .target(name: "SwiftLearnGEMM", dependencies: ["SwiftLearnSystem"]),
        .target(name: "SwiftLearnRandom"),
        .target(name: "SwiftLearnTensor", dependencies: ["SwiftLearnGEMM", "SwiftLearnSystem"]),
        // The batch protocol every data source feeds the model through (Keras's data adapters).
        .target(name: "SwiftLearnBatches", dependencies: ["SwiftLearnTensor", "SwiftLearnRandom", "SwiftLearnSystem"]),

        // MARK: - Data
        .target(name: "SwiftLearnCompression", dependencies: ["SwiftLearnSystem"]),
        .target(name: "SwiftLearnData",
                dependencies: ["SwiftLearnTensor", "SwiftLearnCompression", "SwiftLearnRandom", "SwiftLearnSystem"]),

        // MARK: - Models
        // scikit-learn's linear classifiers: SGDClassifier, Perceptron, LogisticRegression.
        .target(name: "SwiftLearnLinearModels",
                dependencies: ["SwiftLearnTensor", "SwiftLearnRandom", "SwiftLearnData", "SwiftLearnSystem"]),
        .target(name: "SwiftLearnNN",
                dependencies: ["SwiftLearnTensor", "SwiftLearnBatches", "SwiftLearnRandom", "SwiftLearnGEMM", "SwiftLearnSystem",
                               "SwiftLearnCompression"]),

        // MARK: - Images
        // PNG and JPEG decoders and encoders on raw pixels, below everything that shows or feeds images.
        .target(name: "SwiftLearnImageCodecs", dependencies: ["SwiftLearnCompression", "SwiftLearnSystem"]),
        .target(name: "SwiftLearnVision",
                dependencies: ["SwiftLearnImageCodecs", "SwiftLearnTensor", "SwiftLearnBatches", "SwiftLearnRandom", "SwiftLearnData",
                               "SwiftLearnSystem"]),

        // MARK: - Charts
        .target(name: "SwiftLearnPlot", dependencies: ["SwiftLearnImageCodecs", "SwiftLearnTensor", "SwiftLearnSystem"]),

        // MARK: - Umbrella
        .target(name: "SwiftLearn", dependencies: [
            "SwiftLearnGEMM", "SwiftLearnRandom", "SwiftLearnSystem", "SwiftLearnTensor", "SwiftLearnBatches", "SwiftLearnCompression",
            "SwiftLearnData", "SwiftLearnLinearModels", "SwiftLearnNN", "SwiftLearnImageCodecs", "SwiftLearnVision", "SwiftLearnPlot",
        ]),

        // MARK: - Examples
        .target(name: "ExampleSupport", dependencies: ["SwiftLearn"], path: "Sources/Examples/ExampleSupport"),
        .executableTarget(name: "FashionMNISTExample", dependencies: ["SwiftLearn", "ExampleSupport"],
                          path: "Sources/Examples/FashionMNIST"),
        .executableTarget(name: "BostonHousingExample", dependencies: ["SwiftLearn", "ExampleSupport"],
                          path: "Sources/Examples/BostonHousing"),
        .executableTarget(name: "MNISTExample", dependencies: ["SwiftLearn", "ExampleSupport"], path: "Sources/Examples/MNIST"),
        .executableTarget(name: "ApparelExample", dependencies: ["SwiftLearn", "ExampleSupport"], path: "Sources/Examples/Apparel"),

        // MARK: - Benchmarks
        .target(name: "BenchmarkSupport", dependencies: ["SwiftLearnSystem"], path: "Benchmarks/BenchmarkSupport"),
        .executableTarget(name: "GEMMBench", dependencies: ["SwiftLearnGEMM", "BenchmarkSupport"], path: "Benchmarks/GEMMBench"),
        .executableTarget(name: "TensorBench", dependencies: ["SwiftLearnTensor", "BenchmarkSupport"], path: "Benchmarks/TensorBench"),
        .executableTarget(name: "TensorAPIBench", dependencies: ["SwiftLearnTensor", "SwiftLearnSystem", "BenchmarkSupport"],
                          path: "Benchmarks/TensorAPIBench"),
        .executableTarget(name: "InflateBench", dependencies: ["SwiftLearnCompression", "BenchmarkSupport"],
                          path: "Benchmarks/InflateBench", exclude: ["reference.py"]),
        .executableTarget(name: "TrainBench",
                          dependencies: ["SwiftLearnNN", "SwiftLearnTensor", "SwiftLearnRandom", "SwiftLearnGEMM", "SwiftLearnData",
                                         "BenchmarkSupport"],
                          path: "Benchmarks/TrainBench"),
        .executableTarget(name: "LinearBench",
                          dependencies: ["SwiftLearnLinearModels", "SwiftLearnData", "SwiftLearnTensor", "SwiftLearnSystem",
                                         "BenchmarkSupport"],
                          path: "Benchmarks/LinearBench", exclude: ["sklearn_reference.py"]),
        .executableTarget(name: "ImageBench",
                          dependencies: ["SwiftLearnImageCodecs", "SwiftLearnVision", "SwiftLearnNN", "SwiftLearnTensor", "SwiftLearnSystem",
                                         "BenchmarkSupport"],
                          path: "Benchmarks/ImageBench",
                          exclude: ["keras_pipelines.py", "make_images.py", "pillow_decode.py", "run_bench.py"]),

        // MARK: - Tests
        // Shared test helpers (fixture files, SplitMix64, Python cross-checks), instead of copies per target.
        .target(name: "SwiftLearnTestSupport", path: "Tests/SwiftLearnTestSupport"),
        .testTarget(name: "SwiftLearnGEMMTests", dependencies: ["SwiftLearnGEMM", "SwiftLearnTestSupport"]),
        .testTarget(name: "SwiftLearnTensorTests", dependencies: ["SwiftLearnTensor", "SwiftLearnTestSupport"]),
        .testTarget(name: "SwiftLearnRandomTests", dependencies: ["SwiftLearnRandom", "SwiftLearnTestSupport"]),
        .testTarget(name: "SwiftLearnSystemTests", dependencies: ["SwiftLearnSystem", "SwiftLearnTestSupport"]),
        .testTarget(name: "SwiftLearnDataTests",
                    dependencies: ["SwiftLearnData", "SwiftLearnTensor", "SwiftLearnCompression", "SwiftLearnRandom", "SwiftLearnTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "SwiftLearnCompressionTests", dependencies: ["SwiftLearnCompression", "SwiftLearnTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SwiftLearnImageCodecsTests",
                    dependencies: ["SwiftLearnImageCodecs", "SwiftLearnCompression", "SwiftLearnTestSupport"]),
        .testTarget(name: "SwiftLearnPlotTests",
                    dependencies: ["SwiftLearnPlot", "SwiftLearnImageCodecs", "SwiftLearnCompression", "SwiftLearnTensor", "SwiftLearnSystem",
                                   "SwiftLearnTestSupport"]),
        .testTarget(name: "SwiftLearnRobustnessTests",
                    dependencies: ["SwiftLearnNN", "SwiftLearnTensor", "SwiftLearnRandom", "SwiftLearnData",
                                   "SwiftLearnCompression", "SwiftLearnVision", "SwiftLearnGEMM", "SwiftLearnSystem", "SwiftLearnTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "SwiftLearnLinearModelsTests",
                    dependencies: ["SwiftLearnLinearModels", "SwiftLearnData", "SwiftLearnTensor", "SwiftLearnSystem",
                                   "SwiftLearnTestSupport"]),
        .testTarget(name: "ExamplesTests", dependencies: ["ExampleSupport", "SwiftLearn", "SwiftLearnTestSupport",
                                                          "BostonHousingExample", "FashionMNISTExample"],
                    exclude: ["make_readme_snippets.py"]),
        .testTarget(name: "SwiftLearnVisionTests",
                    dependencies: ["SwiftLearnVision", "SwiftLearnImageCodecs", "SwiftLearnTensor", "SwiftLearnBatches", "SwiftLearnNN",
                                   "SwiftLearnTestSupport"]),
        .testTarget(name: "SwiftLearnNNTests",
                    dependencies: ["SwiftLearnNN", "SwiftLearnTensor", "SwiftLearnRandom", "SwiftLearnGEMM", "SwiftLearnSystem",
                                   "SwiftLearnTestSupport"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
