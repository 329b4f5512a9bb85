import SwiftLearnTensor

/// One trainable (or frozen) array of a layer, like a Keras `Variable`: a `Dense` layer owns
/// `kernel` (shape `[inputWidth, units]`) and `bias` (shape `[units]`).
///
/// Layers create weights with ``Layer/addWeight(name:shape:initializer:trainable:)`` while building.
/// Values and gradients live in buffers the training loop updates in place; ``value`` copies the values
/// out and ``assign(_:)`` copies new ones in. A custom layer's `backward` stores its gradient with
/// ``assignGradient(_:)``.
///
/// ```swift
/// let kernel = dense.weights[0]          // "kernel", shape [784, 100]
/// let copy = kernel.value                // Tensor<Float>
/// try kernel.assign(copy * 0.5)
/// ```
public final class Weight {
    /// The name inside its layer, e.g. `kernel`.
    public let name: String
    /// The shape, e.g. `[784, 100]`.
    public let shape: [Int]
    /// Whether optimizers update it (Keras's `trainable`). BatchNormalization's moving statistics are not.
    public var trainable: Bool
    /// The number of scalars.
    public let count: Int

    let valueBuffer: FloatBuffer
    let gradientBuffer: FloatBuffer
    /// How the values, gradients and optimizer state sit in memory: `nil` for row-major, or column panels
    /// (see ``ColumnPanels``) that a layer chose at build time. Every public accessor reads and writes row-major.
    private(set) var panels: ColumnPanels?

    init(name: String, shape: [Int], trainable: Bool = true) {
        self.name = name
        self.shape = shape
        self.trainable = trainable
        self.count = shape.reduce(1, *)
        valueBuffer = FloatBuffer(capacity: count)
        gradientBuffer = FloatBuffer(capacity: count)
    }

    /// The values in storage order (row-major unless ``panels`` says otherwise).
    var values: UnsafeMutableBufferPointer<Float> { valueBuffer.view(count) }
    /// The gradient in storage order.
    var gradients: UnsafeMutableBufferPointer<Float> { gradientBuffer.view(count) }

    /// Moves the values and gradient of this `[rows, columns]` weight into `panels`' storage order.
    func arrange(in panels: ColumnPanels) {
        precondition(shape == [panels.rows, panels.columns], "panels \(panels.rows)x\(panels.columns) for a weight of shape \(shape)")
        rearrange(values.baseAddress!, from: self.panels, to: panels)
        rearrange(gradients.baseAddress!, from: self.panels, to: panels)
        self.panels = panels
    }

    /// A copy of the current values.
    public var value: Tensor<Float> { copy(values) }

    /// A copy of the gradient the last backward pass wrote.
    public var gradient: Tensor<Float> { copy(gradients) }

    /// The current values as a flat array (row-major).
    public var scalars: [Float] {
        [Float](unsafeUninitializedCapacity: count) { destination, initialized in
            panels.copy(storage: UnsafeBufferPointer(values), toRowMajor: destination)
            initialized = count
        }
    }

    /// Replaces the values.
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming the weight and both shapes when `newValue.shape != shape`.
    public func assign(_ newValue: Tensor<Float>) throws(NNError) {
        try checkShape(newValue, role: "value")
        newValue.withUnsafeBufferPointer { copyValues(from: $0) }
    }

    /// Stores the gradient of the loss with respect to this weight (a custom layer's `backward` calls it).
    /// - Throws: ``NNError/shapeMismatch(_:)`` naming the weight and both shapes.
    public func assignGradient(_ gradient: Tensor<Float>) throws(NNError) {
        try checkShape(gradient, role: "gradient")
        let destination = gradients, panels = self.panels
        gradient.withUnsafeBufferPointer { panels.copy(rowMajor: $0, toStorage: destination) }
    }

    private func checkShape(_ tensor: Tensor<Float>, role: String) throws(NNError) {
        guard tensor.shape == shape else {
            throw .shapeMismatch("weight '\(name)' has shape \(numpyShape(shape)), received a \(role) of shape \(numpyShape(tensor.shape))")
        }
    }

