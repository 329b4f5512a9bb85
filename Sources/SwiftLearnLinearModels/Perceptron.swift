import SwiftLearnData
import SwiftLearnTensor

/// Rosenblatt's perceptron: scikit-learn's `Perceptron`, which is ``SGDClassifier`` with the perceptron loss
/// `max(0, -y·p)`, a constant learning rate ``eta0`` and no penalty.
///
/// Each misclassified sample (`y·(w·x + b) ≤ 0`, `y = ±1`) moves the decision toward it: `w ← w + η y x`,
/// `b ← b + η y`. Multi-class problems are one-vs-rest, as in ``SGDClassifier``.
///
/// ```swift
/// var perceptron = Perceptron(randomState: 42)      // Hands-On ML: iris setosa from petal length and width
/// try perceptron.fit(petals, isSetosa)
/// try perceptron.predict(try Tensor<Double>(shape: [2, 2], scalars: [2, 0.5, 3, 1]))
/// ```
public struct Perceptron: LinearClassifier {
    private var model: SGDClassifier

    /// Creates an unfitted perceptron; the defaults are scikit-learn's (note `randomState: 0`, not nil).
    public init(
        penalty: SGDClassifier.Penalty = .none, alpha: Double = 0.0001, l1Ratio: Double = 0.15,
        fitIntercept: Bool = true, maxIter: Int = 1000, tol: Double? = 1e-3, shuffle: Bool = true, eta0: Double = 1,
        randomState: UInt32? = 0, earlyStopping: Bool = false, validationFraction: Double = 0.1,
        nIterNoChange: Int = 5, classWeight: SGDClassifier.ClassWeight? = nil, warmStart: Bool = false
    ) {
        model = SGDClassifier(
            loss: .perceptron, penalty: penalty, alpha: alpha, l1Ratio: l1Ratio, fitIntercept: fitIntercept,
            maxIter: maxIter, tol: tol, shuffle: shuffle, randomState: randomState, learningRate: .constant,
            eta0: eta0, powerT: 0.5, earlyStopping: earlyStopping, validationFraction: validationFraction,
            nIterNoChange: nIterNoChange, classWeight: classWeight, warmStart: warmStart, average: 0)
        model.displayName = "Perceptron"
    }

    /// The regularizer (none by default).
    public var penalty: SGDClassifier.Penalty { get { model.penalty } set { model.penalty = newValue } }
    /// The regularization strength when a penalty is set.
    public var alpha: Double { get { model.alpha } set { model.alpha = newValue } }
    /// The L1 share of the elastic-net penalty.
    public var l1Ratio: Double { get { model.l1Ratio } set { model.l1Ratio = newValue } }
    /// Whether to fit the intercept.
    public var fitIntercept: Bool { get { model.fitIntercept } set { model.fitIntercept = newValue } }
    /// The maximum number of epochs.
    public var maxIter: Int { get { model.maxIter } set { model.maxIter = newValue } }
    /// The stopping tolerance on the mean loss; nil runs all ``maxIter`` epochs.
    public var tol: Double? { get { model.tol } set { model.tol = newValue } }
    /// Whether to shuffle every epoch.
    public var shuffle: Bool { get { model.shuffle } set { model.shuffle = newValue } }
    /// The constant learning rate.
    public var eta0: Double { get { model.eta0 } set { model.eta0 = newValue } }
    /// The shuffling seed.
    public var randomState: UInt32? { get { model.randomState } set { model.randomState = newValue } }
    /// Stop on the accuracy of a held-out share of the samples.
    public var earlyStopping: Bool { get { model.earlyStopping } set { model.earlyStopping = newValue } }
    /// The held-out share for early stopping.
    public var validationFraction: Double {
        get { model.validationFraction } set { model.validationFraction = newValue }
    }
    /// Epochs without improvement before stopping.
    public var nIterNoChange: Int { get { model.nIterNoChange } set { model.nIterNoChange = newValue } }
    /// Class weights.
    public var classWeight: SGDClassifier.ClassWeight? { get { model.classWeight } set { model.classWeight = newValue } }
    /// Start `fit` from the previous solution.
    public var warmStart: Bool { get { model.warmStart } set { model.warmStart = newValue } }

    public var coef: Tensor<Double>? { model.coef }
    public var intercept: Tensor<Double>? { model.intercept }
    public var classes: [Int] { model.classes }
    /// Epochs run by the last fit (`n_iter_`).
    public var nIter: Int { model.nIter }
    /// scikit-learn's `t_`: updates so far plus one.
    public var t: Double { model.t }

    public func clone() -> Perceptron {
        var copy = self
        copy.model = model.clone()
        return copy
    }

    /// Fits on `x` `[samples, features]` and labels `y` `[samples]`; see ``SGDClassifier/fit(_:_:sampleWeight:coefInit:interceptInit:)``.
    public mutating func fit<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>, sampleWeight: [Double]? = nil,
        coefInit: Tensor<Double>? = nil, interceptInit: Tensor<Double>? = nil
    ) throws(LinearModelError) {
        try model.fit(x, y, sampleWeight: sampleWeight, coefInit: coefInit, interceptInit: interceptInit)
    }

    /// Fits on `x` and `y` with no weights or starting point.
    public mutating func fit<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>
    ) throws {
        try model.fit(x, y, sampleWeight: nil, coefInit: nil, interceptInit: nil)
    }

    /// One epoch over `x`, `y` from the current weights; see ``SGDClassifier/partialFit(_:_:classes:sampleWeight:)``.
    public mutating func partialFit<Scalar: TensorFloatingPoint, Label: TensorScalar>(
        _ x: Tensor<Scalar>, _ y: Tensor<Label>, classes: [Int]? = nil, sampleWeight: [Double]? = nil
    ) throws(LinearModelError) {
        try model.partialFit(x, y, classes: classes, sampleWeight: sampleWeight)
    }
}
