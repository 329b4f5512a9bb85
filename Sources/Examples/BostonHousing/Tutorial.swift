// The tutorial's data preparation and figures, apart from the command line so that tests can run them.
import ExampleSupport
import SwiftLearn

/// The Keras Boston-housing tutorial this example follows, step by step:
///
///     (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.2, seed=777)
///     mean = np.mean(x_train, axis=0); std = np.std(x_train, axis=0)
///     x_train = (x_train - mean) / std; x_test = (x_test - mean) / std
///     x_train, x_val, y_train, y_val = train_test_split(x_train, y_train, test_size=0.33, random_state=777)
///     model: Dense(64, relu) - Dense(32, relu) - Dense(1); compile('adam', 'mse', ['mae'])
///     model.fit(x_train, y_train, epochs=300, validation_data=(x_val, y_val)); model.evaluate(x_test, y_test)
///     KFold(n_splits=3) on the 404 standardized training rows, a fresh model per fold, each evaluated on x_test
enum BostonTutorial {
    /// The split seed of `load_data` and `train_test_split`.
    static let splitSeed = 777
    /// The tutorial's printed figures (test MAE in $1000s).
    static let holdoutTestMAE = 2.26
    static let foldTestMAE = [2.06, 1.94, 2.15]
    static let foldMeanTestMAE = 2.05

    /// The standardized data: all 404 training rows, the 102 test rows, and the hold-out run's 270 / 134 split of
    /// the training rows.
    struct Data {
        var xTrain: Tensor<Float>
        var yTrain: Tensor<Float>
        var xTest: Tensor<Float>
        var yTest: Tensor<Float>
        var xFit: Tensor<Float>
        var yFit: Tensor<Float>
        var xValidation: Tensor<Float>
        var yValidation: Tensor<Float>
    }

    /// Loads, standardizes with the training rows' mean and (population) standard deviation, and splits off the
    /// validation rows as the tutorial does.
    static func prepare(splitSeed: Int = splitSeed) throws -> Data {
        let ((xTrain, yTrain), (xTest, yTest)) = try BostonHousing.loadData(as: Float.self, testSplit: 0.2, seed: splitSeed)
        var scaler = StandardScaler()
        let scaledTrain = try scaler.fitTransform(xTrain)
        let scaledTest = try scaler.transform(xTest)
        let ((xFit, xValidation), (yFit, yValidation)) = try trainTestSplit(
            scaledTrain, yTrain, testSize: 0.33, randomState: UInt32(splitSeed))
        return Data(xTrain: scaledTrain, yTrain: yTrain, xTest: scaledTest, yTest: yTest, xFit: xFit, yFit: yFit,
                    xValidation: xValidation, yValidation: yValidation)
    }

    /// The tutorial's model, compiled as Keras's `compile(optimizer='adam', loss='mse', metrics=['mae'])`.
    static func makeModel(learningRate: Float) throws -> Sequential {
        let model = Sequential {
            Dense(64, activation: .relu, inputShape: [BostonHousing.featureNames.count])
            Dense(32, activation: .relu)
            Dense(1)
        }
        try model.compile(optimizer: Adam(learningRate: learningRate), loss: .meanSquaredError, metrics: [.mae])
        return model
    }

    /// The `--json` object.
    static func json(holdoutTestMAE: Double, foldTestMAE: [Double], foldValidationMAE: [Double], splitSeed: Int,
                     seed: UInt32, epochs: Int, batchSize: Int) -> JSONResult {
        let mean: JSONResult = foldTestMAE.isEmpty ? .null : .number(foldTestMAE.reduce(0, +) / Double(foldTestMAE.count))
        let tutorial: JSONResult = [
            "holdout_test_mae": .number(Self.holdoutTestMAE), "kfold_test_mae": .numbers(Self.foldTestMAE),
            "kfold_mean": .number(foldMeanTestMAE),
        ]
        var result: JSONResult = ["holdout_test_mae": .number(holdoutTestMAE), "kfold_test_mae": .numbers(foldTestMAE)]
        result.set("kfold_mean", mean)
        result.set("kfold_validation_mae", .numbers(foldValidationMAE))
        result.set("split_seed", .integer(splitSeed))
        result.set("seed", .integer(Int(seed)))
        result.set("epochs", .integer(epochs))
        result.set("batch_size", .integer(batchSize))
        result.set("tutorial", tutorial)
        return result
    }
}
