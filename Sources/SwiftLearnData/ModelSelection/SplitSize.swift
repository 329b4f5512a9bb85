/// The size of a train or test part: an absolute number of samples or a fraction of them.
///
/// Integer and floating-point literals convert directly, so `testSize: 0.2` and `testSize: 30` both work,
/// with scikit-learn's semantics: a fraction of the test part is rounded up (`ceil(0.2 * n)`), a fraction of the
/// train part is rounded down (`floor(0.8 * n)`), and an absolute count must lie in `1 ..< n`.
public enum SplitSize: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    CustomStringConvertible
{
    /// An absolute number of samples.
    case count(Int)
    /// A fraction of the samples, in the open interval (0, 1).
    case fraction(Double)

    public init(integerLiteral value: Int) { self = .count(value) }
    public init(floatLiteral value: Double) { self = .fraction(value) }

    public var description: String {
        switch self {
        case .count(let value): return String(value)
        case .fraction(let value): return String(value)
        }
    }
}

/// scikit-learn's `_validate_shuffle_split`: resolves the two optional sizes into `(nTrain, nTest)`.
func resolveSplitSizes(
    samples: Int, testSize: SplitSize?, trainSize: SplitSize?, defaultTestSize: Double
) throws(ModelSelectionError) -> (train: Int, test: Int) {
    var testSize = testSize
    if testSize == nil && trainSize == nil { testSize = .fraction(defaultTestSize) }

    func check(_ size: SplitSize?, _ name: String) throws(ModelSelectionError) {
        guard let size else { return }
        let valid: Bool
        switch size {
        case .count(let value): valid = value > 0 && value < samples
        case .fraction(let value): valid = value > 0 && value < 1
        }
        if !valid {
            throw .invalidParameter(
                "\(name)=\(size) should be either positive and smaller than the number of samples \(samples)"
                    + " or a float in the (0, 1) range")
        }
    }
    try check(testSize, "test_size")
    try check(trainSize, "train_size")

    if case .fraction(let test)? = testSize, case .fraction(let train)? = trainSize, train + test > 1 {
        throw .invalidParameter(
            "the sum of test_size and train_size = \(train + test), should be in the (0, 1) range;"
                + " reduce test_size and/or train_size")
    }

    var nTest: Double = 0
    var nTrain: Double = 0
    switch testSize {
    case .fraction(let value)?: nTest = (value * Double(samples)).rounded(.up)
    case .count(let value)?: nTest = Double(value)
    case nil: break
    }
    switch trainSize {
    case .fraction(let value)?: nTrain = (value * Double(samples)).rounded(.down)
    case .count(let value)?: nTrain = Double(value)
    case nil: break
    }
    if trainSize == nil {
        nTrain = Double(samples) - nTest
    } else if testSize == nil {
        nTest = Double(samples) - nTrain
    }
    if nTrain + nTest > Double(samples) {
        throw .invalidParameter(
            "the sum of train_size and test_size = \(Int(nTrain + nTest)), should be smaller than the number"
                + " of samples \(samples); reduce test_size and/or train_size")
    }
    let train = Int(nTrain), test = Int(nTest)
    if train == 0 {
        throw .invalidParameter(
            "with n_samples=\(samples), test_size=\(testSize.map(\.description) ?? "None") and"
                + " train_size=\(trainSize.map(\.description) ?? "None"), the resulting train set will be empty;"
                + " adjust any of the aforementioned parameters")
    }
    return (train, test)
}

/// A seed drawn from the system generator, for `randomState: nil` (scikit-learn then uses numpy's global state).
func freshSeed() -> UInt32 {
    var system = SystemRandomNumberGenerator()
    return UInt32.random(in: .min ... .max, using: &system)
}
