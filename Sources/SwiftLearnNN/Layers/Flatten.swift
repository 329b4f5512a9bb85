/// Collapses every axis but the batch: `[batch, d1, d2, ...]` → `[batch, d1 * d2 * ...]`.
///
/// ```swift
/// Flatten(inputShape: [28, 28])   // output (None, 784)
/// ```
public final class Flatten: Layer {
    public init(inputShape: [Int]? = nil, name: String? = nil) {
        super.init(name: name, inputShape: inputShape)
    }

    public override var className: String { "Flatten" }
    public override var isReshapeOnly: Bool { true }

    public override func computeOutputShape(inputShape: [Int]) throws -> [Int] {
        [inputShape.reduce(1, *)]
    }
}