    private func copy(_ source: UnsafeMutableBufferPointer<Float>) -> Tensor<Float> {
        Tensor(shape: shape) { destination in panels.copy(storage: UnsafeBufferPointer(source), toRowMajor: destination) }
    }

    /// Replaces the values with row-major `source`.
    func copyValues(from source: UnsafeBufferPointer<Float>) {
        panels.copy(rowMajor: source, toStorage: values)
    }
}

/// A `[rows, columns]` matrix stored as column panels: the columns `bounds[p]..<bounds[p + 1]` form panel
/// `p`, stored column by column (the panel's transpose, row-major: `[width, rows]`) from element `rows · bounds[p]`.
///
/// Dense stores a kernel this way when its products are split by output columns over the worker pool: each
/// share's columns of the kernel, of its gradient and of the optimizer state are one contiguous block, so in
/// every phase of a step (forward, weight gradient, update) a core touches only its own cache lines (with a
/// row-major kernel, the forward pass's column shares and the update's row shares moved lines between cores).
/// Column by column, because the products then run with the panel's width as their row count
/// (`dWᵀ = dzᵀ · x`, `yᵀ = Wᵀ · xᵀ`), which SGEMM's tiles cover better than a narrow column count.
///
/// ```swift
/// let panels = ColumnPanels(rows: 2, columns: 3, bounds: [0, 1, 3])
/// // row-major [a b c; d e f] is stored as [a d | b e c f]
/// ```
struct ColumnPanels: Equatable {
    let rows: Int
    let columns: Int
    /// `0 = bounds[0] < bounds[1] < ... < bounds.last = columns`.
    let bounds: [Int]

    var count: Int { bounds.count - 1 }

    /// The columns of panel `index`.
    func columns(_ index: Int) -> Range<Int> { bounds[index]..<bounds[index + 1] }

    /// Where panel `index` starts in storage.
    func start(_ index: Int) -> Int { rows * bounds[index] }

    /// Copies row-major `source` into panel order at `destination` (distinct buffers).
    func arrange(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>) {
        for column in 0..<columns {
            for row in 0..<rows { destination[rows * column + row] = source[row * columns + column] }
        }
    }

    /// Copies panel-order `source` into row-major order at `destination` (distinct buffers).
    func rowMajor(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>) {
        for column in 0..<columns {
            for row in 0..<rows { destination[row * columns + column] = source[rows * column + row] }
        }
    }
}

/// Copies between row-major order and a storage order: column panels, or row-major itself (`nil`, a plain copy).
extension Optional where Wrapped == ColumnPanels {
    /// Copies row-major `source` into `destination` in this storage order (distinct buffers of equal count).
    func copy(rowMajor source: UnsafeBufferPointer<Float>, toStorage destination: UnsafeMutableBufferPointer<Float>) {
        if let panels = self { panels.arrange(source.baseAddress!, into: destination.baseAddress!) }
        else { _ = destination.initialize(from: source) }
    }

    /// Copies `source`, in this storage order, into `destination` in row-major order (distinct buffers).
    func copy(storage source: UnsafeBufferPointer<Float>, toRowMajor destination: UnsafeMutableBufferPointer<Float>) {
        if let panels = self { panels.rowMajor(source.baseAddress!, into: destination.baseAddress!) }
        else { _ = destination.initialize(from: source) }
    }
}

/// Reorders the `rows · columns` values at `base` in place from one storage order to another (`nil`: row-major).
func rearrange(_ base: UnsafeMutablePointer<Float>, from old: ColumnPanels?, to new: ColumnPanels?) {
    guard old != new, let count = (old ?? new).map({ $0.rows * $0.columns }) else { return }
    let storage = UnsafeMutableBufferPointer(start: base, count: count)
    let rowMajor = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
    defer { rowMajor.deallocate() }
    old.copy(storage: UnsafeBufferPointer(storage), toRowMajor: rowMajor)
    new.copy(rowMajor: UnsafeBufferPointer(rowMajor), toStorage: storage)
}
