import Foundation
import XCTest
import SwiftLearnTestSupport

/// README's code stays true: its Swift snippets are compiled (ReadmeSnippets.swift, generated from it) and
/// its Package.swift snippet resolves, both as written and from a clone in a folder of another name.
final class ReadmeTests: XCTestCase {
    private func readmeSwiftBlocks() throws -> [String] {
        let readme = try String(contentsOf: TestFiles.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [String] = []
        var current: [String]? = nil
        for line in readme.components(separatedBy: "\n") {
            if current == nil, line == "```swift" { current = []; continue }
            if current != nil, line == "```" { blocks.append(current!.joined(separator: "\n")); current = nil; continue }
            current?.append(line)
        }
        return blocks
    }

    /// Every snippet appears verbatim (import lines aside) in the compiled file.
    func testEverySwiftSnippetIsCompiled() throws {
        let compiled = try String(contentsOf: TestFiles.repositoryRoot.appendingPathComponent("Tests/ExamplesTests/ReadmeSnippets.swift"),
                                  encoding: .utf8)
        let blocks = try readmeSwiftBlocks().filter { !$0.hasPrefix("// Package.swift") }
        XCTAssertGreaterThanOrEqual(blocks.count, 5)
        for block in blocks {
            let body = block.components(separatedBy: "\n").filter { !$0.hasPrefix("import ") }.joined(separator: "\n")
            XCTAssertTrue(compiled.contains(body), "README snippet not in ReadmeSnippets.swift (rerun Tests/ExamplesTests/make_readme_snippets.py):\n\(body.prefix(300))")
        }
    }

    /// The README's Package.swift lines, in a scratch package that depends on this repository through a
    /// folder named as the README says (`SwiftLearn`) and through one named otherwise with the README's rule
    /// applied; `swift package describe` resolves both and rejects the rule broken.
    func testPackageSnippetResolvesFromAnyFolderName() throws {
        guard let swift = CrossCheck.findExecutable("swift") else {
            throw XCTSkip("the swift driver is not on the PATH")
        }
        let snippet = try XCTUnwrap(try readmeSwiftBlocks().first { $0.hasPrefix("// Package.swift") })
        let lines = snippet.components(separatedBy: "\n").filter { !$0.hasPrefix("//") }.joined(separator: "\n")
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func describe(folder: String, packageName: String) throws -> (status: Int32, errors: String) {
            let clone = directory.appendingPathComponent(folder)
            if !FileManager.default.fileExists(atPath: clone.path) {
                try FileManager.default.createSymbolicLink(at: clone, withDestinationURL: TestFiles.repositoryRoot)
            }
            let app = directory.appendingPathComponent("app-\(folder)-\(packageName)")
            try FileManager.default.createDirectory(at: app.appendingPathComponent("Sources/MyModel"), withIntermediateDirectories: true)
            try "import SwiftLearn\n".write(to: app.appendingPathComponent("Sources/MyModel/main.swift"), atomically: true, encoding: .utf8)
            let resolved = lines
                .replacingOccurrences(of: #".package(url: "https://example.com/you/SwiftLearn.git", from: "0.1.0")"#,
                                      with: ".package(path: \"../\(folder)\")")
                .replacingOccurrences(of: #"package: "SwiftLearn")"#, with: "package: \"\(packageName)\")")
            let manifest = "// swift-tools-version:6.0\nimport PackageDescription\nlet package = Package(\n    name: \"MyModel\",\n"
                + resolved + "\n)\n"
            try manifest.write(to: app.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
            let result = try CrossCheck.execute(swift, ["package", "--package-path", app.path, "describe", "--type", "json"])
            return (result.status, result.errors + result.output)
        }
        let asWritten = try describe(folder: "SwiftLearn", packageName: "SwiftLearn")
        XCTAssertEqual(asWritten.status, 0, asWritten.errors)
        let renamed = try describe(folder: "my-clone", packageName: "my-clone")
        XCTAssertEqual(renamed.status, 0, renamed.errors)
        let broken = try describe(folder: "my-clone", packageName: "SwiftLearn")
        XCTAssertNotEqual(broken.status, 0, "a clone in another folder needs package: named after that folder")
        XCTAssertTrue(broken.errors.contains("unknown package 'SwiftLearn'"), broken.errors)
    }
}
