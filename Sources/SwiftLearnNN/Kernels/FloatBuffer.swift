/// A growable, manually managed block of `Float`s that layers and models keep between steps,
/// so the training loop allocates nothing once the first batch has been seen.
final class FloatBuffer {
    private(set) var base: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(capacity: Int = 0) {
        self.capacity = Swift.max(capacity, 1)
        base = .allocate(capacity: self.capacity)
        base.initialize(repeating: 0, count: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `count` elements; the contents are unspecified afterwards when it grows.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        base.deallocate()
        capacity = count
        base = .allocate(capacity: count)
        base.initialize(repeating: 0, count: count)
    }

    /// The first `count` elements, growing first if needed.
    func view(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        reserve(count)
        return UnsafeMutableBufferPointer(start: base, count: count)
    }
}

extension UnsafeMutableBufferPointer where Element == Float {
    var readOnly: UnsafeBufferPointer<Float> { UnsafeBufferPointer(self) }
}
