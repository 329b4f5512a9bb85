import SwiftLearnSystem

/// What the image modules (codecs, generators, charts) print: messages a Keras or Pillow user expects to see
/// ("Found 2000 images belonging to 4 classes.", decompression-bomb warnings), written through SwiftLearn's one
/// output path (`Console`, standard output), with a capture hook for tests.
package enum ImageConsole {
    private static let warned = Locked<Set<String>>([])
    /// Lines captured by ``capture(_:)`` instead of printed (tests read what a call would print).
    private static let captured = Locked<[String]?>(nil)

    /// Prints `line` and a newline through `Console`.
    package static func write(_ line: String) {
        let taken = captured.withLock { lines -> Bool in
            guard lines != nil else { return false }
            lines!.append(line)
            return true
        }
        if !taken { Console.write(line + "\n") }
    }

    /// Prints `line` the first time `key` occurs in the process (Python's default warning filter shows a
    /// warning once per distinct message; Pillow's bomb warning names the size, not the file), so a folder of
    /// equally large photos warns once.
    package static func warnOnce(_ line: String, key: String) {
        let isNew = warned.withLock { $0.insert(key).inserted }
        if isNew { write(line) }
    }

    /// Runs `body` and returns the lines it printed through this console instead of printing them
    /// (the once-only memory of warnings is cleared first, so a repeated test sees its warning again).
    package static func capture(_ body: () throws -> Void) rethrows -> [String] {
        warned.withLock { $0.removeAll() }
        captured.withLock { $0 = [] }
        defer { captured.withLock { $0 = nil } }
        try body()
        return captured.withLock { $0 ?? [] }
    }
}
