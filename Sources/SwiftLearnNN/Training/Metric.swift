/// A quantity reported per epoch beside the loss, averaged over samples like Keras's mean metrics.
///
/// `.accuracy` resolves like Keras: binary accuracy for binary cross-entropy (threshold 0.5),
/// sparse categorical accuracy for sparse cross-entropy (argmax equals the label), categorical
/// accuracy for categorical cross-entropy (argmax equals the target's argmax); for other losses it
/// looks at shapes (a single output column → binary, one label per sample → sparse, else categorical).
///
/// ```swift
/// try model.compile(optimizer: .adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
/// // history["accuracy"], history["val_accuracy"]
/// ```
public struct Metric: Sendable, Equatable, CustomStringConvertible {
    enum Kind: String, Sendable, Equatable {
        case accuracy
        case binaryAccuracy = "binary_accuracy"
        case categoricalAccuracy = "categorical_accuracy"
        case sparseCategoricalAccuracy = "sparse_categorical_accuracy"
        case meanAbsoluteError = "mae"
        case meanSquaredError = "mse"
    }
    let kind: Kind

    public static let accuracy = Metric(kind: .accuracy)
    public static let binaryAccuracy = Metric(kind: .binaryAccuracy)
    public static let categoricalAccuracy = Metric(kind: .categoricalAccuracy)
    public static let sparseCategoricalAccuracy = Metric(kind: .sparseCategoricalAccuracy)
    public static let mae = Metric(kind: .meanAbsoluteError)
    public static let meanAbsoluteError = mae
    public static let mse = Metric(kind: .meanSquaredError)
    public static let meanSquaredError = mse

    /// The key in logs and history (`accuracy`, `mae`, `mse`, `sparse_categorical_accuracy`, ...).
    public var name: String { kind.rawValue }
    public var description: String { name }

    init(kind: Kind) { self.kind = kind }

    init?(name: String) {
        guard let kind = Kind(rawValue: name == "acc" ? "accuracy" : name) else { return nil }
        self.kind = kind
    }

    /// The concrete computation of `.accuracy` for a loss, a prediction width and sparse/dense targets.
    func resolved(loss: Loss, width: Int, sparseTargets: Bool) -> Kind {
        guard kind == .accuracy else { return kind }
        switch loss.kind {
        case .binaryCrossentropy: return .binaryAccuracy
        case .sparseCategoricalCrossentropy: return .sparseCategoricalAccuracy
        case .categoricalCrossentropy: return .categoricalAccuracy
        default:
            if width == 1 { return .binaryAccuracy }
            return sparseTargets ? .sparseCategoricalAccuracy : .categoricalAccuracy
        }
    }

    /// The sum over rows of the per-row metric value.
    static func sum(_ kind: Kind, predictions: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
                    rows: Int, width: Int) -> Double {
        guard rows > 0, width > 0, let p = predictions.baseAddress, let y = targets.baseAddress else { return 0 }
        var total: Double = 0
        @inline(__always) func argmax(_ row: UnsafePointer<Float>) -> Int {
            var best = 0
            for j in 1..<width where row[j] > row[best] { best = j }
            return best
        }
        switch kind {
        case .accuracy, .sparseCategoricalAccuracy:
            for row in 0..<rows where argmax(p + row * width) == Int(y[row]) { total += 1 }
        case .categoricalAccuracy:
            for row in 0..<rows where argmax(p + row * width) == argmax(y + row * width) { total += 1 }
        case .binaryAccuracy:
            for row in 0..<rows {
                var hits = 0
                for j in row * width..<(row + 1) * width where (p[j] > 0.5 ? 1 : 0) == y[j] { hits += 1 }
                total += Double(hits) / Double(width)
            }
        case .meanAbsoluteError:
            for row in 0..<rows {
                var sum: Float = 0
                for j in row * width..<(row + 1) * width { sum += Swift.abs(p[j] - y[j]) }
                total += Double(sum / Float(width))
            }
        case .meanSquaredError:
            for row in 0..<rows {
                var sum: Float = 0
                for j in row * width..<(row + 1) * width { let e = p[j] - y[j]; sum += e * e }
                total += Double(sum / Float(width))
            }
        }
        return total
    }
}
