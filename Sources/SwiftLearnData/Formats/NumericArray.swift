import SwiftLearnTensor

/// The element types the array file formats (NPY, NPZ, IDX) carry.
public enum NumericDType: String, Sendable, CaseIterable, CustomStringConvertible {
    case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// NumPy's type character and size, e.g. `f4`, `u1`, `b1`.
    public var numpyCode: String {
        switch self {
        case .bool: return "b1"
        case .int8, .int16, .int32, .int64: return "i\(itemSize)"
        case .uint8, .uint16, .uint32, .uint64: return "u\(itemSize)"
        case .float32, .float64: return "f\(itemSize)"
        }
    }

    /// The dtype for a NumPy type character and size (`"f"`, `4`), if supported.
    public init?(numpyKind kind: Character, size: Int) {
        guard let match = NumericDType.allCases.first(where: { $0.numpyCode == "\(kind)\(size)" }) else { return nil }
        self = match
    }

    public var description: String { rawValue }
}

/// A dense n-dimensional array as read from or written to a file: a shape and typed, row-major (C order),
/// native-endian elements.
///
/// Readers return it so nothing is lost before the caller chooses a scalar type; ``tensor(as:)`` converts,
/// refusing values the target type cannot represent exactly (for integer targets).
///
/// ```swift
/// let array = try NPY.read(contentsOf: url)        // e.g. int64 labels
/// let labels = try array.tensor(as: Int32.self)     // throws if a label does not fit in Int32
/// ```
public struct NumericArray: Sendable, Equatable {
    /// Typed element storage, row-major.
    public enum Storage: Sendable, Equatable {
        case bool([Bool])
        case int8([Int8])
        case uint8([UInt8])
        case int16([Int16])
        case uint16([UInt16])
        case int32([Int32])
        case uint32([UInt32])
        case int64([Int64])
        case uint64([UInt64])
        case float32([Float])
        case float64([Double])

        public var count: Int {
            switch self {
            case .bool(let values): return values.count
            case .int8(let values): return values.count
            case .uint8(let values): return values.count
            case .int16(let values): return values.count
            case .uint16(let values): return values.count
            case .int32(let values): return values.count
            case .uint32(let values): return values.count
            case .int64(let values): return values.count
            case .uint64(let values): return values.count
            case .float32(let values): return values.count
            case .float64(let values): return values.count
            }
        }

        public var dtype: NumericDType {
            switch self {
            case .bool: return .bool
            case .int8: return .int8
            case .uint8: return .uint8
            case .int16: return .int16
            case .uint16: return .uint16
            case .int32: return .int32
            case .uint32: return .uint32
            case .int64: return .int64
            case .uint64: return .uint64
            case .float32: return .float32
            case .float64: return .float64
            }
        }
    }

    /// The extent of each axis, outermost first (`[]` for a scalar).
    public let shape: [Int]
    /// The elements, row-major.
    public let storage: Storage

    /// - Throws: ``FormatError/Kind/invalidArgument`` when the element count does not match the shape.
    public init(shape: [Int], storage: Storage) throws(FormatError) {
        guard shape.allSatisfy({ $0 >= 0 }), let expected = NumericArray.elementCount(shape), expected == storage.count else {
            throw FormatError(.invalidArgument, "shape \(shape) does not match \(storage.count) elements")
        }
        self.shape = shape
        self.storage = storage
    }

    init(uncheckedShape shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
    }

