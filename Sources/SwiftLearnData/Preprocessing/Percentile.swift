/// numpy's default (`method="linear"`) percentile of already sorted, NaN-free values.
///
/// The virtual index is `(n - 1) * q / 100`; between its neighbours `a ≤ b` with weight `t` the value is
/// `a + (b - a) * t`, or `b - (b - a) * (1 - t)` when `t >= 0.5` (numpy's `_lerp`, which keeps the result
/// monotonic and exact at the end points). An empty input gives NaN, as `np.nanpercentile` of an all-NaN column.
func linearPercentile(sorted values: [Double], _ percent: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let quantile = percent / 100
    let virtualIndex = Double(values.count - 1) * quantile
    let previous = virtualIndex.rounded(.down)
    let gamma = virtualIndex - previous
    if virtualIndex >= Double(values.count - 1) { return values[values.count - 1] }
    if virtualIndex < 0 { return values[0] }
    let lowerIndex = Int(previous)
    let a = values[lowerIndex], b = values[Swift.min(lowerIndex + 1, values.count - 1)]
    let difference = b - a
    return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
}

/// numpy's median of sorted, NaN-free values: the middle value, or the mean of the two middle ones.
func median(sorted values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let middle = values.count / 2
    if values.count % 2 == 1 { return values[middle] }
    return (values[middle - 1] + values[middle]) / 2
}
