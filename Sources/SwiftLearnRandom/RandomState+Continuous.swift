import Glibc

extension RandomState {
    /// A standard normal value by numpy's legacy polar Box–Muller (`legacy_gauss`).
    ///
    /// Draws `x1 = 2u1 - 1`, `x2 = 2u2 - 1` until `0 < r² = x1² + x2² < 1`, then `f = sqrt(-2 ln r² / r²)`;
    /// returns `f * x2` and keeps `f * x1` for the next call, exactly as `RandomState.standard_normal` does.
    public mutating func standardNormal() -> Double {
        if let cached = cachedGaussian {
            cachedGaussian = nil
            return cached
        }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2.0 * randomSample() - 1.0
            x2 = 2.0 * randomSample() - 1.0
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1.0 || r2 == 0.0
        let f = (-2.0 * log(r2) / r2).squareRoot()
        cachedGaussian = f * x1
        return f * x2
    }

    /// `count` successive values of `standardNormal()` (`standard_normal(count)`).
    public mutating func standardNormal(_ count: Int) -> [Double] {
        draws(count, of: "standardNormal") { $0.standardNormal() }
    }

    /// `low + (high - low) * randomSample()`, identical to `RandomState.uniform(low, high)`.
    public mutating func uniform(_ low: Double = 0, _ high: Double = 1) -> Double {
        low + (high - low) * randomSample()
    }

    /// `count` values of `uniform(low, high)` (`uniform(low, high, size=count)`).
    public mutating func uniform(_ low: Double, _ high: Double, count: Int) -> [Double] {
        draws(count, of: "uniform") { $0.uniform(low, high) }
    }

    /// `mean + std * standardNormal()`, identical to `RandomState.normal(mean, std)`.
    public mutating func normal(_ mean: Double = 0, _ std: Double = 1) -> Double {
        mean + std * standardNormal()
    }

    /// `count` values of `normal(mean, std)` (`normal(mean, std, size=count)`).
    public mutating func normal(_ mean: Double, _ std: Double, count: Int) -> [Double] {
        draws(count, of: "normal") { $0.normal(mean, std) }
    }
}
