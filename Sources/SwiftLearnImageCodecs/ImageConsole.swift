import Synchronization

/// The one place the image modules (codecs, generators, charts) print: messages a Keras or Pillow user
/// expects to see ("Found 2000 images belonging to 4 classes.", decompression-bomb warnings, skipped files),
/// on standard output.
package enum ImageConsole {
    private static let warned = Mutex<Set<String>>([])

    /// Prints `line` on standard output.
    package static func write(_ line: String) {
        print(line)
    }

    /// Prints `line` the first time it occurs in the process (Python's default warning filter shows a
    /// warning once per distinct message), so a folder of equally large photos warns once.
    package static func warnOnce(_ line: String) {
        let isNew = warned.withLock { $0.insert(line).inserted }
        if isNew { write(line) }
    }
}
