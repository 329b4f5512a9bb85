/// SplitMix64: a tiny deterministic generator for test data, independent of the library (tests must
/// not lean on SwiftLearnRandom to make the inputs they check it with).
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in `[low, high)`.
    public mutating func nextFloat(in range: Range<Float> = -1..<1) -> Float {
        Float.random(in: range, using: &self)
    }

    /// `count` uniform Floats in `[low, high)`.
    public mutating func floats(_ count: Int, in range: Range<Float> = -1..<1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}
