/// A quantity reported per epoch beside the loss, averaged over samples like Keras's mean metrics.
///
/// `.accuracy` resolves like Keras: binary accuracy for binary cross-entropy (threshold 0.5),
/// sparse categorical accuracy for sparse cross-entropy (argmax equals the label), categorical
/// accuracy for categorical cross-entropy (argmax equals the target's argmax); for other losses it
/// looks at shapes (a single output column → binary, one label per sample → sparse, else categorical).
///
/// Metrics are given as values or by Keras's names, and the name given is the key in the logs and the
/// history (`"acc"` logs `acc` and `val_acc`, as in Keras). An unknown name is an error at `compile`
/// that lists the valid ones.
///
/// With sample or class weights, a metric is the weighted mean `Σ w·m / Σ w` (Keras's weighted metrics).
///
/// ```swift
/// try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
/// try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["acc"])
/// // history["acc"], history["val_acc"]
/// ```
public struct Metric: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    enum Kind: String, Sendable, Equatable {
        case accuracy
        case binaryAccuracy = "binary_accuracy"
        case categoricalAccuracy = "categorical_accuracy"
        case sparseCategoricalAccuracy = "sparse_categorical_accuracy"
        case meanAbsoluteError = "mae"
        case meanSquaredError = "mse"
    }
    /// The computation; `nil` for a name that matched nothing (reported by ``validate()``).
    let kind: Kind?
    /// The key in logs and history: the name as given.
    public let name: String

    public static let accuracy = Metric(kind: .accuracy)
    public static let binaryAccuracy = Metric(kind: .binaryAccuracy)
    public static let categoricalAccuracy = Metric(kind: .categoricalAccuracy)
    public static let sparseCategoricalAccuracy = Metric(kind: .sparseCategoricalAccuracy)
    public static let mae = Metric(kind: .meanAbsoluteError)
    public static let meanAbsoluteError = mae
    public static let mse = Metric(kind: .meanSquaredError)
    public static let meanSquaredError = mse

    public var description: String { name }

    init(kind: Kind) {
        self.kind = kind
        self.name = kind.rawValue
    }

    /// The metric for a Keras name or alias (`accuracy`/`acc`, `binary_accuracy`, `categorical_accuracy`,
    /// `sparse_categorical_accuracy`, `mae`/`mean_absolute_error`, `mse`/`mean_squared_error`), logged
    /// under `name` exactly as given.
    public init(name: String) {
        self.name = name
        self.kind = Metric.aliases[name]
    }

    public init(stringLiteral name: String) { self.init(name: name) }

    static let aliases: [String: Kind] = [
        "accuracy": .accuracy, "acc": .accuracy,
        "binary_accuracy": .binaryAccuracy, "categorical_accuracy": .categoricalAccuracy,
        "sparse_categorical_accuracy": .sparseCategoricalAccuracy,
        "mae": .meanAbsoluteError, "mean_absolute_error": .meanAbsoluteError,
        "mse": .meanSquaredError, "mean_squared_error": .meanSquaredError,
    ]

    /// Throws ``NNError/invalidArgument(_:)`` for a name that is not a known metric, listing the valid names.
    public func validate() throws(NNError) {
        guard kind == nil else { return }
        throw .invalidArgument("unknown metric '\(name)'; valid names: \(Metric.aliases.keys.sorted().joined(separator: ", "))")
    }

    /// The concrete computation of `.accuracy` for a loss, a prediction width and sparse/dense targets.
    func resolved(loss: any Loss, width: Int, sparseTargets: Bool) -> Kind {
        let kind = self.kind ?? .accuracy
        guard kind == .accuracy else { return kind }
        if let standard = loss as? StandardLoss {
            switch standard.kind {
            case .binaryCrossentropy: return .binaryAccuracy
            case .sparseCategoricalCrossentropy: return .sparseCategoricalAccuracy
            case .categoricalCrossentropy: return .categoricalAccuracy
            default: break
            }
        }
        if width == 1 { return .binaryAccuracy }
        return sparseTargets ? .sparseCategoricalAccuracy : .categoricalAccuracy
    }

    /// The sum over rows of the per-row metric value, each multiplied by its sample's weight (row `r`
    /// belongs to sample `r / rowsPerSample`).
    static func sum(_ kind: Kind, predictions: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
                    weights: UnsafeBufferPointer<Float>? = nil, rowsPerSample: Int = 1, rows: Int, width: Int) -> Double {
        guard rows > 0, width > 0, let p = predictions.baseAddress, let y = targets.baseAddress else { return 0 }
        var total: Double = 0
        @inline(__always) func argmax(_ row: UnsafePointer<Float>) -> Int {
            var best = 0
            for j in 1..<width where row[j] > row[best] { best = j }
            return best
        }
        for row in 0..<rows {
            let value: Double
            switch kind {
            case .accuracy, .sparseCategoricalAccuracy:
                value = argmax(p + row * width) == Int(y[row]) ? 1 : 0
            case .categoricalAccuracy:
                value = argmax(p + row * width) == argmax(y + row * width) ? 1 : 0
            case .binaryAccuracy:
                var hits = 0
                for j in row * width..<(row + 1) * width where (p[j] > 0.5 ? 1 : 0) == y[j] { hits += 1 }
                value = Double(hits) / Double(width)
            case .meanAbsoluteError:
                var sum: Float = 0
                for j in row * width..<(row + 1) * width { sum += Swift.abs(p[j] - y[j]) }
                value = Double(sum / Float(width))
            case .meanSquaredError:
                var sum: Float = 0
                for j in row * width..<(row + 1) * width { let e = p[j] - y[j]; sum += e * e }
                value = Double(sum / Float(width))
            }
            total += weights.map { value * Double($0[row / rowsPerSample]) } ?? value
        }
        return total
    }
}
