import SwiftLearnSystem
/// Saves the model (or only its weights) after each epoch, or only when `monitor` improves, like
/// Keras's `ModelCheckpoint`.
///
/// `path` may contain Python-style fields filled from the epoch (1-based) and the logs:
/// `"ckpt-{epoch:02d}-{val_loss:.2f}.safetensors"`. With `saveBestOnly`, a `monitor` key missing from
/// the logs is an error naming the keys that are there (rather than Keras's warning).
///
/// ```swift
/// let checkpoint = ModelCheckpoint("best-model.safetensors", saveBestOnly: true)
/// try model.fit(x, y, epochs: 20, validationData: (vx, vy), callbacks: [checkpoint])
/// let best = try loadModel("best-model.safetensors")
/// ```
public final class ModelCheckpoint: MonitorCallback {
    public let path: String
    public let saveBestOnly: Bool
    public let saveWeightsOnly: Bool
    public let verbose: Int
    /// The paths written, in order.
    public private(set) var savedPaths: [String] = []

    public init(_ path: String, monitor: String = "val_loss", saveBestOnly: Bool = false, saveWeightsOnly: Bool = false,
                mode: MonitorMode = .auto, initialValueThreshold: Double? = nil, verbose: Int = 0) {
        self.path = path
        self.saveBestOnly = saveBestOnly
        self.saveWeightsOnly = saveWeightsOnly
        self.verbose = verbose
        super.init(monitor: monitor, mode: mode)
        // The best value is kept across `fit` calls, as in Keras.
        best = initialValueThreshold
    }

    public override func onTrainBegin(model: Sequential, logs: Logs) throws {
        guard !path.isEmpty else { throw NNError.invalidArgument("ModelCheckpoint: path must not be empty, received \"\"") }
        try checkModelFileName(path, template: true)
    }

    public override func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
        let target = try formatCheckpointPath(path, epoch: epoch + 1, logs: logs)
        if saveBestOnly {
            let current = try monitoredValue(in: logs)
            // Keras's checkpoint compares without minDelta, starting from +inf (or -inf) when no threshold is given.
            let reference = best ?? (mode == .min ? .infinity : -.infinity)
            guard isImprovement(current, over: reference) else {
                if verbose > 0 {
                    Console.write("\nEpoch \(epoch + 1): \(monitor) did not improve from \(formatFixed(reference, digits: 5))\n")
                }
                return
            }
            if verbose > 0 {
                Console.write("\nEpoch \(epoch + 1): \(monitor) improved from \(formatFixed(reference, digits: 5)) to \(formatFixed(current, digits: 5)), saving model to \(target)\n")
            }
            best = current
        } else if verbose > 0 {
            Console.write("\nEpoch \(epoch + 1): saving model to \(target)\n")
        }
        if saveWeightsOnly {
            try model.saveWeights(target)
        } else {
            try model.save(target)
        }
        savedPaths.append(target)
    }
}

/// Fills `{epoch}`, `{epoch:02d}`, `{val_loss:.4f}`, `{loss:.2e}` in a checkpoint path.
func formatCheckpointPath(_ template: String, epoch: Int, logs: Logs) throws -> String {
    var result = ""
    var rest = Substring(template)
    while let open = rest.firstIndex(of: "{") {
        result += rest[..<open]
        guard let close = rest[open...].firstIndex(of: "}") else {
            throw NNError.invalidArgument("ModelCheckpoint: unclosed '{' in path \"\(template)\"")
        }
        let field = rest[rest.index(after: open)..<close]
        let parts = field.split(separator: ":", maxSplits: 1).map(String.init)
        let key = parts.first ?? ""
        let spec = parts.count > 1 ? parts[1] : ""
        let value: Double
        if key == "epoch" {
            value = Double(epoch)
        } else {
            guard let logged = logs[key] else {
                throw NNError.callback("ModelCheckpoint path \"\(template)\": key '\(key)' is not in the logs; available keys: \(logs.keys.sorted().joined(separator: ", "))")
            }
            value = logged
        }
        result += try formatField(value, spec: spec, isInteger: key == "epoch", template: template)
        rest = rest[rest.index(after: close)...]
    }
    return result + rest
}

private func formatField(_ value: Double, spec: String, isInteger: Bool, template: String) throws -> String {
    if !value.isFinite { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
    if spec.hasSuffix("d") && Swift.abs(value) >= 1e15 { return String(value) }
    if spec.isEmpty { return isInteger ? String(Int(value)) : String(value) }
    if spec.hasSuffix("d") {
        let widthText = spec.dropLast()
        let zeroPad = widthText.hasPrefix("0")
        guard let width = widthText.isEmpty ? 0 : Int(widthText) else {
            throw NNError.invalidArgument("ModelCheckpoint: unsupported format '\(spec)' in path \"\(template)\"")
        }
        var text = String(Int(value))
        while text.count < width { text = (zeroPad ? "0" : " ") + text }
        return text
    }
    if spec.hasPrefix("."), let last = spec.last, last == "f" || last == "e", let digits = Int(spec.dropFirst().dropLast()) {
        return last == "f" ? formatFixed(value, digits: digits) : formatExponent(value, digits: digits)
    }
    throw NNError.invalidArgument("ModelCheckpoint: unsupported format '\(spec)' in path \"\(template)\" (use d, 0Nd, .Nf or .Ne)")
}
