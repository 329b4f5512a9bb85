import SwiftLearnTensor

/// Collapses every axis but the batch: `[batch, d1, d2, ...]` → `[batch, d1 * d2 * ...]`.
///
/// ```swift
/// Flatten(inputShape: [28, 28])   // output (None, 784)
/// ```
public final class Flatten: Layer {
    public override init(inputShape: [Int]? = nil, name: String? = nil) {
        super.init(inputShape: inputShape, name: name)
    }

    public override var className: String { "Flatten" }
    override var sharesInputStorage: Bool { true }

    public override func computeOutputShape(inputShape: [Int]) throws -> [Int] {
        [inputShape.reduce(1, *)]
    }
}
