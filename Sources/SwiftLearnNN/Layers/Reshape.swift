import SwiftLearnTensor

/// Gives each sample a new shape with the same number of values (Keras's `Reshape`); one extent may be
/// `-1`, inferred from the others. The values keep their row-major order, so no data moves.
///
/// ```swift
/// Reshape([28, 28, 1], inputShape: [784])   // (None, 784) → (None, 28, 28, 1)
/// Reshape([-1, 32])                         // (None, 7, 7, 32) → (None, 49, 32)
/// ```
public final class Reshape: Layer {
    /// The per-sample target shape, possibly with one `-1`.
    public let targetShape: [Int]

    public init(_ targetShape: [Int], inputShape: [Int]? = nil, name: String? = nil) {
        self.targetShape = targetShape
        super.init(inputShape: inputShape, name: name)
    }

    public override var className: String { "Reshape" }
    override var sharesInputStorage: Bool { true }

    public override func validateArguments() throws {
        try super.validateArguments()
        let unknown = targetShape.filter { $0 == -1 }.count
        guard !targetShape.isEmpty, unknown <= 1, targetShape.allSatisfy({ $0 > 0 || $0 == -1 }) else {
            throw NNError.invalidArgument("Reshape '\(name)': targetShape must hold positive extents and at most one -1, received \(targetShape)")
        }
    }

    public override func computeOutputShape(inputShape: [Int]) throws -> [Int] {
        let count = inputShape.reduce(1, *)
        let known = targetShape.filter { $0 != -1 }.reduce(1, *)
        var shape = targetShape
        if let unknown = shape.firstIndex(of: -1), known > 0, count % known == 0 {
            shape[unknown] = count / known
        }
        guard shape.reduce(1, *) == count, !shape.contains(-1) else {
            throw NNError.shapeMismatch("Reshape '\(name)': input of shape \(kerasShape(inputShape)) has \(count) values per sample, which target shape \(targetShape) cannot hold")
        }
        return shape
    }

    public override var config: [String: JSONValue] { ["target_shape": .array(targetShape.map { .number(Double($0)) })] }
}
