import SwiftLearnSystem

/// A row-major, contiguous, n-dimensional array with value semantics.
///
/// Storage is a Swift `Array`, so copies are O(1) and a write copies only when the
/// storage is shared (copy-on-write). A rank-0 tensor (`shape == []`) holds one scalar.
///
/// ```swift
/// var x = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// x[1, 2] = 60
/// let y = x.reshaped([3, -1])   // shape [3, 2]
/// ```
///
/// numpy spellings: `x.astype(Float.self)`, `a.dot(b)` / `dot(a, b)` / `matmul(a, b)` (Swift cannot declare
/// `@`), `maximum(a, b)`, `Tensor.where(c, a, b)`, `x[.all, 1..<3]`, `x[.stride(by: -1)]`, `x[mask: x .> 0]`,
/// `x.gatheringRows(x.argmax(axis: 1))`, `concatenate([a, b], axis: 1)`.
///
/// What traps and what throws: shape errors in expression-style operations (operators, `matmul`, `dot`,
/// `reshaped`, `permuted`, `gatheringRows`, `concatenate`, `stack`, `where`, subscripts) trap with a message
/// naming the shapes; for shapes that come from data, each has a throwing twin: `checkedReshaped`,
/// `checkedPermuted`, `checkedGatheringRows`, `checkedConcatenate`, `checkedStack`, `checkedWhere`,
/// `checkedDot`, `matrixProduct` (for `matmul`) and `elementwise`/`adding`/... (for the operators).
/// Initializers from scalars throw.
///
/// What is a view and what copies: `reshaped`, `flattened`, `expandingShape` and `squeezingShape` share the
/// storage (O(1)); `rowsView(a..<b)` reads rows in place (numpy's `x[a:b]`). Everything else returns a new
/// contiguous tensor: slices, masks, `rows`, `transposed`/`permuted`, `gatheringRows`, joins, `astype`.
/// Shared storage is never written through: value semantics hold (a write copies first).
public struct Tensor<Scalar: TensorScalar>: Sendable {
    /// The extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)` always holds.
    public private(set) var scalars: [Scalar]

    /// Creates a tensor from row-major scalars.
    /// - Throws: ``TensorError/shapeMismatch(_:)`` when `scalars.count` differs from the shape's element count,
    ///   or a negative extent; the message names the shape and the count received.
    public init(shape: [Int], scalars: [Scalar]) throws(TensorError) {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidShape("shape \(shape) has a negative extent")
        }
        let expected = shape.reduce(1, *)
        guard expected == scalars.count else {
            throw TensorError.shapeMismatch(
                "shape \(shape) needs \(expected) scalars, received \(scalars.count) scalars")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Internal initializer for kernels that have already established the invariant.
    internal init(uncheckedShape shape: [Int], scalars: [Scalar]) {
        assert(shape.reduce(1, *) == scalars.count, "shape \(shape) vs \(scalars.count) scalars")
        self.shape = shape
        self.scalars = scalars
    }

    /// A rank-1 tensor holding `scalars`.
    public init(_ scalars: [Scalar]) {
        self.init(uncheckedShape: [scalars.count], scalars: scalars)
    }

    /// A rank-0 tensor holding one scalar.
    public init(scalar: Scalar) {
        self.init(uncheckedShape: [], scalars: [scalar])
    }

    /// A tensor of `shape` with every element equal to `value`.
    public init(repeating value: Scalar, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "shape \(shape) has a negative extent")
        self.init(shape: shape) { $0.initialize(repeating: value) }
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// The number of elements.
    public var count: Int { scalars.count }
    /// The number of axes.
    public var rank: Int { shape.count }

    /// Row-major strides, in elements.
    public var strides: [Int] {
        var result = [Int](repeating: 1, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() {
            result[axis] = stride
            stride *= shape[axis]
        }
        return result
    }

    /// Reads or writes one element by its full index.
    public subscript(_ index: Int...) -> Scalar {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    /// The flat offset of a full index; traps with both the index and the shape in the message.
    public func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count,
                     "index \(index) has \(index.count) components, tensor of shape \(shape) has rank \(shape.count)")
        var offset = 0
        for axis in 0..<shape.count {
            precondition(index[axis] >= 0 && index[axis] < shape[axis],
                         "index \(index) is out of range for shape \(shape)")
            offset = offset * shape[axis] + index[axis]
        }
        return offset
    }

    /// Calls `body` with the scalars' contiguous storage.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Whether this value alone holds its storage, so writing it would not copy (see ``StorageUniqueness``).
    /// Its callers (`combine`, `applying`) are specialized, so it runs specialized inside them.
    mutating func hasUniqueStorage() -> Bool { StorageUniqueness.isUnique(&scalars) }

    /// Calls `body` with mutable access to the scalars' storage (copying first if it is shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }
}

extension Tensor: Equatable {
    /// Two tensors are equal when their shapes and all their scalars are equal (NaN is never equal).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }
}

extension Tensor {
    // Why `@_specialize` here and on the ops' funnels (`combine`, `applying`, the reductions, `rows`, `gather`,
    // ...): a `Tensor` method called from another module runs unspecialized, and there each use of a generic type
    // (`[Scalar]`, a pointer to one) is a runtime metadata lookup of 20-50 ns. `a / b` on 16 Floats spent 55% of
    // its 270 ns in those lookups, the storage-uniqueness check alone 28% (perf, 4 Dec 2026); with the attribute
    // the generic entry point tests the type once and jumps to a copy compiled for it. This allocation is reached
    // from unspecialized ops too. What remains per result is the standard library's own lookup in every array
    // allocation (about 40 ns: a 100-Float array costs 61 ns against 19 for malloc and a fill).
    /// Creates a tensor of `shape` whose storage `body` fills completely.
    ///
    /// The fast path for kernels: no zero-fill before the write, and large buffers get transparent huge pages
    /// before it (see `HugePages`). `body` must initialize every element.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        precondition(shape.allSatisfy { $0 >= 0 }, "shape \(shape) has a negative extent")
        let scalars = try HugePages.array(of: Scalar.self, count: shape.reduce(1, *), initializingWith: body)
        self.init(uncheckedShape: shape, scalars: scalars)
    }
}
