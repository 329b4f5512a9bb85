import SwiftLearnSystem

/// Writes one CSV row per epoch: `epoch` then the log keys in sorted order, like Keras's `CSVLogger`.
/// The file is rewritten atomically after each epoch; with `append`, rows follow those already there.
public final class CSVLogger: Callback {
    public let path: String
    public let separator: String
    public let append: Bool
    private var keys: [String]?
    private var content = ""

    public init(_ path: String, separator: String = ",", append: Bool = false) {
        self.path = path
        self.separator = separator
        self.append = append
    }

    public func onTrainBegin(model: Sequential, logs: Logs) throws {
        keys = nil
        content = ""
        if append, let existing = try? FileIO.readAll(path: path) {
            content = String(decoding: existing, as: UTF8.self)
            if let header = content.split(separator: "\n").first {
                let fields = header.splitFields(separator)
                if fields.first == "epoch" { keys = Array(fields.dropFirst()) }
            }
        }
    }

    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout Logs) throws {
        if keys == nil {
            keys = logs.keys.sorted()
            content += (["epoch"] + keys!).joined(separator: separator) + "\n"
        }
        let values = keys!.map { key in logs[key].map { String($0) } ?? "NA" }
        content += ([String(epoch)] + values).joined(separator: separator) + "\n"
        try FileIO.writeAtomically(Array(content.utf8), toPath: path, as: NNError.self)
    }
}

extension StringProtocol {
    /// Splits on a (possibly multi-character) separator.
    func splitFields(_ separator: String) -> [String] {
        guard !separator.isEmpty else { return [String(self)] }
        var result: [String] = []
        var current = ""
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(separator) {
                result.append(current)
                current = ""
                index = self.index(index, offsetBy: separator.count)
            } else {
                current.append(self[index])
                index = self.index(after: index)
            }
        }
        result.append(current)
        return result
    }
}
