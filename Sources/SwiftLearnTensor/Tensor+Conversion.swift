/// Scalar type conversion (numpy `astype`).
///
/// ```swift
/// let pixels = Tensor<UInt8>([0, 51, 255])
/// let scaled = pixels.astype(Float.self) / 255     // [0, 0.2, 1]: Keras's `x / 255.0`
/// let wide = scaled.astype(Double.self)            // or Tensor<Double>(scaled)
/// ```
extension Tensor {
    /// Converts every element from another scalar type; always a new tensor (numpy `astype(copy=False)` may
    /// return its input: here converting to the same type returns `other` itself, which costs nothing).
    ///
    /// Integer → floating and `Float` ↔ `Double` are IEEE conversions (round to nearest, ±inf and NaN kept).
    /// Floating → integer rounds toward zero and clamps to the target's range, NaN → 0; numpy leaves
    /// out-of-range and NaN casts undefined. Integer → integer clamps (`Int32(300)` → `UInt8` 255), where
    /// numpy wraps. Every pair of the four scalar types runs a loop on the concrete types, on two threads
    /// for large tensors.
    public init<Other: TensorScalar>(_ other: Tensor<Other>) {
        if Other.self == Scalar.self {
            self = unsafeBitCast(other, to: Tensor<Scalar>.self)
            return
        }
        self.init(shape: other.shape) { output in
            other.withUnsafeBufferPointer { input in
                guard let source = input.baseAddress, let destination = output.baseAddress else { return }
                let pair = ConversionPair(Other.self, Scalar.self)
                nonisolated(unsafe) let (s, d) = (UnsafeRawPointer(source), UnsafeMutableRawPointer(destination))
                let bytesPerItem = MemoryLayout<Other>.stride + MemoryLayout<Scalar>.stride
                OutputSplit.run(count: input.count, bytesPerItem: bytesPerItem) { range in
                    if let pair {
                        pair.run(s, d, range)
                    } else {
                        let x = s.assumingMemoryBound(to: Other.self), y = d.assumingMemoryBound(to: Scalar.self)
                        for i in range { (y + i).initialize(to: Scalar(converting: x[i].doubleValue)) }
                    }
                }
            }
        }
    }

    /// numpy `x.astype(np.float32)`: the elements converted to `type` (see ``init(_:)``).
    ///
    /// `x.astype(Float.self)` is `Tensor<Float>(x)`.
    public func astype<Target: TensorScalar>(_ type: Target.Type) -> Tensor<Target> { Tensor<Target>(self) }
}

/// The pairs of scalar types with a conversion loop on the concrete types.
enum ConversionPair: CaseIterable {
    case uint8ToFloat, floatToDouble, doubleToFloat, int32ToFloat, uint8ToDouble, int32ToDouble
    case uint8ToInt32, int32ToUInt8, floatToInt32, doubleToInt32, floatToUInt8, doubleToUInt8

    /// The pair converting `source` to `target`, or `nil` for other conforming types.
    init?<Source, Target>(_ source: Source.Type, _ target: Target.Type) {
        func matches<S, T>(_ s: S.Type, _ t: T.Type) -> Bool { Source.self == S.self && Target.self == T.self }
        if matches(UInt8.self, Float.self) { self = .uint8ToFloat }
        else if matches(Float.self, Double.self) { self = .floatToDouble }
        else if matches(Double.self, Float.self) { self = .doubleToFloat }
        else if matches(Int32.self, Float.self) { self = .int32ToFloat }
        else if matches(UInt8.self, Double.self) { self = .uint8ToDouble }
        else if matches(Int32.self, Double.self) { self = .int32ToDouble }
        else if matches(UInt8.self, Int32.self) { self = .uint8ToInt32 }
        else if matches(Int32.self, UInt8.self) { self = .int32ToUInt8 }
        else if matches(Float.self, Int32.self) { self = .floatToInt32 }
        else if matches(Double.self, Int32.self) { self = .doubleToInt32 }
        else if matches(Float.self, UInt8.self) { self = .floatToUInt8 }
        else if matches(Double.self, UInt8.self) { self = .doubleToUInt8 }
        else { return nil }
    }

    /// `output[i] = convert(input[i])` for `i` in `range`.
    func run(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, _ range: Range<Int>) {
        switch self {
        case .uint8ToFloat: convertLoop(input, output, range) { (x: UInt8) in Float(x) }
        case .floatToDouble: convertLoop(input, output, range) { (x: Float) in Double(x) }
        case .doubleToFloat: convertLoop(input, output, range) { (x: Double) in Float(x) }
        case .int32ToFloat: convertLoop(input, output, range) { (x: Int32) in Float(x) }
        case .uint8ToDouble: convertLoop(input, output, range) { (x: UInt8) in Double(x) }
        case .int32ToDouble: convertLoop(input, output, range) { (x: Int32) in Double(x) }
        case .uint8ToInt32: convertLoop(input, output, range) { (x: UInt8) in Int32(x) }
        case .int32ToUInt8: convertLoop(input, output, range) { (x: Int32) in UInt8(clamping: x) }
        case .floatToInt32: convertLoop(input, output, range) { (x: Float) in Int32(converting: Double(x)) }
        case .doubleToInt32: convertLoop(input, output, range) { (x: Double) in Int32(converting: x) }
        case .floatToUInt8: convertLoop(input, output, range) { (x: Float) in UInt8(converting: Double(x)) }
        case .doubleToUInt8: convertLoop(input, output, range) { (x: Double) in UInt8(converting: x) }
        }
    }
}

@inline(__always)
private func convertLoop<S, T>(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, _ range: Range<Int>,
                               _ convert: (S) -> T) {
    let x = input.assumingMemoryBound(to: S.self), y = output.assumingMemoryBound(to: T.self)
    for i in range { y[i] = convert(x[i]) }
}
