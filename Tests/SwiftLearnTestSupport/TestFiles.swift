import Foundation
import XCTest

/// Files the tests read, all inside the repository (a clone with nothing beside it runs every test).
public enum TestFiles {
    /// The repository root, found from this file (symlinks resolved, so a package that links the test
    /// directory finds the same files).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures`: reference outputs of numpy, scikit-learn and Pillow shared by several targets.
    public static let fixturesDirectory = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// `Tests/Fixtures/<relative>`; fails the test (never skips) when the file is missing.
    public static func fixture(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = fixturesDirectory.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("fixture \(url.path) is missing from the repository", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    /// The bytes of `Tests/Fixtures/<relative>`.
    public static func fixtureBytes(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try fixture(relative, file: file, line: line)))
    }

    /// A fresh, empty scratch directory under the system temporary directory, named after the test.
    public static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let sanitized = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftlearn-tests-\(getpid())/\(sanitized)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
