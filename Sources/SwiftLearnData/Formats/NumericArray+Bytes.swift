/// Conversion between raw element bytes (either byte order) and typed storage.
extension NumericArray.Storage {
    /// Decodes `count` elements of `dtype` from `bytes` (which holds at least `count * dtype.itemSize` bytes).
    static func decode(_ bytes: UnsafeRawBufferPointer, dtype: NumericDType, count: Int, bigEndian: Bool) -> Self {
        switch dtype {
        case .bool: return .bool((0..<count).map { bytes[$0] != 0 })
        case .int8: return .int8((0..<count).map { Int8(bitPattern: bytes[$0]) })
        case .uint8: return .uint8(Array(UnsafeRawBufferPointer(rebasing: bytes[0..<count])))
        case .int16: return .int16(integers(bytes, count: count, bigEndian: bigEndian))
        case .uint16: return .uint16(integers(bytes, count: count, bigEndian: bigEndian))
        case .int32: return .int32(integers(bytes, count: count, bigEndian: bigEndian))
        case .uint32: return .uint32(integers(bytes, count: count, bigEndian: bigEndian))
        case .int64: return .int64(integers(bytes, count: count, bigEndian: bigEndian))
        case .uint64: return .uint64(integers(bytes, count: count, bigEndian: bigEndian))
        case .float32:
            let patterns: [UInt32] = integers(bytes, count: count, bigEndian: bigEndian)
            return .float32(patterns.map(Float.init(bitPattern:)))
        case .float64:
            let patterns: [UInt64] = integers(bytes, count: count, bigEndian: bigEndian)
            return .float64(patterns.map(Double.init(bitPattern:)))
        }
    }

    private static func integers<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, count: Int, bigEndian: Bool) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let size = MemoryLayout<T>.size
            for index in 0..<count {
                let raw = bytes.loadUnaligned(fromByteOffset: index * size, as: T.self)
                buffer[index] = bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
            }
            initialized = count
        }
    }

    /// The elements as little-endian bytes.
    func littleEndianBytes() -> [UInt8] {
        switch self {
        case .bool(let values): return values.map { $0 ? 1 : 0 }
        case .int8(let values): return values.map { UInt8(bitPattern: $0) }
        case .uint8(let values): return values
        case .int16(let values): return Self.bytes(values)
        case .uint16(let values): return Self.bytes(values)
        case .int32(let values): return Self.bytes(values)
        case .uint32(let values): return Self.bytes(values)
        case .int64(let values): return Self.bytes(values)
        case .uint64(let values): return Self.bytes(values)
        case .float32(let values): return Self.bytes(values.map(\.bitPattern))
        case .float64(let values): return Self.bytes(values.map(\.bitPattern))
        }
    }

    private static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        let size = MemoryLayout<T>.size
        return [UInt8](unsafeUninitializedCapacity: values.count * size) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for index in 0..<values.count {
                raw.storeBytes(of: values[index].littleEndian, toByteOffset: index * size, as: T.self)
            }
            initialized = values.count * size
        }
    }

    /// Reorders column-major (Fortran) elements of `shape` into row-major order.
    func fortranToC(shape: [Int]) -> Self {
        guard shape.count > 1 else { return self }
        switch self {
        case .bool(let values): return .bool(Self.transposeAxes(values, shape: shape))
        case .int8(let values): return .int8(Self.transposeAxes(values, shape: shape))
        case .uint8(let values): return .uint8(Self.transposeAxes(values, shape: shape))
        case .int16(let values): return .int16(Self.transposeAxes(values, shape: shape))
        case .uint16(let values): return .uint16(Self.transposeAxes(values, shape: shape))
        case .int32(let values): return .int32(Self.transposeAxes(values, shape: shape))
        case .uint32(let values): return .uint32(Self.transposeAxes(values, shape: shape))
        case .int64(let values): return .int64(Self.transposeAxes(values, shape: shape))
        case .uint64(let values): return .uint64(Self.transposeAxes(values, shape: shape))
        case .float32(let values): return .float32(Self.transposeAxes(values, shape: shape))
        case .float64(let values): return .float64(Self.transposeAxes(values, shape: shape))
        }
    }

    /// Element (i0, ..., i_{r-1}) of a column-major array sits at i0 + s0 * (i1 + s1 * (...)); walk the output
    /// in row-major order with an odometer and the Fortran strides.
    private static func transposeAxes<T>(_ values: [T], shape: [Int]) -> [T] {
        let count = values.count
        guard count > 0 else { return values }
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        let last = shape.count - 1
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            var index = [Int](repeating: 0, count: shape.count)
            var source = 0
            var output = 0
            while output < count {
                // The innermost (last) axis: contiguous output, stride fortranStrides[last] in the source.
                for _ in 0..<shape[last] {
                    buffer.initializeElement(at: output, to: values[source])
                    output += 1
                    source += fortranStrides[last]
                }
                source -= fortranStrides[last] * shape[last]
                var axis = last - 1
                while axis >= 0 {
                    index[axis] += 1
                    source += fortranStrides[axis]
                    if index[axis] < shape[axis] { break }
                    source -= fortranStrides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
            initialized = count
        }
    }
}
