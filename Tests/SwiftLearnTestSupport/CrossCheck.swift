import Foundation
import XCTest

/// Cross-checks against Python tools (numpy, Pillow, zlib, scikit-learn) run as a subprocess.
///
/// Where `python3` or a module is missing, the check is skipped with a visible reason (`XCTSkip`); when
/// the environment sets `SWIFTLEARN_REQUIRE_CROSS_CHECKS=1` (CI does), the same situation is a failure,
/// so CI runs every cross-check.
///
/// ```swift
/// let python = try CrossCheck.python(modules: ["numpy"])
/// let output = try CrossCheck.run(python, script: "import numpy; print(numpy.float32(1) / 3)")
/// ```
public enum CrossCheck {
    /// Whether a missing tool fails instead of skipping.
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["SWIFTLEARN_REQUIRE_CROSS_CHECKS"] == "1"
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var availability: [String: Bool] = [:]

    /// The path of a `python3` that imports every module in `modules`.
    /// - Throws: `XCTSkip` naming what is missing, or (with `SWIFTLEARN_REQUIRE_CROSS_CHECKS=1`) fails the test.
    public static func python(modules: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard let python = findExecutable("python3") else {
            try unavailable("python3 is not on the PATH", file: file, line: line)
        }
        for module in modules where !imports(python, module) {
            try unavailable("python3 cannot import \(module) (pip install \(pipName(module)))", file: file, line: line)
        }
        return python
    }

    /// Runs `python -c script args...` and returns standard output with surrounding whitespace trimmed;
    /// a non-zero exit fails the test with Python's standard error.
    public static func run(_ python: String, script: String, arguments: [String] = [], input: [UInt8]? = nil,
                           file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try execute(python, ["-c", script] + arguments, input: input)
        guard result.status == 0 else {
            XCTFail("python3 failed (status \(result.status)): \(result.errors)", file: file, line: line)
            throw CocoaError(.executableLoad)
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program; returns its standard output, standard error and exit status.
    public static func execute(_ executable: String, _ arguments: [String], input: [UInt8]? = nil)
        throws -> (output: String, errors: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        // Standard error goes to a file so that neither pipe can fill up while the other is drained.
        let errorsURL = FileManager.default.temporaryDirectory.appendingPathComponent("crosscheck-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorsURL) }
        let errors = try FileHandle(forWritingTo: errorsURL)
        process.standardOutput = output
        process.standardError = errors
        let inputPipe = input.map { _ in Pipe() }
        if let inputPipe { process.standardInput = inputPipe }
        try process.run()
        try errors.close()
        if let inputPipe, let input {
            // Written from another thread so a large input cannot deadlock against a full output pipe.
            let handle = inputPipe.fileHandleForWriting
            let data = Data(input)
            DispatchQueue.global().async {
                handle.write(data)
                try? handle.close()
            }
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorData = (try? Data(contentsOf: errorsURL)) ?? Data()
        return (String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self),
                process.terminationStatus)
    }

    /// The first executable called `name` on the PATH.
    public static func findExecutable(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func imports(_ python: String, _ module: String) -> Bool {
        let key = python + " " + module
        if let known = lock.withLock({ availability[key] }) { return known }
        let works = (try? execute(python, ["-c", "import \(module)"]))?.status == 0
        lock.withLock { availability[key] = works }
        return works
    }

    private static func pipName(_ module: String) -> String {
        switch module {
        case "PIL": return "pillow"
        case "sklearn": return "scikit-learn"
        default: return module
        }
    }

    private static func unavailable(_ reason: String, file: StaticString, line: UInt) throws -> Never {
        if isRequired {
            XCTFail("cross-check required (SWIFTLEARN_REQUIRE_CROSS_CHECKS=1) but \(reason)", file: file, line: line)
            throw CocoaError(.featureUnsupported)
        }
        throw XCTSkip("cross-check skipped: \(reason)")
    }
}
