import SwiftLearnSystem
extension Sequential {
    /// Keras's model table as text (TensorFlow 2 Keras layout, 65 columns):
    ///
    /// ```
    /// Model: "sequential"
    /// _________________________________________________________________
    ///  Layer (type)                Output Shape              Param #
    /// =================================================================
    ///  flatten (Flatten)           (None, 784)               0
    ///  ...
    /// =================================================================
    /// Total params: 79,510
    /// Trainable params: 79,510
    /// Non-trainable params: 0
    /// _________________________________________________________________
    /// ```
    /// - Throws: ``NNError/invalidState(_:)`` when the input shape is not known yet, with Keras's advice.
    public func summaryText() throws -> String {
        try buildIfPossible()
        guard isBuilt else {
            throw NNError.invalidState("model '\(name)' has not yet been built. Build the model first by calling `build(inputShape:)`, by giving the first layer an `inputShape`, or by calling the model on a batch of data.")
        }
        let lineLength = 65
        let positions = [29, 55, 65]
        // Keras's print_row: each column gets `end - start - 2` characters (the last one all of its
        // width); longer text continues on following lines, breaking after "),"-like pairs when present.
        func rows(_ fields: [String]) -> [String] {
            var left = fields.map { Array($0) }
            var lines: [String] = []
            while left.contains(where: { !$0.isEmpty }) {
                var line = ""
                for column in left.indices {
                    let start = column > 0 ? positions[column - 1] : 0
                    let end = positions[column]
                    let space = column != positions.count - 1 ? 2 : 0
                    var cutoff = Swift.min(end - start - space, left[column].count)
                    let fit = String(left[column][0..<cutoff])
                    let breaks = ["),", "},", "],", "',"].compactMap { marker in
                        fit.firstRange(of: marker).map { fit.distance(from: fit.startIndex, to: $0.upperBound) }
                    }
                    if let earliest = breaks.min() { cutoff = earliest }
                    if column == 0 { line += " " }
                    line += String(left[column][0..<cutoff]) + String(repeating: " ", count: space)
                    left[column].removeFirst(cutoff)
                    if line.count < end { line += String(repeating: " ", count: end - line.count) }
                }
                lines.append(line)
            }
            return lines
        }
        var lines = ["Model: \"\(name)\"", String(repeating: "_", count: lineLength)]
        lines += rows(["Layer (type)", "Output Shape", "Param #"])
        lines.append(String(repeating: "=", count: lineLength))
        for layer in layers {
            lines += rows(["\(layer.name) (\(layer.className))", kerasShape(layer.outputShape!), String(layer.parameterCount)])
            lines.append(String(repeating: " ", count: lineLength))
        }
        lines.append(String(repeating: "=", count: lineLength))
        let total = parameterCount
        let trainable = trainableWeights.reduce(0) { $0 + $1.count }
        lines.append("Total params: \(DecimalText.grouped(total))")
        lines.append("Trainable params: \(DecimalText.grouped(trainable))")
        lines.append("Non-trainable params: \(DecimalText.grouped(total - trainable))")
        lines.append(String(repeating: "_", count: lineLength))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Prints ``summaryText()``, like Keras's `model.summary()`.
    public func summary() throws {
        Console.write(try summaryText())
    }
}
