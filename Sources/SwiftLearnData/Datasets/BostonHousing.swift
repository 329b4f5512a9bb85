import FoundationEssentials
import SwiftLearnRandom
import SwiftLearnSystem
import SwiftLearnTensor

/// The Boston housing data (Harrison & Rubinfeld, 1978; UCI / StatLib): 506 census tracts, 13 features and the
/// median home value `MEDV` in $1000s, like `keras.datasets.boston_housing`. The rows ship with the package.
///
/// ```swift
/// let ((xTrain, yTrain), (xTest, yTest)) = try BostonHousing.loadData()   // testSplit 0.2, seed 113
/// xTrain.shape   // [404, 13]; yTrain.shape [404]
/// ```
///
/// The split is Keras's, so results match a Python notebook: the row indices `0..<506` are shuffled with
/// NumPy's legacy `RandomState(seed).shuffle`, the first `Int(506 * (1 - testSplit))` go to training.
///
/// - Important: Ethics note. Feature 12, `B`, is `1000 (Bk - 0.63)^2` where `Bk` is the proportion of Black
///   residents of the town: the original study built a racial variable into a housing-price model. scikit-learn
///   removed this dataset (in version 1.2) for that reason. It is kept here only because many tutorials use it;
///   do not use it to build anything that affects people, and consider a dataset such as California housing
///   for new teaching material.
public enum BostonHousing {
    /// The 13 feature columns, in order.
    public static let featureNames = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX",
                                      "PTRATIO", "B", "LSTAT"]
    /// The target column: median value of owner-occupied homes in $1000s.
    public static let targetName = "MEDV"

    /// What each feature measures.
    public static let featureDescriptions = [
        "CRIM": "per capita crime rate by town",
        "ZN": "proportion of residential land zoned for lots over 25,000 sq.ft.",
        "INDUS": "proportion of non-retail business acres per town",
        "CHAS": "Charles River dummy variable (1 if tract bounds river; 0 otherwise)",
        "NOX": "nitric oxides concentration (parts per 10 million)",
        "RM": "average number of rooms per dwelling",
        "AGE": "proportion of owner-occupied units built prior to 1940",
        "DIS": "weighted distances to five Boston employment centres",
        "RAD": "index of accessibility to radial highways",
        "TAX": "full-value property-tax rate per $10,000",
        "PTRATIO": "pupil-teacher ratio by town",
        "B": "1000(Bk - 0.63)^2 where Bk is the proportion of Black residents by town (see the ethics note)",
        "LSTAT": "% lower status of the population",
    ]

    /// Loads the rows that ship with the library and splits them as Keras does.
    /// - Parameters:
    ///   - testSplit: fraction of rows held out, in `0 ..< 1`.
    ///   - seed: the NumPy `RandomState` seed, `0 ... 2^32 - 1`.
    /// - Returns: `xTrain [n, 13]`, `yTrain [n]`, `xTest [506 - n, 13]`, `yTest [506 - n]` with
    ///   `n = Int(506 * (1 - testSplit))`.
    public static func loadData<Scalar: TensorScalar & BinaryFloatingPoint & LosslessStringConvertible>(
        as type: Scalar.Type = Double.self, testSplit: Double = 0.2, seed: Int = 113
    ) throws(FormatError) -> ((xTrain: Tensor<Scalar>, yTrain: Tensor<Scalar>), (xTest: Tensor<Scalar>, yTest: Tensor<Scalar>)) {
        try split(bytes: Array(embeddedCSV.utf8), fileName: nil, as: Scalar.self, testSplit: testSplit, seed: seed)
    }

    /// Loads the rows from a CSV file with the same layout (13 features then MEDV, no header) and splits them.
    public static func loadData<Scalar: TensorScalar & BinaryFloatingPoint & LosslessStringConvertible>(
        contentsOf url: URL, as type: Scalar.Type = Double.self, testSplit: Double = 0.2, seed: Int = 113
    ) throws(FormatError) -> ((xTrain: Tensor<Scalar>, yTrain: Tensor<Scalar>), (xTest: Tensor<Scalar>, yTest: Tensor<Scalar>)) {
        try split(bytes: FileIO.readAll(path: url.path, as: FormatError.self), fileName: url.path, as: Scalar.self, testSplit: testSplit, seed: seed)
    }

    private static func split<Scalar: TensorScalar & BinaryFloatingPoint & LosslessStringConvertible>(
        bytes: [UInt8], fileName: String?, as type: Scalar.Type, testSplit: Double, seed: Int
    ) throws(FormatError) -> ((xTrain: Tensor<Scalar>, yTrain: Tensor<Scalar>), (xTest: Tensor<Scalar>, yTest: Tensor<Scalar>)) {
        guard testSplit >= 0, testSplit < 1 else {
            throw FormatError(.invalidArgument, "testSplit must be in 0 ..< 1, got \(testSplit)")
        }
        guard seed >= 0, seed <= Int(UInt32.max) else {
            throw FormatError(.invalidArgument, "seed must be in 0 ... 4294967295 (NumPy RandomState), got \(seed)")
        }
        // Parse as Double (the stored precision), convert at the end.
        let table = try CSV.readNumeric(bytes: bytes, as: Double.self, options: CSVOptions(header: .absent), fileName: fileName)
        let rows = table.values.shape[0]
        let columns = table.values.shape[1]
        guard columns == featureNames.count + 1 else {
            throw FormatError(.corrupt, file: fileName, at: .line(1, column: nil, columnName: nil),
                              "Boston housing rows have \(columns) values, expected 14 (13 features and MEDV)")
        }
        var random = RandomState(seed: UInt32(seed))
        var order = Array(0..<rows)
        random.shuffle(&order)
        // Python: int(len(x) * (1 - test_split)), a truncation of the same double product.
        let trainCount = Int(Double(rows) * (1 - testSplit))
        let values = table.values.scalars
        func features(_ indices: ArraySlice<Int>) -> Tensor<Scalar> {
            Tensor(shape: [indices.count, columns - 1]) { buffer in
                for (row, source) in indices.enumerated() {
                    for column in 0..<(columns - 1) {
                        buffer[row * (columns - 1) + column] = Scalar(values[source * columns + column])
                    }
                }
            }
        }
        func targets(_ indices: ArraySlice<Int>) -> Tensor<Scalar> {
            Tensor(shape: [indices.count]) { buffer in
                for (row, source) in indices.enumerated() { buffer[row] = Scalar(values[source * columns + columns - 1]) }
            }
        }
        let train = order[..<trainCount]
        let test = order[trainCount...]
        return ((features(train), targets(train)), (features(test), targets(test)))
    }
}
