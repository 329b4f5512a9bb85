/// numpy's `where`, `maximum`/`minimum` and `dot` spellings.
///
/// ```swift
/// let x = Tensor<Float>([-2, 0.5, 3])
/// Tensor.where(x .> 0, x, 0.01 * x)     // leaky ReLU: [-0.02, 0.5, 3]
/// maximum(x, 0)                          // [0, 0.5, 3]
/// x.dot(x)                               // rank 0: 13.25
/// ```
extension Tensor {
    /// numpy `where(condition, a, b)`: `a` where `condition` is non-zero (NaN counts as non-zero), `b`
    /// elsewhere, with the three shapes broadcast together. `condition` may be any scalar type: the masks
    /// comparisons return (`x .> 0`) work as they are. Traps naming the three shapes when they do not
    /// broadcast (``checkedWhere(_:_:_:)`` throws).
    public static func `where`<Mask: TensorScalar>(_ condition: Tensor<Mask>, _ a: Tensor, _ b: Tensor) -> Tensor {
        do { return try checkedWhere(condition, a, b) } catch { preconditionFailure(error.description) }
    }

    /// numpy `where(condition, a, s)`.
    public static func `where`<Mask: TensorScalar>(_ condition: Tensor<Mask>, _ a: Tensor, _ b: Scalar) -> Tensor {
        Tensor.where(condition, a, Tensor(scalar: b))
    }

    /// numpy `where(condition, s, b)`.
    public static func `where`<Mask: TensorScalar>(_ condition: Tensor<Mask>, _ a: Scalar, _ b: Tensor) -> Tensor {
        Tensor.where(condition, Tensor(scalar: a), b)
    }

