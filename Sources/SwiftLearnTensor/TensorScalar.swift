/// The element types a ``Tensor`` can hold.
///
/// `Float` and `Double` carry the math; `Int32` holds labels and indices; `UInt8` holds
/// pixels and raw bytes as they come off disk (`Tensor<Float>(bytes) / 255`).
public protocol TensorScalar: Numeric, Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The numpy dtype name (`float32`, `float64`, `int32`, `uint8`), used in messages and file headers.
    static var dtypeName: String { get }
    /// Converts from `Double`, rounding toward zero and clamping for integer types.
    init(converting value: Double)
    /// The value as a `Double` (exact for every supported type).
    var doubleValue: Double { get }

    /// Kernel hook behind every elementwise tensor operation:
    /// `result[i] = lhs[i * lhsStride] ⊙ rhs[i * rhsStride]` for `i in 0..<count`.
    ///
    /// Strides are `1` (a contiguous run) or `0` (one broadcast scalar); `result` may be exactly `lhs` or `rhs`
    /// (in-place update) but must not otherwise overlap them. Integer arithmetic wraps like numpy's, and
    /// integer division by zero gives 0 (numpy's result) instead of trapping. Comparisons write 1 or 0.
    static func elementwise(
        _ operation: ElementwiseOperation,
        lhs: UnsafePointer<Self>, lhsStride: Int,
        rhs: UnsafePointer<Self>, rhsStride: Int,
        result: UnsafeMutablePointer<Self>, count: Int)

    /// Kernel hook behind reductions: folds a contiguous run in a fixed order (independent of threads),
    /// so equal inputs always give bit-identical results. `minimum`/`maximum` propagate NaN like numpy.
    /// An empty run gives the identity (`0` for `sum`); callers reject empty `minimum`/`maximum`.
    static func reduce(_ operation: ReductionOperation, _ values: UnsafeBufferPointer<Self>) -> Self
}

/// The binary operations ``TensorScalar/elementwise(_:lhs:lhsStride:rhs:rhsStride:result:count:)`` performs.
public enum ElementwiseOperation: Sendable, Hashable, CaseIterable {
    case add, subtract, multiply, divide
    /// numpy `minimum`/`maximum`: NaN in either operand gives NaN.
    case minimum, maximum
    /// Comparisons producing a 0/1 mask in the operands' scalar type.
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
}

/// The folds ``TensorScalar/reduce(_:_:)`` performs.
public enum ReductionOperation: Sendable, Hashable, CaseIterable {
    case sum, minimum, maximum
}

extension Float: TensorScalar {
    public static var dtypeName: String { "float32" }
    @inlinable public init(converting value: Double) { self = Float(value) }
    @inlinable public var doubleValue: Double { Double(self) }
}

extension Double: TensorScalar {
    public static var dtypeName: String { "float64" }
    @inlinable public init(converting value: Double) { self = value }
    @inlinable public var doubleValue: Double { self }
}

extension Int32: TensorScalar {
    public static var dtypeName: String { "int32" }
    @inlinable public init(converting value: Double) {
        if value.isNaN { self = 0 } else { self = Int32(Swift.max(Double(Int32.min), Swift.min(Double(Int32.max), value.rounded(.towardZero)))) }
    }
    @inlinable public var doubleValue: Double { Double(self) }
}

extension UInt8: TensorScalar {
    public static var dtypeName: String { "uint8" }
    @inlinable public init(converting value: Double) {
        if value.isNaN { self = 0 } else { self = UInt8(Swift.max(0, Swift.min(255, value.rounded(.towardZero)))) }
    }
    @inlinable public var doubleValue: Double { Double(self) }
}
