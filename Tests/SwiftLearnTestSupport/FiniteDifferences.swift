/// Central finite difference `(f(x + h) - f(x - h)) / 2h` of `objective` with respect to `values[index]`,
/// restoring the value afterwards; the objective reads the values through the pointer (in place).
public func centralDifference<Scalar: BinaryFloatingPoint>(
    _ values: UnsafeMutablePointer<Scalar>, _ index: Int, step: Scalar, _ objective: () -> Double
) -> Double {
    let saved = values[index]
    values[index] = saved + step
    let plus = objective()
    values[index] = saved - step
    let minus = objective()
    values[index] = saved
    return (plus - minus) / (2 * Double(step))
}

/// ``centralDifference(_:_:step:_:)`` for an objective of a whole array: `objective` receives the perturbed copy.
public func centralDifference<Scalar: BinaryFloatingPoint>(
    of objective: ([Scalar]) -> Double, at values: [Scalar], index: Int, step: Scalar
) -> Double {
    var copy = values
    return copy.withUnsafeMutableBufferPointer { buffer in
        let base = buffer.baseAddress!, count = buffer.count
        return centralDifference(base, index, step: step) { objective(Array(UnsafeBufferPointer(start: base, count: count))) }
    }
}