    /// Throwing form of ``where(_:_:_:)-(Tensor<Mask>,Tensor,Tensor)``.
    /// - Throws: ``TensorError/shapeMismatch(_:)`` naming the three shapes when they do not broadcast.
    public static func checkedWhere<Mask: TensorScalar>(_ condition: Tensor<Mask>, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        guard let ab = broadcastShape(a.shape, b.shape), let shape = broadcastShape(condition.shape, ab) else {
            throw TensorError.shapeMismatch(
                "where: cannot broadcast condition \(condition.shape), a \(a.shape) and b \(b.shape) together")
        }
        let flags = nonzeroFlags(condition)
        func axes(_ operand: [Int]) -> [Int] {
            let padded = [Int](repeating: 1, count: shape.count - operand.count) + operand
            let strides = Tensor.rowMajorStrides(padded)
            return padded.indices.map { padded[$0] == 1 ? 0 : strides[$0] }
        }
        let maskStrides = axes(condition.shape), aStrides = axes(a.shape), bStrides = axes(b.shape)
        return Tensor(shape: shape) { output in
            guard output.count > 0 else { return }
            flags.withUnsafeBufferPointer { m in
                a.withUnsafeBufferPointer { x in
                    b.withUnsafeBufferPointer { y in
                        let plan = SelectPlan(shape: shape, maskStrides: maskStrides, aStrides: aStrides, bStrides: bStrides)
                        if let bits = ScalarBits(Scalar.self) {
                            plan.run(bits, m.baseAddress!, UnsafeRawPointer(x.baseAddress!), UnsafeRawPointer(y.baseAddress!),
                                     UnsafeMutableRawPointer(output.baseAddress!))
                        } else {
                            plan.run(m.baseAddress!, x.baseAddress!, y.baseAddress!, output.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}

/// The loop behind `where`: an odometer over the outer axes of the broadcast shape, and an inner run whose
/// three operands each step by 0 (broadcast) or 1.
struct SelectPlan {
    var odometer: StridedOdometer
    var run: Int
    var innerStrides: (mask: Int, a: Int, b: Int)

    init(shape: [Int], maskStrides: [Int], aStrides: [Int], bStrides: [Int]) {
        let outer = shape.count - 1
        run = outer >= 0 ? shape[outer] : 1
        innerStrides = outer >= 0 ? (maskStrides[outer], aStrides[outer], bStrides[outer]) : (0, 0, 0)
        let outerAxes = Swift.max(0, outer)
        odometer = StridedOdometer(extents: Array(shape.prefix(outerAxes)),
                                   strides: [maskStrides, aStrides, bStrides].map { Array($0.prefix(outerAxes)) })
    }

    /// The selection on the unsigned type of the scalars' width (not generic: compiled per concrete type).
    func run(_ bits: ScalarBits, _ mask: UnsafePointer<UInt8>, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer,
             _ output: UnsafeMutableRawPointer) {
        func typed<T>(_ type: T.Type) {
            run(mask, a.assumingMemoryBound(to: T.self), b.assumingMemoryBound(to: T.self), output.assumingMemoryBound(to: T.self))
        }
        switch bits {
        case .one: typed(UInt8.self)
        case .two: typed(UInt16.self)
        case .four: typed(UInt32.self)
        case .eight: typed(UInt64.self)
        }
    }

    @inline(__always)
    func run<T>(_ m: UnsafePointer<UInt8>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>, _ d: UnsafeMutablePointer<T>) {
        let (sm, sa, sb) = innerStrides
        var odometer = self.odometer
        var position = 0
        for _ in 0..<odometer.blocks {
            let mo = odometer.offsets[0], ao = odometer.offsets[1], bo = odometer.offsets[2]
            if sm == 1 && sa == 1 && sb == 1 {
                for j in 0..<run { (d + position + j).initialize(to: m[mo + j] != 0 ? x[ao + j] : y[bo + j]) }
            } else {
                for j in 0..<run {
                    (d + position + j).initialize(to: m[mo + j * sm] != 0 ? x[ao + j * sa] : y[bo + j * sb])
                }
            }
            position += run
            odometer.advance()
        }
    }
}

// MARK: - Free functions, as numpy spells them

/// numpy `maximum(a, b)` with broadcasting; NaN in either operand gives NaN.
public func maximum<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> { Tensor.maximum(a, b) }
/// numpy `maximum(a, s)`.
public func maximum<S: TensorScalar>(_ a: Tensor<S>, _ b: S) -> Tensor<S> { Tensor.maximum(a, b) }
/// numpy `maximum(s, b)`.
public func maximum<S: TensorScalar>(_ a: S, _ b: Tensor<S>) -> Tensor<S> { Tensor.maximum(Tensor(scalar: a), b) }
/// numpy `minimum(a, b)` with broadcasting; NaN in either operand gives NaN.
public func minimum<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> { Tensor.minimum(a, b) }
/// numpy `minimum(a, s)`.
public func minimum<S: TensorScalar>(_ a: Tensor<S>, _ b: S) -> Tensor<S> { Tensor.minimum(a, b) }
/// numpy `minimum(s, b)`.
public func minimum<S: TensorScalar>(_ a: S, _ b: Tensor<S>) -> Tensor<S> { Tensor.minimum(Tensor(scalar: a), b) }

// MARK: - dot

/// numpy `dot` for rank 1 and 2 (Swift cannot declare numpy's `@` operator: write `a.dot(b)`, `dot(a, b)`
/// or `matmul(a, b)`).
///
/// `[k]·[k]` is the inner product (rank 0), `[m, k]·[k]` a matrix-vector product (`[m]`), `[k]·[k, n]` gives
/// `[n]`, and `[m, k]·[k, n]` is ``matmul(_:_:transposeA:transposeB:)``. All run through the same GEMM, so
/// results are bit-identical across thread counts.
extension Tensor where Scalar: TensorFloatingPoint {
    /// numpy `a.dot(b)` / `a @ b` for rank-1 and rank-2 operands. Traps naming both shapes when the inner
    /// extents differ or a rank is not 1 or 2 (``checkedDot(_:)`` throws).
    public func dot(_ other: Tensor) -> Tensor {
        do { return try checkedDot(other) } catch { preconditionFailure(error.description) }
    }

    /// Throwing form of ``dot(_:)``.
    /// - Throws: ``TensorError/invalidShape(_:)`` for a rank other than 1 or 2, ``TensorError/shapeMismatch(_:)``
    ///   naming both shapes when the inner extents differ.
    public func checkedDot(_ other: Tensor) throws(TensorError) -> Tensor {
        guard (1...2).contains(rank), (1...2).contains(other.rank) else {
            throw TensorError.invalidShape("dot needs rank-1 or rank-2 operands, got shapes \(shape) and \(other.shape)")
        }
        let inner = shape[rank - 1], otherInner = other.shape[0]
        guard inner == otherInner else {
            throw TensorError.shapeMismatch(
                "dot: shapes \(shape) and \(other.shape) not aligned: \(inner) (axis \(rank - 1)) != \(otherInner) (axis 0)")
        }
        let a = rank == 1 ? reshapedUnchecked([1, inner]) : self
        let b = other.rank == 1 ? other.reshapedUnchecked([inner, 1]) : other
        let product = try Tensor.matrixProduct(a, b)
        var resultShape: [Int] = []
        if rank == 2 { resultShape.append(shape[0]) }
        if other.rank == 2 { resultShape.append(other.shape[1]) }
        return product.reshapedUnchecked(resultShape)
    }
}

/// numpy `dot(a, b)` for rank 1 and 2 (see ``Tensor/dot(_:)``).
public func dot<S: TensorFloatingPoint>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> { a.dot(b) }
