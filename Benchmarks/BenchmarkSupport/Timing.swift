import Glibc

/// Seconds on the monotonic clock (wall time that never jumps), for timing samples.
public func monotonicSeconds() -> Double { clockSeconds(CLOCK_MONOTONIC) }

/// User + system CPU seconds of the whole process (all threads): moves less than wall time on a shared machine.
public func processCPUSeconds() -> Double { clockSeconds(CLOCK_PROCESS_CPUTIME_ID) }

/// CPU seconds of the calling thread (stable under machine load, for A/B comparisons).
public func threadCPUSeconds() -> Double { clockSeconds(CLOCK_THREAD_CPUTIME_ID) }

/// Seconds in a `Duration` (as `ContinuousClock` measures).
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

private func clockSeconds(_ clock: clockid_t) -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The median of `values` (the mean of the two middle ones for an even count); NaN for no values.
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