    /// The array holding a tensor's scalars (float32, float64, int32 or uint8 for the built-in scalar types).
    public init<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>) {
        let scalars = tensor.scalars
        let storage: Storage
        // Type checks, then a reinterpretation of the same array (no element-wise cast or copy).
        if Scalar.self == Float.self {
            storage = .float32(unsafeBitCast(scalars, to: [Float].self))
        } else if Scalar.self == Double.self {
            storage = .float64(unsafeBitCast(scalars, to: [Double].self))
        } else if Scalar.self == Int32.self {
            storage = .int32(unsafeBitCast(scalars, to: [Int32].self))
        } else if Scalar.self == UInt8.self {
            storage = .uint8(unsafeBitCast(scalars, to: [UInt8].self))
        } else {
            storage = .float64(scalars.map(\.doubleValue))
        }
        self.init(uncheckedShape: tensor.shape, storage: storage)
    }

    public var dtype: NumericDType { storage.dtype }
    public var count: Int { storage.count }

    /// Every element as a `Double` (exact except for 64-bit integers beyond 2^53).
    public var doubles: [Double] {
        switch storage {
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        case .int8(let values): return values.map(Double.init)
        case .uint8(let values): return values.map(Double.init)
        case .int16(let values): return values.map(Double.init)
        case .uint16(let values): return values.map(Double.init)
        case .int32(let values): return values.map(Double.init)
        case .uint32(let values): return values.map(Double.init)
        case .int64(let values): return values.map(Double.init)
        case .uint64(let values): return values.map(Double.init)
        case .float32(let values): return values.map(Double.init)
        case .float64(let values): return values
        }
    }

    /// The elements as a tensor of `Scalar`.
    ///
    /// Same type: no conversion. Floating-point targets accept every dtype (rounding to nearest, as NumPy's
    /// `astype`). Integer targets require each value to be exactly representable.
    /// - Throws: ``FormatError/Kind/invalidValue`` naming the first element that does not fit.
    public func tensor<Scalar: TensorScalar>(as type: Scalar.Type = Scalar.self) throws(FormatError) -> Tensor<Scalar> {
        if let same = sameTypeScalars(Scalar.self), let tensor = try? Tensor(shape: shape, scalars: same) {
            return tensor  // shares the storage: no copy
        }
        let targetIsFloating = Scalar(converting: 0.5).doubleValue == 0.5
        var firstBad: Int?
        let tensor: Tensor<Scalar>
        if !targetIsFloating, let integers = integerValues() {
            tensor = Tensor<Scalar>(shape: shape) { buffer in
                for index in 0..<integers.count {
                    let value = integers[index]
                    let converted = Scalar(converting: Double(value))
                    // Beyond 2^53 the Double detour is inexact; such values fit no integer scalar type anyway.
                    if firstBad == nil,
                       value.magnitude > 1 << 53 || converted.doubleValue != Double(value) {
                        firstBad = index
                    }
                    buffer[index] = converted
                }
            }
            if let bad = firstBad { throw conversionError(flat: bad, value: "\(integers[bad])", target: Scalar.self) }
        } else {
            let doubles = self.doubles
            tensor = Tensor<Scalar>(shape: shape) { buffer in
                for index in 0..<doubles.count {
                    let converted = Scalar(converting: doubles[index])
                    if !targetIsFloating, firstBad == nil, converted.doubleValue != doubles[index] { firstBad = index }
                    buffer[index] = converted
                }
            }
            if let bad = firstBad { throw conversionError(flat: bad, value: "\(doubles[bad])", target: Scalar.self) }
        }
        return tensor
    }

    /// The storage itself when its element type is `Scalar` (a type check, not an element-wise cast).
    private func sameTypeScalars<Scalar: TensorScalar>(_ type: Scalar.Type) -> [Scalar]? {
        switch storage {
        case .float32(let values) where Scalar.self == Float.self: return unsafeBitCast(values, to: [Scalar].self)
        case .float64(let values) where Scalar.self == Double.self: return unsafeBitCast(values, to: [Scalar].self)
        case .int32(let values) where Scalar.self == Int32.self: return unsafeBitCast(values, to: [Scalar].self)
        case .uint8(let values) where Scalar.self == UInt8.self: return unsafeBitCast(values, to: [Scalar].self)
        default: return nil
        }
    }

    /// Integer dtypes as `Int` (nil for floating point; uint64 beyond Int.max saturates, which the range check rejects).
    private func integerValues() -> [Int]? {
        switch storage {
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        case .int8(let values): return values.map(Int.init)
        case .uint8(let values): return values.map(Int.init)
        case .int16(let values): return values.map(Int.init)
        case .uint16(let values): return values.map(Int.init)
        case .int32(let values): return values.map(Int.init)
        case .uint32(let values): return values.map(Int.init)
        case .int64(let values): return values.map(Int.init)
        case .uint64(let values): return values.map { Int(exactly: $0) ?? Int.max }
        case .float32, .float64: return nil
        }
    }

    private func conversionError<Scalar: TensorScalar>(flat: Int, value: String, target: Scalar.Type) -> FormatError {
        FormatError(.invalidValue, at: .element(flat: flat, index: NumericArray.unravel(flat, shape: shape)),
                    "\(dtype) value \(value) is not exactly representable as \(Scalar.dtypeName)")
    }

    /// The product of the extents, or nil on overflow.
    static func elementCount(_ shape: [Int]) -> Int? {
        var total = 1
        for extent in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            if overflow || extent < 0 { return nil }
            total = product
        }
        return total
    }

    static func unravel(_ flat: Int, shape: [Int]) -> [Int] {
        var index = [Int](repeating: 0, count: shape.count)
        var rest = flat
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
