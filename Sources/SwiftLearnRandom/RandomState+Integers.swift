extension RandomState {
    /// Smallest all-ones bit mask covering `value` (numpy's `gen_mask`).
    static func mask(covering value: UInt64) -> UInt64 {
        var mask = value
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        return mask
    }

    /// A uniform integer in `0 ... range` by masked rejection, the legacy bounded path numpy's `randint` uses for
    /// its default int64 dtype: ranges that fit in 32 bits draw single 32-bit words, wider ranges draw 64-bit
    /// `next()` values; a full-width range takes the raw word without masking.
    mutating func boundedMasked(_ range: UInt64) -> UInt64 {
        if range == 0 { return 0 }
        if range <= 0xFFFF_FFFF {
            if range == 0xFFFF_FFFF { return UInt64(nextUInt32()) }
            let mask = UInt32(truncatingIfNeeded: Self.mask(covering: range))
            let bound = UInt32(truncatingIfNeeded: range)
            while true {
                let value = nextUInt32() & mask
                if value <= bound { return UInt64(value) }
            }
        }
        if range == UInt64.max { return next() }
        let mask = Self.mask(covering: range)
        while true {
            let value = next() & mask
            if value <= range { return value }
        }
    }

    /// A uniform integer in `0 ... max` (numpy's `random_interval`, used by the legacy `shuffle`): the same
    /// masked rejection, 32-bit draws when `max` fits in 32 bits, otherwise 64-bit draws.
    mutating func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        let mask = Self.mask(covering: max)
        if max <= 0xFFFF_FFFF {
            while true {
                let value = UInt64(nextUInt32()) & mask
                if value <= max { return value }
            }
        }
        while true {
            let value = next() & mask
            if value <= max { return value }
        }
    }

    /// A uniform integer in `low ..< high`, identical to `np.random.RandomState.randint(low, high)`.
    ///
    /// - Precondition: `low < high` (numpy raises `ValueError: low >= high`).
    public mutating func randint(_ low: Int, _ high: Int) -> Int {
        precondition(low < high, "randint: low must be < high, got low=\(low), high=\(high)")
        let range = UInt64(bitPattern: Int64(high)) &- UInt64(bitPattern: Int64(low)) &- 1
        return Int(truncatingIfNeeded: UInt64(bitPattern: Int64(low)) &+ boundedMasked(range))
    }

    /// `count` uniform integers in `low ..< high`, identical to `randint(low, high, size=count)`.
    public mutating func randint(_ low: Int, _ high: Int, count: Int) -> [Int] {
        precondition(low < high, "randint: low must be < high, got low=\(low), high=\(high)")
        precondition(count >= 0, "randint: count must be >= 0, got \(count)")
        let range = UInt64(bitPattern: Int64(high)) &- UInt64(bitPattern: Int64(low)) &- 1
        let offset = UInt64(bitPattern: Int64(low))
        var result = [Int]()
        result.reserveCapacity(count)
        for _ in 0..<count {
            result.append(Int(truncatingIfNeeded: offset &+ boundedMasked(range)))
        }
        return result
    }

    /// Shuffles `array` in place exactly like the legacy `RandomState.shuffle` on a 1-D array or a list:
    /// Fisher–Yates from the last element down, `j = random_interval(i)`.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, through: 1, by: -1) {
            let j = Int(interval(UInt64(i)))
            array.swapAt(i, j)
        }
    }

    /// A shuffled `0 ..< n`, identical to `RandomState.permutation(n)`.
    public mutating func permutation(_ n: Int) -> [Int] {
        precondition(n >= 0, "permutation: n must be >= 0, got \(n)")
        var values = Array(0..<n)
        shuffle(&values)
        return values
    }
}
