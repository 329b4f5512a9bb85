/// Elementwise arithmetic with numpy broadcasting.
///
/// Operators trap (they cannot throw) with a message naming both shapes, e.g.
/// `+: cannot broadcast shapes [2, 3] and [4] for add`; the `adding(_:)` family throws the same message instead.
///
/// ```swift
/// let x = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let bias = Tensor<Float>([10, 20, 30])
/// x + bias      // [[11, 22, 33], [14, 25, 36]]
/// x * 2 - 1     // scalars broadcast too
/// ```
extension Tensor {
    /// `lhs operation rhs` with broadcasting. When the result has `lhs`'s shape and nothing else holds `lhs`'s
    /// storage (a temporary such as `Tensor<Float>(bytes)` in `Tensor<Float>(bytes) / 255`), the result is
    /// computed in that storage instead of a fresh buffer (see ``StorageUniqueness``); same kernel, same bits.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    static func combine(_ operation: ElementwiseOperation, _ lhs: consuming Tensor, _ rhs: Tensor, symbol: String) -> Tensor {
        guard let shape = broadcastShape(lhs.shape, rhs.shape) else {
            preconditionFailure("\(symbol): cannot broadcast shapes \(lhs.shape) and \(rhs.shape) for \(operation)")
        }
        var result = consume lhs
        if shape == result.shape, result.hasUniqueStorage() {
            result.broadcastingInPlace(operation, rhs, name: symbol)
            return result
        }
        return broadcasting(operation, result, rhs, resultShape: shape)
    }

    /// `lhs operation scalar`, in `lhs`'s storage when nothing else holds it (a scalar always broadcasts; no
    /// message is formatted: interpolating the operation cost more than a 1e3-element multiply).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    static func combine(_ operation: ElementwiseOperation, _ lhs: consuming Tensor, scalar: Scalar) -> Tensor {
        var result = consume lhs
        let rhs = Tensor(scalar: scalar)
        if result.hasUniqueStorage() {
            result.broadcastingInPlace(operation, rhs, name: "scalar operator")
            return result
        }
        return broadcasting(operation, result, rhs, resultShape: result.shape)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Int32)
    @_specialize(where Scalar == UInt8)
    static func combine(_ operation: ElementwiseOperation, scalar: Scalar, _ rhs: Tensor) -> Tensor {
        broadcasting(operation, Tensor(scalar: scalar), rhs, resultShape: rhs.shape)
    }

    /// Applies any ``ElementwiseOperation`` with broadcasting.
    /// - Throws: ``TensorError/shapeMismatch(_:)`` naming both shapes when they do not broadcast.
    public func elementwise(_ operation: ElementwiseOperation, _ other: Tensor) throws(TensorError) -> Tensor {
        let shape = try Tensor.checkedBroadcastShape(self.shape, other.shape, operation)
        return Tensor.broadcasting(operation, self, other, resultShape: shape)
    }

    /// `self + other` with broadcasting. - Throws: ``TensorError/shapeMismatch(_:)`` naming both shapes.
    public func adding(_ other: Tensor) throws(TensorError) -> Tensor { try elementwise(.add, other) }
    /// `self - other` with broadcasting. - Throws: ``TensorError/shapeMismatch(_:)`` naming both shapes.
    public func subtracting(_ other: Tensor) throws(TensorError) -> Tensor { try elementwise(.subtract, other) }
    /// `self * other` with broadcasting. - Throws: ``TensorError/shapeMismatch(_:)`` naming both shapes.
    public func multiplying(_ other: Tensor) throws(TensorError) -> Tensor { try elementwise(.multiply, other) }
    /// `self / other` with broadcasting. - Throws: ``TensorError/shapeMismatch(_:)`` naming both shapes.
    public func dividing(_ other: Tensor) throws(TensorError) -> Tensor { try elementwise(.divide, other) }

    public static func + (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.add, consume lhs, rhs, symbol: "+") }
    public static func - (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.subtract, consume lhs, rhs, symbol: "-") }
    public static func * (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.multiply, consume lhs, rhs, symbol: "*") }
    /// Division; integer tensors truncate toward zero and give 0 for a zero divisor (numpy's result).
    public static func / (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.divide, consume lhs, rhs, symbol: "/") }

    public static func + (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.add, consume lhs, scalar: rhs) }
    public static func - (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.subtract, consume lhs, scalar: rhs) }
    public static func * (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.multiply, consume lhs, scalar: rhs) }
    public static func / (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.divide, consume lhs, scalar: rhs) }

    public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { combine(.add, scalar: lhs, rhs) }
    public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { combine(.subtract, scalar: lhs, rhs) }
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { combine(.multiply, scalar: lhs, rhs) }
    public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { combine(.divide, scalar: lhs, rhs) }

    /// In place; `rhs` must broadcast to `lhs.shape` (the shape of `lhs` never changes).
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs.broadcastingInPlace(.add, rhs, name: "+=") }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs.broadcastingInPlace(.subtract, rhs, name: "-=") }
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs.broadcastingInPlace(.multiply, rhs, name: "*=") }
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs.broadcastingInPlace(.divide, rhs, name: "/=") }

    public static func += (lhs: inout Tensor, rhs: Scalar) { lhs.broadcastingInPlace(.add, Tensor(scalar: rhs), name: "+=") }
    public static func -= (lhs: inout Tensor, rhs: Scalar) { lhs.broadcastingInPlace(.subtract, Tensor(scalar: rhs), name: "-=") }
    public static func *= (lhs: inout Tensor, rhs: Scalar) { lhs.broadcastingInPlace(.multiply, Tensor(scalar: rhs), name: "*=") }
    public static func /= (lhs: inout Tensor, rhs: Scalar) { lhs.broadcastingInPlace(.divide, Tensor(scalar: rhs), name: "/=") }

    /// numpy `minimum(a, b)` with broadcasting; NaN wins.
    public static func minimum(_ lhs: consuming Tensor, _ rhs: Tensor) -> Tensor { combine(.minimum, consume lhs, rhs, symbol: "minimum") }
    /// numpy `maximum(a, b)` with broadcasting; NaN wins.
    public static func maximum(_ lhs: consuming Tensor, _ rhs: Tensor) -> Tensor { combine(.maximum, consume lhs, rhs, symbol: "maximum") }
    /// numpy `minimum(a, s)`.
    public static func minimum(_ lhs: consuming Tensor, _ rhs: Scalar) -> Tensor { combine(.minimum, consume lhs, scalar: rhs) }
    /// numpy `maximum(a, s)`.
    public static func maximum(_ lhs: consuming Tensor, _ rhs: Scalar) -> Tensor { combine(.maximum, consume lhs, scalar: rhs) }
}

