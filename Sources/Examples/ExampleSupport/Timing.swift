import SwiftLearnNN

/// Wall-clock time since creation (monotonic), in seconds.
///
/// ```swift
/// let stopwatch = Stopwatch()
/// try model.fit(x, y, epochs: 10)
/// print(stopwatch.seconds)
/// ```
public struct Stopwatch: Sendable {
    private let start = ContinuousClock.now

    public init() {}

    public var seconds: Double { seconds(of: ContinuousClock.now - start) }

    func seconds(of duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// Records how long each epoch of `fit` takes, validation included (as Keras's per-epoch time does).
///
/// ```swift
/// let timer = EpochTimer()
/// try model.fit(x, y, epochs: 5, callbacks: [timer])
/// timer.epochSeconds   // [1.21, 1.18, ...]
/// ```
public final class EpochTimer: Callback {
    public private(set) var epochSeconds: [Double] = []
    private var epochStart: Stopwatch?

    public init() {}

    public func onTrainBegin(model: Sequential, logs: Logs) throws { epochSeconds = [] }

    public func onEpochBegin(_ epoch: Int, model: Sequential, logs: Logs) throws { epochStart = Stopwatch() }

    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
        if let epochStart { epochSeconds.append(epochStart.seconds) }
        epochStart = nil
    }
}

/// `value` rounded to `digits` decimals, for JSON and printed figures.
public func rounded(_ value: Double, _ digits: Int) -> Double {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    return (value * scale).rounded() / scale
}

/// `value` with exactly `digits` decimals (no Foundation formatting), e.g. `fixed(0.88125, 4)` is `"0.8813"`.
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (Swift.abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var fraction = String(Int(scaled - Double(whole) * scale))
    while fraction.count < digits { fraction = "0" + fraction }
    let sign = value < 0 && scaled != 0 ? "-" : ""
    return digits == 0 ? sign + String(whole) : sign + "\(whole)." + fraction
}
