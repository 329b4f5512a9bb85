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
