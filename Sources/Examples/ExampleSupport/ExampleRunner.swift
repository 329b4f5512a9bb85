import Glibc

/// Exit statuses shared by the examples.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// The example ran and failed (missing data, unreadable file, a library error).
    case failure = 1
    /// The command line was wrong.
    case usage = 2
}

/// An example-level failure with a message for the user (e.g. "no MNIST data: pass --csv").
public struct ExampleError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Runs an example's body with the shared command-line behaviour:
///
/// - `--help` / `-h` prints ``CommandLineSpec/helpText`` and exits 0;
/// - a command-line mistake prints the error and a pointer to `--help` on stderr and exits 2;
/// - an error thrown by `body` is printed on stderr (`error: ...`, the library's message naming the file or
///   value) and exits 1;
/// - otherwise, with `--json`, the returned object is printed as the LAST line of standard output.
///
/// Output goes through ``say(_:)``, which writes straight to the file descriptor like the library's progress
/// lines, so both stay in order when piped.
public func runExample(
    _ spec: CommandLineSpec, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
    _ body: (ParsedArguments) throws -> JSONResult
) -> Never {
    let parsed: ParsedArguments
    do {
        switch try ParsedArguments.parse(arguments, spec: spec) {
        case .help:
            say(spec.helpText, terminator: "")
            exit(ExitStatus.success.rawValue)
        case .run(let arguments):
            parsed = arguments
        }
    } catch {
        printError("\(spec.command): \(error)\nRun '\(spec.command) --help' for the options.")
        exit(ExitStatus.usage.rawValue)
    }
    do {
        let result = try body(parsed)
        if parsed.flag("json") { say(result.serialized) }
        exit(ExitStatus.success.rawValue)
    } catch let error as ArgumentError {
        printError("\(spec.command): \(error)\nRun '\(spec.command) --help' for the options.")
        exit(ExitStatus.usage.rawValue)
    } catch {
        printError("\(spec.command): error: \(error)")
        exit(ExitStatus.failure.rawValue)
    }
}

/// Writes `text` and a newline to standard output, unbuffered (the examples' `print`).
public func say(_ text: String = "", terminator: String = "\n") {
    writeAll(STDOUT_FILENO, text + terminator)
}

/// Writes a line to standard error, unbuffered.
public func printError(_ message: String) {
    writeAll(STDERR_FILENO, message + "\n")
}

/// Prints a section heading: a blank line, the title, and a rule under it.
public func printHeading(_ title: String) {
    say()
    say(title)
    say(String(repeating: "-", count: title.count))
}

private func writeAll(_ descriptor: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