extension Tensor where Scalar: SignedNumeric {
    /// Elementwise negation (`-x`, computed as `-1 * x` so `-0.0` and NaN behave like numpy).
    public static prefix func - (operand: consuming Tensor) -> Tensor { combine(.multiply, consume operand, scalar: -1) }
}

/// Comparisons produce masks: tensors of the same scalar type holding 1 where the comparison holds and 0
/// elsewhere, so a mask multiplies straight into arithmetic (`gradient * (x .> 0)`). NaN compares unequal.
extension Tensor {
    public static func .== (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.equal, consume lhs, rhs, symbol: ".==") }
    public static func .!= (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.notEqual, consume lhs, rhs, symbol: ".!=") }
    public static func .< (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.less, consume lhs, rhs, symbol: ".<") }
    public static func .<= (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.lessOrEqual, consume lhs, rhs, symbol: ".<=") }
    public static func .> (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.greater, consume lhs, rhs, symbol: ".>") }
    public static func .>= (lhs: consuming Tensor, rhs: Tensor) -> Tensor { combine(.greaterOrEqual, consume lhs, rhs, symbol: ".>=") }

    public static func .== (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.equal, consume lhs, scalar: rhs) }
    public static func .!= (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.notEqual, consume lhs, scalar: rhs) }
    public static func .< (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.less, consume lhs, scalar: rhs) }
    public static func .<= (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.lessOrEqual, consume lhs, scalar: rhs) }
    public static func .> (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.greater, consume lhs, scalar: rhs) }
    public static func .>= (lhs: consuming Tensor, rhs: Scalar) -> Tensor { combine(.greaterOrEqual, consume lhs, scalar: rhs) }
}
