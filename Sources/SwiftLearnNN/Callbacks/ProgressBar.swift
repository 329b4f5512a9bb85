import SwiftLearnSystem

/// Keras 2's progress bar:
/// `1500/1500 [==============================] - 0s 150us/step - loss: 0.4300 - accuracy: 0.8500`.
///
/// On a terminal the line is redrawn in place with an ETA; otherwise (a pipe or a file) only the
/// finished line of each epoch is printed. `verbose 2` prints one line per epoch without the bar.
final class ProgressBar {
    let target: Int
    let verbose: Int
    let interactive: Bool
    private let width = 30
    private let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now
    private var drawnLength = 0

    init(target: Int, verbose: Int) {
        self.target = target
        self.verbose = verbose
        self.interactive = Console.isInteractive
    }

    private func elapsedSeconds() -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private func bar(_ current: Int) -> String {
        let digits = String(target).count
        var text = String(current)
        while text.count < digits { text = " " + text }
        text += "/\(target) ["
        let progress = target > 0 ? Int(Double(width) * Double(current) / Double(target)) : width
        if progress > 0 {
            text += String(repeating: "=", count: progress - 1)
            text += current < target ? ">" : "="
        }
        text += String(repeating: ".", count: Swift.max(width - progress, 0)) + "]"
        return text
    }

    private static func values(_ logs: [(String, Double)]) -> String {
        logs.map { " - \($0.0): \(formatLogValue($0.1))" }.joined()
    }

    /// Whether ``update(_:logs:)`` draws anything (verbose 1 on a terminal).
    var drawsUpdates: Bool { verbose == 1 && interactive }

    /// Redraws the running line (terminal only, at most every 50 ms).
    func update(_ current: Int, logs: [(String, Double)]) {
        guard verbose == 1, interactive, current < target else { return }
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(50) else { return }
        lastDraw = now
        let elapsed = elapsedSeconds()
        let eta = current > 0 ? elapsed / Double(current) * Double(target - current) : 0
        let etaText = eta > 3600 ? "\(Int(eta) / 3600):\(Int(eta) % 3600 / 60):\(Int(eta) % 60)"
            : eta > 60 ? "\(Int(eta) / 60):\(Int(eta) % 60 < 10 ? "0" : "")\(Int(eta) % 60)" : "\(Int(eta))s"
        var line = bar(current) + " - ETA: \(etaText)" + ProgressBar.values(logs)
        let length = line.count
        if length < drawnLength { line += String(repeating: " ", count: drawnLength - length) }
        drawnLength = length
        Console.write("\r" + line)
    }

    /// Prints the finished line.
    func finish(logs: [(String, Double)]) {
        guard verbose > 0 else { return }
        let elapsed = elapsedSeconds()
        let perStep = target > 0 ? elapsed / Double(target) : 0
        let timing = " - \(formatFixed(elapsed, digits: 0))s \(formatTimePerUnit(perStep, unit: "step"))"
        var line: String
        if verbose == 1 {
            line = bar(target) + timing + ProgressBar.values(logs)
        } else {
            line = "\(target)/\(target)" + timing + ProgressBar.values(logs)
        }
        let length = line.count
        if interactive && verbose == 1 && length < drawnLength { line += String(repeating: " ", count: drawnLength - length) }
        Console.write((interactive && verbose == 1 ? "\r" : "") + line + "\n")
    }
}
