/// A Mersenne-Twister generator that reproduces numpy's legacy `np.random.RandomState(seed)` bit for bit.
///
/// The state is MT19937 (624 × 32-bit words) seeded with Matsumoto–Nishimura `init_genrand`, which is what
/// numpy's legacy seeding does for an integer seed in `0 ..< 2**32`. Every method below consumes the 32-bit
/// stream in exactly the order numpy's legacy code paths do, so a split, a shuffle or an initialisation made
/// with the same seed in Python and in Swift is identical.
///
/// ```swift
/// var rng = RandomState(seed: 42)
/// rng.randomSample()          // 0.3745401188473625   (np.random.RandomState(42).random_sample())
/// rng.randint(0, 10)          // numpy's bounded rejection sampling
/// rng.permutation(5)          // legacy Fisher–Yates from the end
/// ```
///
/// As a `RandomNumberGenerator`, `next()` returns two 32-bit draws as `(first << 32) | second`, the same
/// composition numpy's MT19937 bit generator uses for `next_uint64`.
public struct RandomState: RandomNumberGenerator, Sendable {
    @usableFromInline static let stateSize = 624
    static let shift = 397
    static let matrixA: UInt32 = 0x9908_B0DF
    static let upperMask: UInt32 = 0x8000_0000
    static let lowerMask: UInt32 = 0x7FFF_FFFF

    /// The 624-word MT19937 key.
    @usableFromInline var key: [UInt32]
    /// Index of the next untempered word in `key`; `stateSize` means "regenerate first".
    @usableFromInline var position: Int
    /// Second value of the last polar Box–Muller pair, returned by the next `standardNormal()` (numpy's `gauss`).
    var cachedGaussian: Double?

    /// Seeds the generator as `np.random.RandomState(seed)` does for an integer seed.
    ///
    /// `key[0] = seed`, `key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i` (mod 2³²).
    public init(seed: UInt32) {
        var key = [UInt32](repeating: 0, count: Self.stateSize)
        var value = seed
        for index in 0..<Self.stateSize {
            key[index] = value
            value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(truncatingIfNeeded: index + 1)
        }
        self.key = key
        self.position = Self.stateSize
        self.cachedGaussian = nil
    }

    /// Regenerates all 624 words (numpy's `mt19937_gen`).
    @usableFromInline
    mutating func twist() {
        let n = Self.stateSize, m = Self.shift
        key.withUnsafeMutableBufferPointer { key in
            @inline(__always) func mix(_ upper: UInt32, _ lower: UInt32, _ far: UInt32) -> UInt32 {
                let y = (upper & RandomState.upperMask) | (lower & RandomState.lowerMask)
                return far ^ (y >> 1) ^ ((0 &- (y & 1)) & RandomState.matrixA)
            }
            for i in 0..<(n - m) {
                key[i] = mix(key[i], key[i + 1], key[i + m])
            }
            for i in (n - m)..<(n - 1) {
                key[i] = mix(key[i], key[i + 1], key[i + m - n])
            }
            key[n - 1] = mix(key[n - 1], key[0], key[m - 1])
        }
        position = 0
    }

    /// The next tempered 32-bit output of MT19937 (`genrand_int32`).
    @inlinable
    public mutating func nextUInt32() -> UInt32 {
        if position >= Self.stateSize { twist() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Two 32-bit draws composed as `(first << 32) | second` (numpy's MT19937 `next_uint64`).
    @inlinable
    public mutating func next() -> UInt64 {
        let high = UInt64(nextUInt32())
        let low = UInt64(nextUInt32())
        return (high << 32) | low
    }

    /// A double in [0, 1) with 53 random bits: `((a >> 5) * 2²⁶ + (b >> 6)) / 2⁵³` (`genrand_res53`,
    /// numpy's `random_sample`).
    @inlinable
    public mutating func randomSample() -> Double {
        let a = Double(nextUInt32() >> 5)
        let b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `count` successive values of `randomSample()` (numpy's `random_sample(count)`).
    public mutating func randomSample(_ count: Int) -> [Double] {
        draws(count, of: "randomSample") { $0.randomSample() }
    }
}

extension RandomState {
    /// `count` successive values of `draw`, in stream order (numpy's `size=count`); traps on a negative count,
    /// naming the sampler.
    mutating func draws(_ count: Int, of sampler: String, _ draw: (inout RandomState) -> Double) -> [Double] {
        precondition(count >= 0, "\(sampler): count must be >= 0, got \(count)")
        var result = [Double]()
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(draw(&self)) }
        return result
    }
}
