@preconcurrency import Glibc

/// The one path for everything SwiftLearn prints: model summaries, progress bars, epoch reports,
/// generator messages and warnings.
///
/// Text goes through the C `stdout` stream, the same buffer Swift's `print` writes to, and is flushed at
/// once, so library output and a program's own `print` calls stay in order when standard output is a
/// pipe or a file (a CI log), and a progress bar's `\r` redraws appear immediately on a terminal.
///
/// ```swift
/// Console.write("Epoch 1/5\n")
/// Console.warning("your input ran out of data")   // "WARNING: your input ran out of data\n"
/// ```
public enum Console {
    /// Writes `text` as is (no newline added) and flushes.
    public static func write(_ text: String) {
        // glibc's `stdout` is a C global the compiler cannot prove safe; FILE streams lock themselves, and
        // flockfile keeps one message from interleaving with another thread's.
        let stream = unsafe_stdout()
        flockfile(stream)
        defer { funlockfile(stream) }
        fputs(text, stream)
        fflush(stream)
    }

    /// Writes `WARNING: <message>` on its own line, as Keras's warnings read.
    public static func warning(_ message: String) {
        write("WARNING: \(message)\n")
    }

    /// Whether standard output is a terminal (progress bars redraw in place only there).
    public static var isInteractive: Bool { isatty(STDOUT_FILENO) != 0 }
}

/// The C `stdout` stream (read once per call; glibc never reassigns it unless the program does).
private func unsafe_stdout() -> UnsafeMutablePointer<FILE> {
    Glibc.stdout!
}
