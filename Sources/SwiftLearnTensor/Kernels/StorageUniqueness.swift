/// Reuse of a result's storage when the operand it came from is a temporary nobody else holds.
///
/// numpy elides temporaries: in `data.astype(np.float32) / 255` the division writes into the `astype` result,
/// because numpy sees that only the expression holds it. Without that, `Tensor<Float>(bytes) / 255` at 1e7
/// elements writes two fresh 40 MB results, and the kernel zeroes every page of both on first touch (the second
/// result alone cost more than the division: 0.46x numpy on 3 December). Operators whose left operand has the
/// result's shape take it `consuming`; when its storage turns out to be held only by this call, the operation
/// runs in place on it, otherwise into a fresh result as before. The two paths run the same kernel over the
/// same thread split, so their bits agree.
///
/// `Array` has no public uniqueness test; the check reads the array's single storage reference as an object
/// and asks `isKnownUniquelyReferenced` (the storage is a native Swift object). That layout (one strong reference, the standard library's
/// `_ContiguousArrayBuffer` for non-class elements) is checked once, at first use, on arrays whose sharing is
/// known (``StorageUniqueness/isReliable``); where it does not hold, every operation takes the fresh-result
/// path. A wrong answer could never break value semantics: writing goes through
/// `Array.withUnsafeMutableBufferPointer`, which copies shared storage itself; the check only avoids paying
/// that copy on top of the operation.
enum StorageUniqueness {
    /// Whether ``isUnique(_:)`` answers correctly on this platform's `Array` layout (tested once).
    static let isReliable: Bool = {
        guard MemoryLayout<[Float]>.size == MemoryLayout<NativeObject>.size,
              MemoryLayout<[Float]>.alignment == MemoryLayout<NativeObject>.alignment else { return false }
        var alone = [Float](repeating: 1, count: 64)
        var shared = [Float](repeating: 2, count: 64)
        let otherHolder = shared
        let sharedAnswer = withExtendedLifetime(otherHolder) { referenceIsUnique(&shared) }
        return referenceIsUnique(&alone) && !sharedAnswer
    }()

    /// Whether `array`'s storage is held by this one value only.
    @inline(__always)
    static func isUnique<Element>(_ array: inout [Element]) -> Bool {
        isReliable && array.count > 0 && referenceIsUnique(&array)
    }

    @inline(__always)
    private static func referenceIsUnique<Element>(_ array: inout [Element]) -> Bool {
        withUnsafeMutablePointer(to: &array) { pointer in
            pointer.withMemoryRebound(to: NativeObject.self, capacity: 1) { isKnownUniquelyReferenced(&$0.pointee) }
        }
    }

    /// Stands in for the array's native storage class: only its reference count is read. (Read as `AnyObject`,
    /// a Swift 6 debug build tested a copy of the reference and always answered "shared".)
    private final class NativeObject {}
}
