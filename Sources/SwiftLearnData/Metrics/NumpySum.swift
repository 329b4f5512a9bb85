/// Sums like `np.sum` on a contiguous float64 vector: numpy's pairwise summation (8 accumulators in blocks of
/// up to 128 values, halving above that), so averages match numpy to the last bit rather than a running sum's.
func numpySum(_ values: ArraySlice<Double>) -> Double {
    let n = values.count
    let start = values.startIndex
    if n < 8 {
        var result = 0.0
        for value in values { result += value }
        return result
    }
    if n <= 128 {
        var r = [Double](values[start..<(start + 8)])
        var i = 8
        while i < n - n % 8 {
            for j in 0..<8 { r[j] += values[start + i + j] }
            i += 8
        }
        var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n {
            result += values[start + i]
            i += 1
        }
        return result
    }
    var half = n / 2
    half -= half % 8
    return numpySum(values[start..<(start + half)]) + numpySum(values[(start + half)...])
}

func numpySum(_ values: [Double]) -> Double { numpySum(values[...]) }

/// `np.mean` of a float64 vector (NaN for an empty one).
func numpyMean(_ values: [Double]) -> Double { numpySum(values) / Double(values.count) }
